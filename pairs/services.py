"""Writes that form pairs and move them through their lifecycle. Each one re-tests the rules under row locks,
so that two curators acting at the same moment never break them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from mentoring.models import MenteeEntry, MentorEntry, Organisation, Person, User
from programs.models import Programme
from programs.seed_texts import plan_rows

from . import agreements, hours, rules
from .models import MentorHoursMonth, Pair, PairMentee, PairStatusChange, PlanItem, Proposal

S = Pair.Status

TERMINATION_REASON_REQUIRED = "Укажите причину прекращения работы пары."
TERM_REQUIRED = "Укажите срок, например «до 15.10.2026» или «в течение 1 четверти»."
PLAN_CLOSED = "Работа пары завершена или прекращена: её персонализированная программа больше не меняется."


def lock_entries(*, mentor_ids: set[int], mentee_ids: set[int]) -> None:
    """Lock the entries of the base the change touches, always in one order, so that racing writers queue."""
    list(MentorEntry.objects.select_for_update().filter(pk__in=mentor_ids).order_by("pk").values_list("pk"))
    list(MenteeEntry.objects.select_for_update().filter(pk__in=mentee_ids).order_by("pk").values_list("pk"))


def check_pairs(*, programme, groups: dict[int, list[int]]) -> None:
    """Raise a ValidationError listing every broken rule of the mentor → mentees groups about to be formed."""
    mentors = rules.mentor_candidates(MentorEntry.objects.filter(pk__in=groups, school=programme.school))
    mentee_ids = {m for ids in groups.values() for m in ids}
    mentees = rules.mentee_candidates(
        MenteeEntry.objects.filter(pk__in=mentee_ids, school=programme.school), programme
    )
    code = programme.form.code
    problems: list[str] = []
    for mentor_id, ids in groups.items():
        mentor = mentors.get(mentor_id)
        if mentor is None:
            problems.append("Наставник не найден в базе наставников этой школы.")
            continue
        if mentor.capacity_left < len(ids):
            problems.append(
                f"{mentor.name}: свободных мест у наставника {max(mentor.capacity_left, 0)}, "
                f"а предложено наставляемых {len(ids)}."
            )
        elif problem := rules.mentor_problem(code, mentor):
            problems.append(f"{mentor.name}: {problem}.")
        for mentee_id in ids:
            mentee = mentees.get(mentee_id)
            if mentee is None:
                problems.append("Наставляемый не найден в базе наставляемых этой школы.")
                continue
            for problem in (rules.mentee_problem(code, mentee), rules.pair_problem(mentor, mentee)):
                if problem:
                    problems.append(f"{mentee.name} и {mentor.name}: {problem}.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by: User) -> list[Pair]:
    """Turn the proposal into «proposed» pairs and groups, one per mentor, each with its plan."""
    # Only the proposal's row: locking the programme and its form too would queue every school's matching.
    proposal = (
        Proposal.objects.select_for_update(of=("self",)).select_related("programme__form").get(pk=proposal.pk)
    )
    if proposal.status == Proposal.Status.ACCEPTED:
        raise ValidationError("Это предложение уже принято: пары сформированы.")
    # The programme's row too, so that it cannot be completed while its new pairs are being formed.
    programme = Programme.objects.select_for_update(of=("self",)).select_related("form", "school")
    programme = programme.get(pk=proposal.programme_id)
    if not programme.accepts_pairs:
        raise ValidationError("Программа завершена: новые пары в неё не формируются.")
    rows = list(proposal.pairs.order_by("pk"))
    if not rows:
        raise ValidationError("В предложении нет ни одной пары.")
    groups: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        groups[row.mentor_id].append(row.mentee_id)
    lock_entries(mentor_ids=set(groups), mentee_ids={row.mentee_id for row in rows})
    check_pairs(programme=programme, groups=groups)
    pairs = []
    try:
        with transaction.atomic():
            for mentor_id, mentee_ids in groups.items():
                group_rows = [row for row in rows if row.mentor_id == mentor_id]
                pairs.append(
                    pair_create(
                        programme=programme,
                        mentor_id=mentor_id,
                        mentee_ids=mentee_ids,
                        role_models={row.mentee_id: row.role_model_id for row in group_rows},
                        explanation={
                            str(r.mentee_id): {"score": r.score, **r.contributions} for r in group_rows
                        },
                        by=by,
                    )
                )
    except IntegrityError:
        raise ValidationError(
            "Кто-то из наставляемых уже попал в пару этой программы. Обновите предложение."
        ) from None
    proposal.status = Proposal.Status.ACCEPTED
    proposal.accepted_at = timezone.now()
    proposal.save(update_fields=["status", "accepted_at"])
    return pairs


def pair_create(
    *,
    programme,
    mentor_id: int,
    mentee_ids: list[int],
    role_models: dict[int, int | None],
    explanation: dict,
    by: User,
) -> Pair:
    """Create the pair, its mentees and its plan; the caller holds the locks and has checked the rules.
    Each mentee keeps its own role model; the pair's is the one they share, none when they differ."""
    shared = set(role_models.values())
    pair = Pair.objects.create(
        school=programme.school,
        programme=programme,
        mentor_id=mentor_id,
        role_model_id=shared.pop() if len(shared) == 1 else None,
        ends_on=programme.ends_on,
        explanation=explanation,
        created_by=by,
    )
    PairMentee.objects.bulk_create(
        PairMentee(
            pair=pair, mentee_id=mentee_id, programme=programme, role_model_id=role_models.get(mentee_id)
        )
        for mentee_id in mentee_ids
    )
    MenteeEntry.objects.filter(pk__in=mentee_ids).update(status=MenteeEntry.Status.PAIRED)
    PairStatusChange.objects.create(pair=pair, from_status="", to_status=S.PROPOSED, changed_by=by)
    plan_create(pair=pair, start=planned_start(pair))
    return pair


