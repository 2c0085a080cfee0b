"""Every page of the demo, for every role and for a visitor without an account, fits a 390×844 phone, a
1366×900 laptop and that laptop at 200 % zoom: the document is no wider than the window, the page's own
content starts in the first half of the screen, and axe-core finds no serious or critical WCAG 2 A/AA
violation. The pages are found from the URL patterns, filled with the demo's objects, not listed by hand: a
new page is checked as it lands."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.urls import URLPattern, reverse
from django.utils import timezone
from playwright.sync_api import Page

from mentoring import demo
from mentoring.academic_year import AcademicYear
from mentoring.accounts import invitation_token
from mentoring.documents import SPECS
from mentoring.models import (
    Consent,
    Document,
    Membership,
    MenteeEntry,
    MentorEntry,
    Nomination,
    Organisation,
    Role,
    RoleInvitation,
    User,
    YearClosing,
)
from mentoring.school_year import year_preview
from monitoring.models import Question, Questionnaire, Response, Survey
from monitoring.responses import my_open_surveys
from pairs.matching import Weights
from pairs.models import Pair, Proposal
from pairs.proposals import proposal_create
from programs.models import Programme
from roadmap.models import Activity, Indicator, Recommendation, Roadmap
from tests.url_patterns import model_of, patterns

from .conftest import watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    "phone": {"width": 390, "height": 844},
    "laptop": {"width": 1366, "height": 900},
    "laptop at 200 %": {"width": 683, "height": 450},
}
AXE_SIZES = (
    "phone",
    "laptop",
)  # the zoomed laptop lays out as a phone does: its layout is checked, not its markup again
ACCOUNTS = ("coordinator", "director", "curator", "psychologist", "teacher", "mentor", "mentee", "")
# Files and the search results a form fetches, not pages (an unlock is a button's POST); and the views
# whose key is not an object of the demo (an import is a curator's upload of the moment, a password reset
# link is made for one request); a teacher-mentor's paper is made by a button on the pair's page, whose
# `kind` is one of two, not any kind of document.
NOT_PAGES = {
    "pair_paper_make",
    "calendar_feed",
    "document_file",
    "document_public_file",
    "import_sample",
    "person_subject_data",
    "mentor_people",
    "mentee_people",
    "survey_people",
    "account_unlock",
    "hours_month_xlsx",
    "import_job",
    "import_job_confirm",
    "password_reset_confirm",
    "logout",
}
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "tests" / "browser" / "screenshots"
# The pages a reviewer looks at for each role: its home, and its pair or its questionnaire.
SHOWN = {"home", "pair_detail", "respond", "respond_link", "mentee_list", "roadmap_timeline"}


@dataclass(frozen=True)
class Visit:
    name: str
    url: str


def demo_objects() -> dict:
    """The objects the showcase accounts work with: the mentor's and the mentee's pair, its programme, …"""
    department = demo.find_department(demo.DEMO)
    school = Organisation.objects.get(memberships__user__username="curator")
    pair = Pair.objects.filter(
        mentor__person__user__username="mentor", members__mentee__person__user__username="mentee"
    ).first()
    mentee_entry = pair.members.get(mentee__person__user__username="mentee").mentee
    invitation = my_open_surveys(User.objects.get(username="mentee")).waiting[0]
    answered = Response.objects.filter(
        invitation__person=mentee_entry.person, submitted_at__isnull=False
    ).first()
    roadmap = Roadmap.objects.filter(organisation=school).first()
    questionnaire = (
        Questionnaire.objects.filter(school=school).first() or answered.invitation.survey.questionnaire
    )
    return {
        "school": school,
        "person": mentee_entry.person,
        "consent": Consent.objects.filter(person=mentee_entry.person).first(),
        "mentor": pair.mentor,
        "mentee": mentee_entry,
        "nomination": Nomination.objects.filter(school=school, status=Nomination.Status.PENDING).first(),
        "programme": pair.programme,
        "pair": pair,
        "plan_item": pair.plan_items.first(),
        "meeting": pair.meetings.first(),
        "proposal": a_proposal(pair.programme),
        "questionnaire": questionnaire,
        "question": Question.objects.filter(questionnaire=answered.invitation.survey.questionnaire).first(),
        "survey": invitation.survey if invitation else Survey.objects.filter(school=school).first(),
        "response": answered,
        "roadmap": roadmap,
        "stage": roadmap.stages.first(),
        "activity": Activity.objects.filter(stage__roadmap=roadmap).first(),
        "indicator": Indicator.objects.filter(department=department).first(),
        "document": Document.objects.filter(school=school).first(),
        "invitation": invitation,
        "membership": Membership.objects.filter(organisation=school, role=Role.TEACHER).first(),
        "role_invitation": RoleInvitation.objects.create(
            organisation=school, role=Role.TEACHER, email="teacher2@example.ru"
        ),
        "year_closing": a_closed_year(school),
        "recommendation": Recommendation.objects.filter(school=school).first(),
    }


def a_closed_year(school: Organisation) -> YearClosing:
    """The demo's year may not be closed yet: the summary page shows the year before, as stored."""
    before = AcademicYear(AcademicYear.current().start_year - 1)
    return YearClosing.objects.create(
        school=school,
        start_year=before.start_year,
        closed_at=timezone.now(),
        closed_by=User.objects.get(username="curator"),
        summary={
            "year": before.label,
            "steps": [step.as_json() for step in year_preview(school=school).steps],
        },
    )


