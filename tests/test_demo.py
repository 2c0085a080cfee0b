import datetime
import io
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from mentoring import demo
from mentoring.academic_year import AcademicYear
from mentoring.documents import SPECS
from mentoring.management.commands.build_municipality import Command as BuildMunicipality
from mentoring.models import (
    Consent,
    Document,
    Membership,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    Nomination,
    Organisation,
    Person,
    Role,
    User,
)
from monitoring.documents import MENTOR_PORTFOLIO, portfolio_context
from monitoring.models import Answer, Invitation, Question, Response, Survey
from monitoring.responses import my_open_surveys
from pairs import agreements, matching, proposals, rules
from pairs.demo import BENCH_PAIRS, school_day_from
from pairs.documents import BEST_MENTOR, CERTIFICATE
from pairs.hours import HoursSheet, previous_month
from pairs.models import (
    MEMBERS,
    Meeting,
    MentorHoursMonth,
    Pair,
    PairMentee,
    PairStatusChange,
    PlanItem,
    Preference,
    Proposal,
    ProposedPair,
)
from programs.models import MentoringForm, Programme, ProgrammeRisk, RoleModel
from programs.seed_texts import PROGRAMME_TEMPLATES, plan_rows
from roadmap.department import schools_table

S = Pair.Status

DEMO_ACCOUNTS = {
    "coordinator": Role.COORDINATOR,
    "director": Role.DIRECTOR,
    "curator": Role.CURATOR,
    "mentor": Role.MENTOR,
    "mentee": Role.MENTEE,
    "teacher": Role.TEACHER,
    "psychologist": Role.PSYCHOLOGIST,
    "curator2": Role.CURATOR,
}


@pytest.fixture
def demo_department(db) -> Organisation:
    call_command("demo", stdout=io.StringIO())
    return demo.find_department(demo.DEMO)


@pytest.fixture
def first_school(demo_department) -> Organisation:
    """The school of the demo's accounts."""
    return Organisation.objects.get(memberships__user__username="curator")


def counts() -> dict[str, int]:
    models = (
        Organisation,
        Person,
        Consent,
        MentorEntry,
        MenteeEntry,
        User,
        Membership,
        Programme,
        ProgrammeRisk,
        Pair,
        PairMentee,
        PairStatusChange,
        PlanItem,
        Meeting,
        Proposal,
        ProposedPair,
        Preference,
    )
    return {model.__name__: model.objects.count() for model in models} | {
        "mentee forms": MenteeEntry.forms.through.objects.count(),
        "mentee categories": MenteeEntry.categories.through.objects.count(),
        "mentor forms": MentorEntry.forms.through.objects.count(),
        "present": Meeting.present.through.objects.count(),
    }


def meets_again_before_its_end(pair: Pair) -> bool:
    """Whether the pair's next meeting, at most two weeks ahead, still falls in its term (not in the summer
    holidays after its last school year)."""
    return school_day_from(timezone.localdate() + datetime.timedelta(days=15)) <= pair.ends_on