def planned_start(pair: Pair) -> datetime.date:
    """Where a pair's plan is placed before the pair begins work: the day it was formed, or the programme's
    start if later. The start transition places the plan again from the real start."""
    formed = timezone.localdate(pair.created_at) if pair.created_at else timezone.localdate()
    return max(pair.programme.starts_on, formed)


def plan_end(pair: Pair) -> datetime.date:
    """The last day a plan item may be due: the programme's end, or the pair's planned end if earlier."""
    return min(day for day in (pair.ends_on, pair.programme.ends_on) if day)


def plan_create(*, pair: Pair, start: datetime.date) -> list[PlanItem]:
    """The personalised programme from the template of the pair's form, its terms counted from `start`."""
    rows = plan_rows(pair.programme.form.code)
    end = plan_end(pair)
    items = [PlanItem(pair=pair, number=n, **row.placed(start, end)) for n, row in enumerate(rows, start=1)]
    return PlanItem.objects.bulk_create(items)


def plan_place_from_start(*, pair: Pair) -> None:
    """The pair begins work: the template's items, as the plan placed them before, move to the real start;
    an item the curator or the mentor has edited or marked keeps its term."""
    rows = {row.activity: row for row in plan_rows(pair.programme.form.code)}
    end, planned = plan_end(pair), planned_start(pair)
    for item in pair.plan_items.filter(done_on__isnull=True):
        row = rows.get(item.activity)
        if row is None:
            continue
        before = row.placed(planned, end)
        if (item.term, item.due_on) != (before["term"], before["due_on"]):
            continue
        after = row.placed(pair.started_on, end)
        item.term, item.due_on = after["term"], after["due_on"]
        item.save(update_fields=["term", "due_on"])


