"""What pairs does when the core announces a change (mentoring.signals); connected in PairsConfig.ready."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from mentoring.depersonalisation import log_entries_scrub
from mentoring.models import Consent, MenteeEntry, MentorEntry, Person, User

from .models import Meeting, Pair, PairStatusChange, PlanItem
from .services import pairs_leave_on_revocation


def leave_pairs_on_revocation(sender: type, *, consent: Consent, by: User | None, **kw: Any) -> list[Pair]:
    return pairs_leave_on_revocation(person=consent.person, by=by)


def keep_paired_entry(sender: type, *, entry: MentorEntry | MenteeEntry, **kw: Any) -> str | None:
    """A participant of a pair at work stays in the bases until its pair is completed or terminated."""
    field = "mentor" if isinstance(entry, MentorEntry) else "members__mentee"
    if Pair.objects.current().filter(**{field: entry}).exists():
        return (
            f"{entry.person.full_name} состоит в наставнической паре или группе: сначала завершите "
            "или прекратите её работу, затем переносите запись в архив."
        )
    return None


def person_pairs(person: Person):
    return Pair.objects.filter(Q(mentor__person=person) | Q(members__mentee__person=person)).distinct()


def scrub_pairs_text(sender: type, *, person: Person, **kw: Any) -> list[str]:
    """The notes of the pairs the person worked in may name it: blanked; dates, kinds, durations and
    attendance stay and keep counting."""
    pairs = list(person_pairs(person))
    meetings = list(Meeting.objects.filter(pair__in=pairs))
    items = list(PlanItem.objects.filter(pair__in=pairs))
    Pair.objects.filter(pk__in=[p.pk for p in pairs]).update(goal="", termination_reason="")
    Meeting.objects.filter(pair__in=pairs).update(outcome="", next_step="")
    PlanItem.objects.filter(pair__in=pairs).update(done_note="")
    PairStatusChange.objects.filter(pair__in=pairs).update(note="")
    log_entries_scrub([*meetings, *items])
    if not pairs:
        return []
    return ["цели пар, причины прекращения, итоги встреч и комментарии к выполнению планов пар участника"]


def pairs_of_person(sender: type, *, person: Person, **kw: Any) -> list[tuple[str, list[dict]]]:
    pairs = person_pairs(person).select_related("programme", "mentor__person", "order").order_by("pk")
    pair_rows, meeting_rows, item_rows = [], [], []
    for pair in pairs:
        pair_rows.append(
            {
                "Программа": pair.programme.title,
                "Наставник": pair.mentor.person.full_name,
                "Наставляемые": ", ".join(m.mentee.person.full_name for m in pair.members.all()),
                "Статус": pair.get_status_display(),
                "Начало": pair.started_on,
                "Окончание": pair.ended_on,
                "Цель": pair.goal,
                "Приказ": f"№ {pair.order.number} от {pair.order.date:%d.%m.%Y}" if pair.order else "",
            }
        )
        for meeting in pair.meetings.filter(
            Q(present__person=person) | Q(pair__mentor__person=person)
        ).distinct():
            meeting_rows.append(
                {
                    "Дата": timezone.localtime(meeting.starts_at).date(),
                    "Вид": meeting.get_kind_display(),
                    "Тема": meeting.topic,
                    "Итог": meeting.outcome,
                }
            )
        for item in pair.plan_items.all():
            item_rows.append({"Мероприятие": item.activity, "Срок": item.term, "Выполнено": item.done_on})
    return [
        ("Наставнические пары и группы", pair_rows),
        ("Встречи, на которых участник присутствовал", meeting_rows),
        ("Пункты планов пар", item_rows),
    ]