def assert_pairs_keep_the_rules(department: Organisation) -> None:
    """Every pair of the department passes the rules a pair is formed by, and its history is one that the
    services could have written."""
    now, today = timezone.now(), timezone.localdate()
    pairs = list(
        Pair.objects.filter(school__department=department)
        .select_related("programme__form")
        .prefetch_related("members", "status_changes", "meetings")
    )
    assert pairs
    mentors = rules.mentor_candidates(MentorEntry.objects.filter(school__department=department))
    mentees = {
        programme.pk: rules.mentee_candidates(MenteeEntry.objects.for_school(programme.school), programme)
        for programme in {pair.programme for pair in pairs}
    }
    consented = dict(
        Consent.objects.in_force().filter(school__department=department).values_list("person", "date")
    )
    for pair in pairs:
        code, mentor = pair.programme.form.code, mentors[pair.mentor_id]
        # The pair takes its own place and membership; a mentee of an ended pair may have completed since.
        free_mentor = replace(mentor, capacity_left=1)
        for member in pair.members.all():
            mentee = replace(mentees[pair.programme_id][member.mentee_id], busy=False, left=False)
            assert rules.all_problems(code, free_mentor, mentee) == [], (pair.pk, mentee.name)
            assert member.is_current == pair.is_current
            assert member.programme_id == pair.programme_id
            formed = timezone.localdate(pair.created_at)
            assert consented[mentee.person_id] <= formed and consented[mentor.person_id] <= formed
        steps = [(c.from_status, c.to_status) for c in pair.status_changes.all()]
        assert steps[0] == ("", S.PROPOSED) and steps[-1][1] == pair.status, pair.pk
        assert all(after in Pair.TRANSITIONS[S(before)] for before, after in steps[1:])
        assert all(c.changed_at <= now for c in pair.status_changes.all())
        if pair.started_on:
            assert pair.started_on <= (pair.ended_on or today) < pair.ends_on
        if pair.status == S.TERMINATED:
            assert pair.termination_reason
        for meeting in pair.meetings.all():
            day = timezone.localdate(meeting.starts_at)
            if meeting.status == Meeting.Status.HELD:
                assert meeting.starts_at <= now
                assert pair.started_on <= day <= (pair.ended_on or today)
            else:
                assert meeting.starts_at > now and day <= pair.ends_on and pair.is_current
    assert all(mentor.capacity_left >= 0 for mentor in mentors.values())
    twice = (
        PairMentee.objects.filter(is_current=True, pair__school__department=department)
        .values("programme", "mentee")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists()
    in_current_pairs = MenteeEntry.objects.filter(
        school__department=department, pair_memberships__is_current=True
    )
    assert set(in_current_pairs.values_list("status", flat=True)) == {MenteeEntry.Status.PAIRED}


def test_the_reference_data_is_in_the_database_after_migrate(db):
    assert set(MentoringForm.objects.values_list("code", flat=True)) == {
        "pupil_pupil",
        "teacher_teacher",
        "teacher_pupil",
        "student_pupil",
        "employer_pupil",
    }
    role_models = dict(MentoringForm.objects.annotate(n=Count("role_models")).values_list("code", "n"))
    assert role_models == {
        "pupil_pupil": 4,
        "teacher_teacher": 3,
        "teacher_pupil": 4,
        "student_pupil": 1,
        "employer_pupil": 1,
    }
    assert RoleModel.objects.filter(name="«Опытный педагог – молодой специалист»").exists()
    assert MenteeCategory.objects.count() == 10
    assert MenteeCategory.objects.filter(code="young_teacher").exists()


def test_each_app_contributes_its_part_of_the_demo_after_the_parts_it_builds_on():
    names = [part.name for part in demo.demo_parts()]

    assert sorted(names) == [
        "hours",
        "matching_proposal",
        "mentor_awards",
        "mentor_papers",
        "pairs",
        "roadmaps",
        "surveys",
    ]
    assert names.index("pairs") < names.index("matching_proposal")
    assert names.index("pairs") < names.index("surveys")
    assert names.index("pairs") < names.index("mentor_awards")
    assert names.index("pairs") < names.index("hours")
    assert names.index("pairs") < names.index("mentor_papers")


def test_the_demo_schools_teacher_mentors_work_with_signed_consents_and_one_waits(first_school):
    """Трудовой кодекс, ст. 351.8: every pair at work with a teacher-mentor has the consent and the agreement
    signed, with a scan, before it started; one pair waiting to start shows a consent not signed yet."""
    employees = Pair.objects.filter(school=first_school, mentor__person__kind__in=agreements.EMPLOYEES)
    at_work = employees.filter(status=S.ACTIVE)
    papers = Document.objects.filter(pair__in=at_work, signed_on__isnull=False).exclude(signed_scan="")

    assert (first_school.mentor_pay_rule, first_school.mentor_pay_rate) == ("per_hour", Decimal("300"))
    assert at_work.exists()
    for kind in agreements.KINDS:
        assert papers.filter(kind=kind).count() == at_work.count()
    assert not papers.filter(signed_on__gt=F("pair__started_on")).exists()
    with papers.first().signed_scan.open("rb") as scan:
        assert scan.read().startswith(b"\x89PNG")
    waiting = Document.objects.get(kind=agreements.MENTOR_CONSENT, signed_on__isnull=True)
    assert waiting.pair.status in (S.PROPOSED, S.APPROVED) and waiting.pair in employees


def test_the_demo_has_schools_with_pupils_and_teachers(demo_department):
    schools = Organisation.objects.schools().filter(department=demo_department)
    assert schools.count() >= 2
    for school in schools:
        assert school.full_name.startswith("Муниципальное")
        assert school.director_name and school.address
        people = Person.objects.filter(school=school)
        assert people.filter(kind=Person.Kind.PUPIL).count() >= 300
        assert people.filter(kind=Person.Kind.TEACHER).count() >= 40
        assert set(people.exclude(grade=None).values_list("grade", flat=True)) == set(range(1, 12))


def test_a_pupils_age_fits_the_grade(demo_department):
    september = AcademicYear.current().start
    for pupil in Person.objects.filter(school__department=demo_department, kind=Person.Kind.PUPIL)[:500]:
        assert pupil.age_on(september) == pupil.grade + 6


def test_the_demo_fills_both_bases_partly_and_some_mentees_lack_a_consent(demo_department):
    school = demo_department.schools.order_by("pk").first()
    consent = Exists(Consent.objects.in_force().filter(person=OuterRef("person")))
    mentees = MenteeEntry.objects.for_school(school)
    pupils = Person.objects.filter(school=school, kind=Person.Kind.PUPIL).count()

    assert 0 < mentees.count() < pupils
    assert mentees.filter(consent).exists()
    assert mentees.exclude(consent).exists()
    assert Consent.objects.filter(school=school, revoked_at__isnull=False).exists()
    assert mentees.filter(categories__code="young_teacher", forms__code="teacher_teacher").exists()
    mentors = MentorEntry.objects.for_school(school)
    assert mentors.filter(person__kind=Person.Kind.PUPIL, person__grade__gte=8).exists()
    assert not mentors.filter(person__kind=Person.Kind.PUPIL, person__grade__lt=8).exists()
    assert set(mentors.values_list("status", flat=True)) >= {"candidate", "selected", "trained", "active"}
    assert not Consent.objects.filter(
        school=school, given_by="representative", person__kind="teacher"
    ).exists()


def test_every_demo_account_logs_in_with_demo_and_has_its_role(demo_department, client):
    first, second = demo_department.schools.order_by("pk")[:2]
    for username, role in DEMO_ACCOUNTS.items():
        response = client.post("/accounts/login/", {"username": username, "password": "demo"})
        assert response.status_code == 302, username
        assert response["Location"] == "/", username
        client.logout()
        user = User.objects.get(username=username)
        assert user.last_name and user.first_name and user.patronymic
        expected = {"coordinator": demo_department, "curator2": second}.get(username, first)
        assert list(user.memberships.values_list("organisation", "role")) == [(expected.pk, role)]


def test_the_demo_accounts_have_addresses_at_a_domain_reserved_for_examples(demo_department):
    addresses = dict(User.objects.filter(username__in=DEMO_ACCOUNTS).values_list("username", "email"))

    assert addresses == {username: f"{username}@example.org" for username in DEMO_ACCOUNTS}


def test_the_scheduled_jobs_on_the_demo_mail_real_letters_to_the_demo_accounts(demo_department):
    call_command("run_scheduled", stdout=io.StringIO())

    assert {"director@example.org", "mentor@example.org"} <= {m.to[0] for m in mail.outbox}


def test_the_demo_accounts_are_linked_to_fitting_people(demo_department):
    mentor = Person.objects.get(user__username="mentor")
    assert mentor.kind == Person.Kind.TEACHER
    assert mentor.mentor_entry.status == MentorEntry.Status.ACTIVE
    assert mentor.active_consent() is not None
    mentee = Person.objects.get(user__username="mentee")
    assert mentee.kind == Person.Kind.PUPIL
    assert 5 <= mentee.grade <= 8
    assert mentee.mentee_entry.status == MenteeEntry.Status.PAIRED
    assert mentee.active_consent().given_by == Consent.GivenBy.REPRESENTATIVE
    assert Person.objects.get(user__username="teacher").kind == Person.Kind.TEACHER
    assert Person.objects.get(user__username="psychologist").position == "Педагог-психолог"


def test_the_demo_mentor_works_with_the_demo_mentee_in_a_teacher_pupil_pair(demo_department):
    mentor = Person.objects.get(user__username="mentor")
    mentee = Person.objects.get(user__username="mentee")

    pair = Pair.objects.get(mentor__person=mentor, members__mentee__person=mentee)

    assert pair.programme.form.code == "teacher_pupil"
    assert pair.status == S.ACTIVE
    assert pair.meetings.filter(status=Meeting.Status.HELD).count() >= 10
    assert pair.meetings.filter(status=Meeting.Status.PLANNED).exists() or not meets_again_before_its_end(
        pair
    )
    assert 2 <= Pair.objects.filter(mentor__person=mentor).current().count() <= mentor.mentor_entry.capacity


def test_the_demo_mentors_portfolio_has_its_pairs_hours_and_awards(first_school):
    entry = MentorEntry.objects.get(person__user__username="mentor")
    document = Document(school=first_school, kind=MENTOR_PORTFOLIO, params={"mentor": entry.pk, "year": None})

    context = portfolio_context(document)

    assert len(context["records"]) >= 2 and context["totals"].hours.minutes > 0
    awards = {award.name for award in context["awards"]}
    assert {SPECS[CERTIFICATE].label, SPECS[BEST_MENTOR].label} <= awards


def test_the_first_school_runs_two_programmes_from_the_seeds_and_has_a_third_approved(first_school):
    programmes = {p.form.code: p for p in Programme.objects.filter(school=first_school)}

    assert set(programmes) == {"teacher_teacher", "teacher_pupil", "pupil_pupil"}
    assert programmes["teacher_teacher"].status == Programme.Status.RUNNING
    assert programmes["teacher_pupil"].status == Programme.Status.RUNNING
    assert programmes["pupil_pupil"].status == Programme.Status.APPROVED
    september = AcademicYear.current().start
    assert programmes["teacher_teacher"].starts_on == september
    for code, programme in programmes.items():
        template = PROGRAMME_TEMPLATES[code]
        assert programme.title.startswith(template.title)
        assert programme.goal == template.goal
        assert programme.task_lines == list(template.tasks)
        assert programme.starts_on <= timezone.localdate()
        assert programme.status != Programme.Status.RUNNING or timezone.localdate() <= programme.ends_on
        assert programme.risks.count() == len(template.risks)
        assert programme.curator.username == "curator"
        assert programme.approved_by.username == "director"


def test_the_approved_pupil_pupil_programme_waits_for_matching_with_candidates_in_both_bases(first_school):
    programme = Programme.objects.get(school=first_school, form__code="pupil_pupil")
    mentors = rules.mentor_candidates(
        MentorEntry.objects.for_school(first_school).filter(forms__code="pupil_pupil")
    )
    mentees = rules.mentee_candidates(
        MenteeEntry.objects.for_school(first_school).filter(
            forms__code="pupil_pupil", person__grade__range=(5, 8)
        ),
        programme,
    ).values()

    assert not programme.pairs.exists()
    fitting = [m for m in mentors.values() if rules.mentor_problem("pupil_pupil", m) is None]
    assert any(m.grade >= 9 for m in fitting)
    assert {m.capacity_left for m in fitting} <= {1, 2, 3}
    assert any(rules.mentee_problem("pupil_pupil", m) is None and m.categories for m in mentees)
    assert any(rules.consent_problem(m) for m in mentees)


def test_the_demo_curators_matching_proposal_pairs_every_waiting_pupil_before_those_paired_elsewhere(
    first_school,
):
    proposal = Proposal.objects.get(programme__school=first_school, programme__form__code="pupil_pupil")
    review = proposals.proposal_review(proposal)

    proposed = [item for group in review.groups for item in group.rows]
    reasons = dict(review.unpaired_by_reason)
    assert [item.mentee.name for item in proposed if item.note]  # one paired elsewhere, ticked on purpose
    assert len(reasons[matching.PLACES_TO_WAITING]) >= 2
    assert matching.ALL_MENTORS_BUSY not in reasons and matching.FREE_MENTOR_LEFT not in reasons
    assert all(item.mentee.grade >= 5 for item in proposed)


def test_a_demo_group_shows_each_members_own_role_model(first_school):
    mixed = [
        pair
        for pair in Pair.objects.filter(school=first_school).prefetch_related(MEMBERS)
        if len({member.role_model_id for member in pair.members.all()}) > 1
    ]

    assert mixed and all(pair.role_model is None for pair in mixed)
    assert all(
        member.mentee.person.full_name in mixed[0].role_model_label for member in mixed[0].members.all()
    )


def test_the_first_school_has_pairs_and_groups_at_every_stage(first_school):
    pairs = Pair.objects.filter(school=first_school).annotate(size=Count("members"))
    statuses = Counter(pairs.values_list("status", flat=True))
    active = pairs.filter(status=S.ACTIVE).order_by("pk").first()

    assert 8 <= pairs.count() <= 12
    assert set(pairs.values_list("programme__status", flat=True)) == {Programme.Status.RUNNING}
    assert 2 <= statuses[S.PROPOSED] <= 4
    assert statuses[S.COMPLETED] >= 1 and statuses[S.TERMINATED] >= 1
    assert statuses[S.ACTIVE] >= 5
    assert pairs.filter(size=3, status__in=Pair.CURRENT).exists()
    assert not pairs.filter(status=S.TERMINATED, termination_reason="").exists()
    assert list(active.status_changes.values_list("from_status", "to_status", "changed_by__username")) == [
        ("", S.PROPOSED, "curator"),
        (S.PROPOSED, S.APPROVED, "director"),
        (S.APPROVED, S.ACTIVE, "curator"),
    ]
    assert not pairs.filter(status=S.PROPOSED, started_on__isnull=False).exists()
    assert MenteeEntry.objects.filter(
        pair_memberships__pair__status=S.COMPLETED, status=MenteeEntry.Status.COMPLETED
    ).exists()


def test_every_pair_has_the_plan_of_its_form_with_work_done_and_a_few_items_overdue(first_school):
    today = timezone.localdate()
    pairs = Pair.objects.filter(school=first_school).select_related("programme__form")
    items = PlanItem.objects.filter(pair__school=first_school)
    done = items.filter(done_on__isnull=False)
    overdue = items.filter(done_on__isnull=True, due_on__lt=today, pair__status=S.ACTIVE)

    for pair in pairs:
        rows = plan_rows(pair.programme.form.code)
        assert [i.activity for i in pair.plan_items.all()] == [row.activity for row in rows]
    # Most items run «в течение года»: they are marked as the year goes on.
    assert 0 < done.filter(pair__status=S.ACTIVE).count() < 0.8 * items.filter(pair__status=S.ACTIVE).count()
    assert 1 <= overdue.count() < done.count()
    assert not done.filter(Q(pair__started_on__isnull=True) | Q(done_on__gt=today)).exists()
    assert not done.filter(done_on__lt=F("pair__started_on")).exists()
    mentor = User.objects.get(username="mentor")
    assert done.filter(pair__mentor__person__user=mentor).exclude(done_by=mentor).count() == 0
    assert done.filter(pair__mentor__person__user=mentor).exists()


def test_a_proposed_pair_has_items_due_already_yet_none_overdue_and_every_plan_ends_in_its_programme(
    first_school,
):
    today = timezone.localdate()
    waiting = PlanItem.objects.filter(pair__school=first_school, pair__status__in=[S.PROPOSED, S.APPROVED])

    assert waiting.filter(due_on__lt=today).exists()
    assert not any(item.is_overdue for item in waiting.select_related("pair"))
    assert not PlanItem.objects.filter(due_on__gt=F("pair__programme__ends_on")).exists()


def test_active_pairs_meet_in_seed_002s_sequence_with_one_or_two_meetings_ahead(first_school):
    for pair in Pair.objects.filter(school=first_school, status=S.ACTIVE):
        held = list(pair.meetings.filter(status=Meeting.Status.HELD))
        planned = pair.meetings.filter(status=Meeting.Status.PLANNED)
        opening = [Meeting.Kind.ORGANISATIONAL, Meeting.Kind.TRIAL, Meeting.Kind.PLANNING]
        assert [m.kind for m in held[:3]] == opening[: len(held)]
        assert {m.kind for m in held[3:]} <= {Meeting.Kind.REGULAR}
        assert all(m.topic and m.outcome and m.next_step for m in held)
        assert all(timezone.localtime(m.starts_at).weekday() < 5 for m in held)
        assert all(m.present.exists() for m in held)
        assert planned.count() <= 2
        assert planned.exists() or not meets_again_before_its_end(pair)
    for pair in Pair.objects.filter(school=first_school, status=S.COMPLETED):
        assert pair.meetings.order_by("starts_at").last().kind == Meeting.Kind.FINAL
    assert not Meeting.objects.filter(pair__status=S.PROPOSED).exists()


def test_the_demo_school_pays_per_hour_and_its_director_approved_last_month(first_school):
    assert (first_school.mentor_pay_rule, first_school.mentor_pay_rate) == ("per_hour", Decimal("300.00"))
    approval = MentorHoursMonth.objects.get(school=first_school)
    assert approval.month == previous_month(timezone.localdate())
    assert approval.approved_by.username == "director"
    assert all(line.pay is not None for line in HoursSheet.from_json(approval.figures).lines if line.employee)


def test_every_demo_pair_keeps_the_rules(demo_department):
    assert_pairs_keep_the_rules(demo_department)


def test_running_the_demo_twice_duplicates_nothing(demo_department, capsys):
    before = counts()

    call_command("demo")

    assert "Демо-данные уже загружены." in capsys.readouterr().out
    assert counts() == before


def test_the_demo_reset_rebuilds_it_without_duplicates(demo_department, first_school):
    before = counts()
    # What the curator may have added in the browser meanwhile: a matching run and preferences.
    programme = Programme.objects.get(school=first_school, form__code="pupil_pupil")
    mentor = MentorEntry.objects.for_school(first_school).filter(forms__code="pupil_pupil").first()
    mentee = MenteeEntry.objects.for_school(first_school).filter(forms__code="pupil_pupil").first()
    proposal = Proposal.objects.create(school=first_school, programme=programme)
    proposal.mentors.add(mentor)
    proposal.mentees.add(mentee)
    ProposedPair.objects.create(proposal=proposal, mentor=mentor, mentee=mentee)
    Preference.objects.create(
        school=first_school, programme=programme, side="mentee", mentor=mentor, mentee=mentee, rank=1
    )

    call_command("demo", "--reset", stdout=io.StringIO())

    assert counts() == before
    assert not Organisation.objects.filter(pk=demo_department.pk).exists()


def test_the_municipality_command_builds_the_requested_size_with_both_bases(db, client, capsys):
    call_command("build_municipality", "--schools", "2", "--pupils", "50", "--teachers", "10")

    assert "Построено за" in capsys.readouterr().out
    department = demo.find_department(demo.BENCH)
    assert department.full_name != demo.DEMO.full_name
    people = Person.objects.filter(school__department=department)
    assert department.schools.count() == 2
    assert people.filter(kind=Person.Kind.PUPIL).count() == 100
    assert people.filter(kind=Person.Kind.TEACHER).count() == 20
    assert MentorEntry.objects.filter(school__department=department).exists()
    assert MenteeEntry.objects.filter(school__department=department).exists()
    assert Consent.objects.filter(school__department=department).exists()
    for username in ("bench_curator", "bench_coordinator", "bench_mentor"):
        assert client.post("/accounts/login/", {"username": username, "password": "demo"}).status_code == 302
        client.logout()


def test_the_municipality_has_years_of_programmes_pairs_plans_and_meetings(db):
    built = demo.build_municipality(schools=2, pupils_per_school=200, teachers_per_school=30)

    history = BENCH_PAIRS.history_years
    for school in built.schools:
        programmes = Programme.objects.filter(school=school.school)
        assert programmes.filter(status=Programme.Status.RUNNING).count() == 2
        assert programmes.filter(status=Programme.Status.APPROVED).count() == 1
        assert programmes.filter(status=Programme.Status.COMPLETED).count() >= history
        assert Pair.objects.filter(school=school.school).count() >= 20
    pairs = Pair.objects.filter(school__department=built.department)
    assert pairs.filter(status=S.COMPLETED).count() > pairs.current().count() > 0
    assert pairs.annotate(size=Count("members")).filter(size__gt=1).exists()
    assert Meeting.objects.filter(pair__in=pairs).count() >= 10 * pairs.count()
    assert PlanItem.objects.filter(pair__in=pairs).count() >= 7 * pairs.count()
    mentor = User.objects.get(username="bench_mentor")
    assert 3 <= pairs.mentored_by(mentor).current().count() <= 5
    assert Meeting.objects.filter(pair__in=pairs.mentored_by(mentor)).count() >= 30
    assert_pairs_keep_the_rules(built.department)


def test_the_municipality_command_is_idempotent_and_coexists_with_the_demo(demo_department, capsys):
    call_command("build_municipality", "--schools", "1", "--pupils", "20", "--teachers", "5")
    before = counts()

    call_command("build_municipality", "--schools", "1", "--pupils", "20", "--teachers", "5")
    assert "уже построен" in capsys.readouterr().out
    assert counts() == before

    call_command("build_municipality", "--schools", "1", "--pupils", "20", "--teachers", "5", "--reset")
    assert counts() == before
    assert demo.find_department(demo.DEMO) == demo_department


def test_the_municipality_defaults_are_fifteen_schools_of_a_thousand_pupils_and_a_hundred_teachers():
    options = BuildMunicipality().create_parser("manage.py", "build_municipality").parse_args([])

    assert (options.schools, options.pupils, options.teachers) == (15, 1000, 100)


def stage_2_answers(survey: Survey) -> dict[tuple[int, str], dict[str, Decimal]]:
    """Each respondent's stage 2 answers by measure."""
    rows = Answer.objects.filter(
        response__invitation__survey=survey, response__submitted_at__isnull=False
    ).values_list(
        "response__invitation__person", "response__invitation__role", "question__measures", "number"
    )
    answers: dict[tuple[int, str], dict[str, Decimal]] = {}
    for person, role, measure, number in rows:
        answers.setdefault((person, role), {})[measure] = number
    return answers


def test_a_programme_of_the_first_school_has_stage_2_entry_and_exit_surveys_with_responses(first_school):
    programme = Programme.objects.get(school=first_school, form__code="teacher_pupil")
    today = timezone.localdate()
    # The pupil mentees answer the pupils' questionnaire, their teacher mentors the teachers' one.
    for code, role in (("stage-2", Role.MENTEE), ("stage-2-teachers", Role.MENTOR)):
        entry, exit_ = (
            Survey.objects.get(programme=programme, phase=phase, questionnaire__code=code)
            for phase in (Survey.Phase.ENTRY, Survey.Phase.EXIT)
        )
        assert entry.opens_on == programme.starts_on and entry.closes_on < today
        assert entry.closes_on < exit_.opens_on and exit_.closes_on < today
        for survey in (entry, exit_):
            assert set(survey.invitations.values_list("role", flat=True)) == {role}
            assert not survey.invitations.filter(pair__isnull=True).exists()
            answered = Response.objects.filter(invitation__survey=survey, submitted_at__isnull=False)
            assert answered.count() >= 4


def test_stage_2_of_the_teacher_teacher_programme_asks_teacher_mentees_the_teachers_questionnaire(
    demo_department, first_school
):
    programme = Programme.objects.get(school=first_school, form__code="teacher_teacher")
    entry = Survey.objects.get(programme=programme, phase=Survey.Phase.ENTRY)
    assert entry.questionnaire.code == "stage-2-teachers"
    assert entry.invitations.filter(role=Role.MENTEE, person__kind=Person.Kind.TEACHER).exists()
    measured = Answer.objects.filter(
        response__invitation__survey=entry, response__submitted_at__isnull=False
    ).values_list("question__measures", flat=True)
    assert Question.Measure.DIFFICULTIES in set(measured)
    pupils_questionnaire = Invitation.objects.filter(
        survey__school__department=demo_department, survey__questionnaire__audience="pupil"
    )
    assert pupils_questionnaire.exists()
    assert not pupils_questionnaire.exclude(person__kind=Person.Kind.PUPIL).exists()


def test_stage_2_has_respondents_who_answered_only_once_and_exit_values_drift(demo_department):
    once, twice, changes = 0, 0, Counter()
    for exit_ in Survey.objects.filter(school__department=demo_department, phase=Survey.Phase.EXIT):
        entry = Survey.objects.get(
            programme=exit_.programme, questionnaire=exit_.questionnaire, phase=Survey.Phase.ENTRY
        )
        before, after = stage_2_answers(entry), stage_2_answers(exit_)
        once += len(before.keys() ^ after.keys())
        for key in before.keys() & after.keys():
            twice += 1
            for measure, number in after[key].items():
                changes[measure] += number - before[key][measure]

    assert once > 0 and twice > once
    assert changes[Question.Measure.ANXIETY] < 0 < changes[Question.Measure.SELF_ESTEEM]


def test_the_departments_stage_2_of_this_year_compares_the_exits_with_the_entries_of_last_year(
    demo_department,
):
    year = AcademicYear.current()
    two_years = Programme.objects.filter(school__department=demo_department, starts_on__lt=year.start)
    entries = Survey.objects.filter(programme__in=two_years, phase=Survey.Phase.ENTRY)
    exits = Survey.objects.filter(programme__in=two_years, phase=Survey.Phase.EXIT)

    assert all(AcademicYear.containing(s.opens_on).start_year < year.start_year for s in entries)
    assert exits and all(AcademicYear.containing(s.opens_on) == year for s in exits)
    rows = schools_table(demo_department, year).rows
    # Every school compares some of its participants; how many depends on who each questionnaire is for.
    assert rows and all(row.compared and row.improved for row in rows)


def test_the_demo_mentor_and_mentee_have_an_open_feedback_survey_waiting(first_school):
    for username in ("mentor", "mentee"):
        user = User.objects.get(username=username)
        waiting = [i for i in my_open_surveys(user).waiting if i.survey.questionnaire.code == "feedback"]

        assert len(waiting) == 1, username
        assert not Response.objects.filter(invitation=waiting[0]).exists()
        others = waiting[0].survey.invitations.exclude(person__user=user)
        assert others.filter(response__submitted_at__isnull=False).exists()


def test_the_demo_teacher_leads_the_demo_mentees_class_and_has_nominated_two_pupils(first_school, client):
    teacher = Person.objects.get(user__username="teacher")
    mentee = Person.objects.get(user__username="mentee")
    assert (teacher.homeroom_grade, teacher.homeroom_letter) == (mentee.grade, mentee.class_letter)
    nominations = Nomination.objects.filter(nominated_by=teacher.user)
    accepted = nominations.get(status=Nomination.Status.ACCEPTED)
    assert accepted.person == mentee and accepted.categories.exists()
    assert accepted.created_at < accepted.decided_at <= timezone.now()
    pending = nominations.get(status=Nomination.Status.PENDING)
    assert (pending.person.grade, pending.person.class_letter) == (mentee.grade, mentee.class_letter)
    assert not MenteeEntry.objects.filter(person=pending.person).exists()

    client.force_login(teacher.user, backend="django.contrib.auth.backends.ModelBackend")
    rows = {pupil: state.label for pupil, state, _ in client.get("/class/").context["rows"]}
    assert rows[mentee] == "В паре"
    assert rows[pending.person] == "Представление ждёт решения куратора"


def test_the_demo_teacher_has_a_questionnaire_waiting(first_school):
    teacher = User.objects.get(username="teacher")

    waiting = my_open_surveys(teacher).waiting

    assert len(waiting) == 1
    assert waiting[0].survey.questionnaire.code == "stage-1"
    assert Person.objects.get(user=teacher).active_consent() is not None


def test_every_class_of_the_first_school_has_a_class_teacher(first_school):
    pupils = Person.objects.filter(school=first_school, kind=Person.Kind.PUPIL)
    classes = set(pupils.values_list("grade", "class_letter"))
    led = set(
        Person.objects.filter(school=first_school, homeroom_grade__isnull=False).values_list(
            "homeroom_grade", "homeroom_letter"
        )
    )
    assert led <= classes and len(led) == len(classes)


def test_the_first_school_has_a_survey_of_pupils_answering_by_personal_links(first_school):
    today = timezone.localdate()
    survey = Survey.objects.get(
        school=first_school, questionnaire__code="satisfaction", opens_on__lte=today, closes_on__gte=today
    )
    invitations = survey.invitations.select_related("person")

    assert invitations.exists()
    assert {i.person.kind for i in invitations} == {Person.Kind.PUPIL}
    assert all(i.person.user_id is None and i.token for i in invitations)
    assert invitations.filter(respondent=Invitation.Respondent.PARENT).exists()


def test_only_people_with_a_consent_in_force_are_asked_and_parents_only_for_pupils(demo_department):
    invitations = Invitation.objects.filter(survey__school__department=demo_department)
    consent = Exists(Consent.objects.in_force().filter(person=OuterRef("person")))

    assert invitations.count() > 200
    assert not invitations.exclude(consent).exists()
    assert (
        not invitations.filter(respondent=Invitation.Respondent.PARENT).exclude(person__kind="pupil").exists()
    )
    assert not Survey.objects.filter(questionnaire__code="preferred-partner").exists()


def test_every_generated_answer_is_one_the_respondents_form_accepts(demo_department):
    K = Question.Kind
    answers = Answer.objects.filter(response__invitation__survey__school__department=demo_department)
    assert answers.count() > 1000
    for answer in answers.select_related("question"):
        question = answer.question
        match question.kind:
            case K.SCALE | K.NUMBER:
                assert question.scale_min <= answer.number <= question.scale_max, question.text
            case K.YES_NO:
                assert answer.number in (0, 1)
            case K.SINGLE:
                assert len(answer.chosen) == 1 and answer.chosen[0] in question.choices
            case K.MULTIPLE:
                assert answer.chosen and set(answer.chosen) <= set(question.choices)
            case K.OPEN:
                assert answer.text.strip() and answer.number is None
    submitted = Response.objects.filter(
        invitation__survey__school__department=demo_department, submitted_at__isnull=False
    )
    required = {}
    for questionnaire, question in Question.objects.filter(required=True).values_list("questionnaire", "pk"):
        required.setdefault(questionnaire, set()).add(question)
    answered = {}
    for response, question in answers.values_list("response", "question"):
        answered.setdefault(response, set()).add(question)
    for response, questionnaire in submitted.values_list("pk", "invitation__survey__questionnaire"):
        assert required[questionnaire] <= answered[response]
    assert not submitted.filter(submitted_at__gt=timezone.now()).exists()


def test_intake_answers_exist_for_entries_of_both_bases(first_school):
    for code, base in (("mentor-intake", MentorEntry), ("mentee-intake", MenteeEntry)):
        answered = Response.objects.filter(
            invitation__survey__school=first_school,
            invitation__survey__questionnaire__code=code,
            submitted_at__isnull=False,
        ).values("invitation__person")
        entries = base.objects.for_school(first_school)

        assert entries.filter(person__in=answered).count() >= entries.count() / 2, code


def test_the_demo_reset_rebuilds_the_surveys_without_duplicates(demo_department):
    models = (Survey, Invitation, Response, Answer)
    before = [model.objects.count() for model in models]

    call_command("demo", "--reset", stdout=io.StringIO())

    assert [model.objects.count() for model in models] == before


def test_the_demo_has_a_school_roadmap_a_municipal_roadmap_and_planned_indicators(
    demo_department, first_school
):
    from roadmap.models import Activity, Indicator, Roadmap

    assert Roadmap.objects.get(organisation=first_school, template="school")
    assert Roadmap.objects.get(organisation=demo_department, template="municipal")
    assert (
        Activity.objects.filter(stage__roadmap__organisation=first_school).exclude(completes_when="").exists()
    )
    indicators = Indicator.objects.filter(department=demo_department)
    assert indicators.count() == 6
    assert all(
        indicator.plans.filter(year=AcademicYear.current().end_year).exists() for indicator in indicators
    )


def test_the_demo_municipal_roadmap_carries_seed_003_in_full(demo_department):
    from roadmap.models import Activity, Indicator, Roadmap
    from roadmap.provisions import provisions_of

    roadmap = Roadmap.objects.get(organisation=demo_department, template="municipal")
    provisions = provisions_of(roadmap)
    assert dict(provisions.rows)["Руководитель"].startswith(demo_department.director_name)
    assert len(provisions.tasks) == 5
    first = Activity.objects.filter(stage__roadmap=roadmap).order_by("stage__order", "order").first()
    assert (first.starts_on, first.responsible_text) == (roadmap.starts_on, demo_department.short_name)
    indicators = Indicator.objects.filter(department=demo_department)
    assert {i.base_year for i in indicators} == {2022}
    assert indicators.get(code="2.1.3.").kind == ""


def test_the_curator_of_the_first_school_entered_two_paper_blanks(first_school):
    paper = Response.objects.filter(invitation__survey__school=first_school, paper_entered_at__isnull=False)

    assert paper.count() == 2
    assert {r.paper_entered_by.username for r in paper} == {"curator"}
    assert all(r.submitted_at and r.invitation.person.user_id is None for r in paper)


def test_the_first_school_took_its_recommendations_for_execution_and_the_second_has_not_yet(
    demo_department, first_school
):
    from roadmap.models import Recommendation

    recommendations = Recommendation.objects.filter(
        school__department=demo_department, year=AcademicYear.current().start_year
    )
    accepted = recommendations.get(school=first_school)
    assert accepted.acknowledgement.by.username == "director" and accepted.acknowledgement.note
    assert recommendations.exclude(school=first_school).filter(acknowledgement__isnull=True).count() == 1