def a_proposal(programme: Programme) -> Proposal:
    """The demo has formed its pairs; the curator's matching of those who wait makes a proposal to look at."""
    return proposal_create(
        programme=programme,
        mentor_ids=MentorEntry.objects.filter(school=programme.school).values_list("pk", flat=True),
        mentee_ids=MenteeEntry.objects.filter(
            school=programme.school, status=MenteeEntry.Status.WAITING
        ).values_list("pk", flat=True),
        weights=Weights(),
        by=User.objects.get(username="curator"),
    )


def visits(objects: dict) -> list[Visit]:
    """Every page of the product, its arguments filled with the demo's objects."""
    found = []
    for pattern in patterns():
        if pattern.name in NOT_PAGES or pattern.callback.__module__.startswith("django.contrib.admin"):
            continue
        for arguments in arguments_of(pattern, objects):
            found.append(Visit(pattern.name, reverse(pattern.name, kwargs=arguments)))
    return found


def arguments_of(pattern: URLPattern, objects: dict) -> list[dict]:
    converters = pattern.pattern.converters
    if "kind" in converters:
        return [{"kind": kind} for kind in SPECS]
    values = {
        "pk": lambda: objects[model_of(pattern.name)].pk,
        "question_pk": lambda: objects["question"].pk,
        "school_pk": lambda: objects["school"].pk,
        "year": lambda: AcademicYear.current().start.year,
        "month": lambda: AcademicYear.current().start.month,  # with `year`: the year's first month
        "slug": lambda: objects["school"].public_slug,
        "token": lambda: (
            invitation_token(objects["role_invitation"])
            if pattern.name == "invitation_accept"
            else objects["invitation"].token
        ),
    }
    return [{name: values[name]() for name in converters}]


def log_in_as(page: Page, base_url: str, username: str) -> None:
    """A session of the account, as the login form would make it, without typing in the form each time."""
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}]
    )


def problems_of(page: Page, axe: Axe, size: str) -> list[str]:
    width, height = SIZES[size]["width"], SIZES[size]["height"]
    page.set_viewport_size(SIZES[size])
    # Two frames: the page has handled the resize (tables.js) before it is measured.
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.evaluate("window.scrollTo(0, 0)")
    layout = page.evaluate(
        """() => {
            const main = document.querySelector('main');
            return {
                width: document.documentElement.scrollWidth,
                main: main ? main.getBoundingClientRect().top + window.scrollY : null,
            };
        }"""
    )
    found = []
    if layout["width"] > width:
        found.append(f"{size}: the document is {layout['width']} px wide in a {width} px window")
    if layout["main"] is None:
        found.append(f"{size}: no <main>")
    elif layout["main"] > height / 2:
        found.append(f"{size}: <main> starts at {layout['main']:.0f} px of a {height} px screen")
    if size not in AXE_SIZES:
        return found
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
            found.append(f"{size}: axe {violation['id']} ({len(violation['nodes'])}): {targets}")
    return found


@pytest.fixture
def demo_data() -> dict:
    call_command("demo", stdout=io.StringIO())
    return demo_objects()


def test_every_page_fits_the_phone_and_the_laptop_for_every_role(browser, live_server, demo_data):
    axe = Axe()
    SCREENSHOTS.mkdir(exist_ok=True)
    pages = visits(demo_data)
    checked, problems = 0, {}
    for username in ACCOUNTS:
        with watched_page(browser, live_server.url, viewport=SIZES["laptop"]) as page:
            if username:
                log_in_as(page, live_server.url, username)
            for visit in pages:
                # Asked first without the browser: it does not open an empty 405, nor a file.
                response = page.request.get(visit.url, max_redirects=0)
                if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
                    continue
                page.goto(visit.url)
                for size in SIZES:
                    checked += 1
                    found = problems_of(page, axe, size)
                    if found:
                        problems.setdefault(f"{username or 'visitor'} {visit.url}", []).extend(found)
                    if visit.name in SHOWN and size in AXE_SIZES:
                        page.screenshot(
                            path=SCREENSHOTS / f"{username or 'visitor'}-{visit.name}-{size}.png",
                            full_page=True,
                        )
                page.set_viewport_size(SIZES["laptop"])
    print(f"\n{len(pages)} URLs, {checked} pages × sizes checked, {len(problems)} with problems")
    assert checked > 200
    if problems:
        pytest.fail(
            "\n".join(f"{where}\n    " + "\n    ".join(found) for where, found in problems.items()),
            pytrace=False,
        )
