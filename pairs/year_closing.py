"""The pairs' step of closing a school year (mentoring/school_year.py): pairs whose programme ends, or whose
mentor or every mentee leaves the school, end with the plan completion in their history; the others go on
into the new year, a group without its leavers."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from mentoring.models import MenteeEntry, Organisation
from mentoring.school_year import (
    Change,
    Closing,
    StepPreview,
    YearStep,
    earliest,
    first_after,
    ids_by,
    register,
    set_back,
)

from .models import Meeting, Pair, PairMentee, PairStatusChange, PlanItem

S = Pair.Status
PROGRAMME_ENDS = "программа наставничества окончена"
PEOPLE_LEAVE = "участники выбывают из школы с окончанием учебного года"


class YearPairs:
    """The school's current pairs sorted by what the closing does with them, in four queries."""

    def __init__(self, closing: Closing):
        self.closing = closing
        leavers = set(closing.leavers().values_list("pk", flat=True))
        pairs = Pair.objects.for_school(closing.school).current()
        self.pairs = {
            row[0]: row
            for row in pairs.values_list(
                "pk", "status", "programme__ends_on", "mentor__person", "programme__title"
            )
        }
        members = PairMentee.objects.filter(pair__in=pairs, is_current=True)
        self.members: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
        for pk, pair, mentee, person in members.values_list("pk", "pair", "mentee", "mentee__person"):
            self.members[pair].append((pk, mentee, person in leavers))
        self.reasons: dict[int, str] = {}
        for pk, (_pk, _status, ends_on, mentor_person, _title) in self.pairs.items():
            if ends_on <= closing.year.end:
                self.reasons[pk] = PROGRAMME_ENDS
            elif mentor_person in leavers or all(leaves for _m, _e, leaves in self.members[pk]):
                self.reasons[pk] = PEOPLE_LEAVE
        plan = PlanItem.objects.filter(pair__in=list(self.reasons)).values("pair")
        self.plan = {
            row["pair"]: (row["done"], row["total"])
            for row in plan.annotate(done=Count("pk", filter=Q(done_on__isnull=False)), total=Count("pk"))
        }

    def ending(self, status: str) -> list[int]:
        return [pk for pk in self.reasons if self.pairs[pk][1] == status]

    @property
    def completed(self) -> list[int]:
        return self.ending(S.ACTIVE)

    @property
    def terminated(self) -> list[int]:
        return [pk for pk in self.reasons if self.pairs[pk][1] != S.ACTIVE]

    @property
    def continuing(self) -> list[int]:
        return [pk for pk in self.pairs if pk not in self.reasons]

    @property
    def leaving_members(self) -> list[int]:
        """Members who leave a group that goes on."""
        return [pk for pair in self.continuing for pk, _mentee, leaves in self.members[pair] if leaves]

    def note(self, pair: int) -> str:
        done, total = self.plan.get(pair, (0, 0))
        plan = f"План выполнен: {done} из {total} пунктов." if total else "Плана мероприятий не было."
        return f"Учебный год {self.closing.year.label} завершён: {self.reasons[pair]}. {plan}"


def year_meetings(closing: Closing):
    start, end = closing.year.span
    return Meeting.objects.filter(
        school=closing.school, status=Meeting.Status.HELD, starts_at__date__range=(start, end)
    )


def year_plan(closing: Closing) -> tuple[int, int]:
    """Plan items of the pairs that worked in the year, and how many of them are done."""
    start, end = closing.year.span
    worked = Pair.objects.for_school(closing.school).filter(
        Q(status__in=Pair.ORDERED) | Q(status=S.COMPLETED, ended_on__gte=start)
    )
    found = PlanItem.objects.filter(pair__in=worked).aggregate(
        done=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=end)), total=Count("pk")
    )
    return found["done"], found["total"]