@transaction.atomic
def pair_change_status(
    *,
    pair: Pair,
    to: str,
    by: User,
    note: str = "",
    on: datetime.date | None = None,
    shown: str | None = None,
) -> Pair:
    """Move a pair one step along its lifecycle; ending it frees its mentees and its mentor's places.
    `shown` is the status the user saw: if the pair has moved on since, nothing changes."""
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    if shown is not None and shown != pair.status:
        raise ValidationError(
            f"Статус пары уже изменён: сейчас она в статусе «{pair.get_status_display()}». "
            "Ничего не изменено — посмотрите, что произошло, и повторите действие, если оно ещё нужно."
        )
    if to not in pair.allowed_transitions():
        raise ValidationError(
            f"Пара сейчас в статусе «{pair.get_status_display()}»: перевести её в «{S(to).label}» нельзя. "
            "Возможно, статус уже изменил кто-то другой — обновите страницу."
        )
    note = note.strip()
    if to == S.TERMINATED and not note:
        raise ValidationError(TERMINATION_REASON_REQUIRED)
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError("Дата не может быть в будущем.")
    if to == S.ACTIVE:
        if refusal := agreements.start_refusal(pair):
            raise ValidationError(refusal)
        if pair.ends_on and on >= pair.ends_on:
            raise ValidationError(
                f"Дата начала работы должна быть раньше окончания работы пары ({pair.ends_on:%d.%m.%Y})."
            )
        pair.started_on = on
        plan_place_from_start(pair=pair)
        MentorEntry.objects.filter(pk=pair.mentor_id).update(status=MentorEntry.Status.ACTIVE)
    if to in (S.COMPLETED, S.TERMINATED):
        if pair.started_on and on < pair.started_on:
            raise ValidationError(f"Дата окончания раньше начала работы пары ({pair.started_on:%d.%m.%Y}).")
        pair.ended_on = on
        pair_release(pair=pair, completed=to == S.COMPLETED)
    if to == S.TERMINATED:
        pair.termination_reason = note
    from_status, pair.status = pair.status, to
    pair.save()
    PairStatusChange.objects.create(
        pair=pair, from_status=from_status, to_status=to, changed_by=by, note=note
    )
    return pair


def pair_release(*, pair: Pair, completed: bool) -> None:
    members = PairMentee.objects.filter(pair=pair, is_current=True)
    mentee_ids = list(members.values_list("mentee", flat=True))
    members.update(is_current=False)
    still_paired = PairMentee.objects.filter(mentee__in=mentee_ids, is_current=True).values("mentee")
    status = MenteeEntry.Status.COMPLETED if completed else MenteeEntry.Status.WAITING
    # A mentee who left the base meanwhile stays «Выбыл».
    released = MenteeEntry.objects.filter(pk__in=mentee_ids).exclude(status=MenteeEntry.Status.LEFT)
    released.exclude(pk__in=still_paired).update(status=status)


def pair_name_order(*, pair: Pair, by: User | None, note: str) -> None:
    """A pair approved without an order is named by one now: its history says so; its status stays."""
    PairStatusChange.objects.create(
        pair=pair, from_status=pair.status, to_status=pair.status, changed_by=by, note=note
    )


# The personalised programme (план мероприятий) of a pair: the curator and the pair's mentor keep it while
# the pair is current; each write locks the pair, so that it never changes a plan of a pair just ended.


def lock_open_pair(pair_id: int) -> Pair:
    pair = Pair.objects.select_for_update().get(pk=pair_id)
    if not pair.is_current:
        raise ValidationError(PLAN_CLOSED)
    return pair


def locked_item(item: PlanItem) -> tuple[PlanItem, Pair]:
    pair = lock_open_pair(item.pair_id)
    fresh = PlanItem.objects.filter(pk=item.pk, pair=pair).first()
    if fresh is None:
        raise ValidationError("Этот пункт плана уже удалён.")
    return fresh, pair


def check_plan_item(item: PlanItem, pair: Pair) -> None:
    if not item.term.strip():
        raise ValidationError({"term": TERM_REQUIRED})
    if item.due_on and pair.ends_on and item.due_on > pair.ends_on:
        raise ValidationError(
            {"due_on": f"Дата позже окончания работы пары ({pair.ends_on:%d.%m.%Y}): укажите не позже неё."}
        )
    item.full_clean()


@transaction.atomic
def plan_item_create(*, pair: Pair, item_data: dict[str, Any]) -> PlanItem:
    """A new row of the plan, numbered after the last one."""
    pair = lock_open_pair(pair.pk)
    last = pair.plan_items.aggregate(last=Max("number"))["last"] or 0
    item = PlanItem(pair=pair, number=last + 1, **item_data)
    check_plan_item(item, pair)
    item.save()
    return item


@transaction.atomic
def plan_item_update(*, item: PlanItem, item_data: dict[str, Any]) -> PlanItem:
    item, pair = locked_item(item)
    for name, value in item_data.items():
        setattr(item, name, value)
    check_plan_item(item, pair)
    item.save()
    return item