def pairs_preview(closing: Closing) -> StepPreview:
    year = YearPairs(closing)
    done, total = year_plan(closing)
    by_programme: dict[str, Counter] = defaultdict(Counter)
    for pk, row in year.pairs.items():
        outcome = "завершение работы" if pk in year.reasons else "продолжение работы"
        by_programme[row[4]][outcome] += 1
    return StepPreview(
        title="Пары и группы",
        figures=[
            ("Пары и группы: завершение работы", len(year.completed)),
            ("Пары и группы, не начавшие работу: прекращение", len(year.terminated)),
            ("Пары и группы: продолжение работы в новом году", len(year.continuing)),
            ("Наставляемые: выход из продолжающихся групп", len(year.leaving_members)),
            ("Проведено встреч за год", year_meetings(closing).count()),
            (
                "Выполнение планов",
                f"{round(100 * done / total)} % ({done} из {total} пунктов)" if total else "—",
            ),
        ],
        details=[
            f"«{title}»: " + ", ".join(f"{outcome} — {n}" for outcome, n in sorted(counts.items()))
            for title, counts in sorted(by_programme.items())
        ],
    )


def pairs_apply(closing: Closing) -> dict[str, Any]:
    year = YearPairs(closing)
    ending = list(year.reasons)
    released = [member for pk in ending for member in year.members[pk]]
    released_ids = [pk for pk, _mentee, _leaves in released] + year.leaving_members
    mentees = MenteeEntry.objects.filter(pk__in=[mentee for _pk, mentee, _leaves in released])
    record = {
        "pairs": ids_by(Pair.objects.filter(pk__in=ending), "status"),
        "members": released_ids,
        "mentees": ids_by(mentees.exclude(status=MenteeEntry.Status.LEFT), "status"),
    }
    Pair.objects.filter(pk__in=year.completed).update(status=S.COMPLETED, ended_on=closing.today)
    Pair.objects.filter(pk__in=year.terminated).update(
        status=S.TERMINATED,
        ended_on=closing.today,
        termination_reason=f"Учебный год {closing.year.label} завершён.",
    )
    PairMentee.objects.filter(pk__in=released_ids).update(is_current=False)
    still_paired = PairMentee.objects.filter(mentee__in=mentees.values("pk"), is_current=True).values(
        "mentee"
    )
    free = mentees.exclude(status=MenteeEntry.Status.LEFT).exclude(pk__in=still_paired)
    completed_mentees = {mentee for pk in year.completed for _m, mentee, _l in year.members[pk]}
    free.filter(pk__in=completed_mentees).update(status=MenteeEntry.Status.COMPLETED)
    free.exclude(pk__in=completed_mentees).update(status=MenteeEntry.Status.WAITING)
    changes = PairStatusChange.objects.bulk_create(
        PairStatusChange(
            pair_id=pk,
            from_status=year.pairs[pk][1],
            to_status=S.COMPLETED if pk in year.completed else S.TERMINATED,
            changed_by=closing.by,
            note=year.note(pk),
        )
        for pk in ending
    )
    record["status_changes"] = [change.pk for change in changes]
    return record


def pairs_revert(record: dict[str, Any]) -> None:
    PairStatusChange.objects.filter(pk__in=record["status_changes"]).delete()
    set_back(MenteeEntry, record["mentees"], "status")
    PairMentee.objects.filter(pk__in=record["members"]).update(is_current=True)
    for status, ids in record["pairs"].items():
        Pair.objects.filter(pk__in=ids).update(status=status, ended_on=None, termination_reason="")


def audited_after(model, rows, since: datetime.datetime, what: str) -> list[Change]:
    """A change the audit trail holds of the rows, for models without a timestamp of their own."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            timestamp__gt=since,
            object_id__in=rows.values("pk"),
        )
        .order_by("timestamp")
        .first()
    )
    return [Change(entry.timestamp, what)] if entry else []


def pairs_changed_since(school: Organisation, since: datetime.datetime) -> Change | None:
    pairs = Pair.objects.for_school(school)
    return earliest(
        [
            *first_after(pairs, since, lambda pair: "сформирована новая пара", "created_at"),
            *first_after(
                PairStatusChange.objects.filter(pair__school=school),
                since,
                lambda change: f"пара переведена в статус «{change.get_to_status_display()}»",
                "changed_at",
            ),
            *first_after(
                Meeting.objects.filter(school=school), since, lambda meeting: "внесена встреча", "created_at"
            ),
            *audited_after(Meeting, Meeting.objects.filter(school=school), since, "изменена встреча пары"),
            *audited_after(
                PlanItem, PlanItem.objects.filter(pair__school=school), since, "изменён план пары"
            ),
        ]
    )


register(YearStep("pairs", 20, pairs_preview, pairs_apply, pairs_revert, pairs_changed_since, shown=20))