@transaction.atomic
def plan_item_mark(*, item: PlanItem, done_on: datetime.date, note: str, by: User) -> PlanItem:
    """The completion mark (отметка о выполнении): when, a comment, and who marked it."""
    item, pair = locked_item(item)
    if pair.status != S.ACTIVE or pair.started_on is None:
        raise ValidationError("Пара ещё не начала работу: выполнение отмечают после начала работы.")
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "Дата выполнения не может быть в будущем."})
    if done_on < pair.started_on:
        raise ValidationError(
            {"done_on": f"Дата выполнения раньше начала работы пары ({pair.started_on:%d.%m.%Y})."}
        )
    item.done_on, item.done_note, item.done_by = done_on, note.strip(), by
    item.save(update_fields=["done_on", "done_note", "done_by"])
    return item


@transaction.atomic
def plan_item_unmark(*, item: PlanItem) -> PlanItem:
    item, _pair = locked_item(item)
    item.done_on, item.done_note, item.done_by = None, "", None
    item.save(update_fields=["done_on", "done_note", "done_by"])
    return item


@transaction.atomic
def plan_item_delete(*, item: PlanItem) -> None:
    """Delete the row; the rows after it move up, so that the numbers stay 1, 2, 3…"""
    item, pair = locked_item(item)
    item.delete()
    PlanItem.objects.filter(pair=pair, number__gt=item.number).update(number=F("number") - 1)


CONSENT_REVOKED = "Отозвано согласие на обработку персональных данных."


@transaction.atomic
def pairs_leave_on_revocation(*, person: Person, by: User | None) -> list[Pair]:
    """The person's data may no longer be processed: its pairs at work end, a group goes on without it."""
    touched = []
    for pair in Pair.objects.current().filter(mentor__person=person).order_by("pk"):
        touched.append(pair_change_status(pair=pair, to=S.TERMINATED, by=by, note=CONSENT_REVOKED))
    members = PairMentee.objects.filter(mentee__person=person, is_current=True).select_related("pair")
    for member in members.order_by("pair"):
        pair = member.pair
        if pair.members.filter(is_current=True).count() == 1:
            touched.append(pair_change_status(pair=pair, to=S.TERMINATED, by=by, note=CONSENT_REVOKED))
            continue
        member.is_current = False
        member.save(update_fields=["is_current"])
        PairStatusChange.objects.create(
            pair=pair,
            from_status=pair.status,
            to_status=pair.status,
            changed_by=by,
            note=f"{person.full_name} выходит из группы. {CONSENT_REVOKED}",
        )
        touched.append(pair)
    if touched:
        MenteeEntry.objects.filter(person=person).update(status=MenteeEntry.Status.LEFT)
    return touched


# The director's approval of a month of the mentors' hours.


@transaction.atomic
def hours_month_approve(*, school: Organisation, month: datetime.date, by: User) -> MentorHoursMonth:
    """Keep the month's timesheet as it stands: the accountant's file reproduces it, and the month's held
    meetings are closed to changes until the approval is withdrawn."""
    label = hours.month_label(month)
    ends = hours.next_month(month)
    if ends > timezone.localdate():
        raise ValidationError(f"Месяц ещё не закончился: часы за {label} можно утвердить с {ends:%d.%m.%Y}.")
    # A meeting is written under its pair's lock: with every pair of the school locked, no held meeting
    # slips into the month while its figures are taken.
    list(Pair.objects.select_for_update().filter(school=school).order_by("pk").values_list("pk"))
    sheet = hours.school_sheet(school, month)
    try:
        with transaction.atomic():
            return MentorHoursMonth.objects.create(
                school=school, month=month, figures=sheet.as_json(), approved_by=by
            )
    except IntegrityError:
        raise ValidationError(f"Часы за {label} уже утверждены.") from None


@transaction.atomic
def hours_month_withdraw(*, school: Organisation, month: datetime.date) -> None:
    """«Отменить утверждение»: the month's meetings may be corrected again; the audit trail keeps what was
    approved."""
    approval = MentorHoursMonth.objects.select_for_update().filter(school=school, month=month).first()
    if approval is None:
        raise ValidationError(f"Часы за {hours.month_label(month)} не утверждены: отменять нечего.")
    approval.delete()
