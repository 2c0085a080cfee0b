"""`make bench`: documents rendered as the worker renders them, on the large municipality: the pairs order
with 300 pairs, the stage 2 report of a school with 1,000 participants, 100 certificates in one batch, and
so the throughput of one worker.

Each render is the worker's own call (`document_render`), timed with its peak of Python memory (tracemalloc);
figures are printed, never asserted.
"""

import datetime
import random
import time
import tracemalloc
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from mentoring import documents
from mentoring.documents import Draft
from mentoring.models import Document, Organisation, Person, User
from monitoring.documents import STAGE_2_REPORT
from monitoring.models import Answer, Invitation, Questionnaire, Response, Survey
from monitoring.stages import stage_2
from pairs.documents import CERTIFICATE, ORDER_PAIRS, awarded_pairs
from pairs.models import Pair
from programs.models import Programme

PAIRS_IN_ORDER, PARTICIPANTS, CERTIFICATES = 300, 1000, 100


def measured(made: list[Document]) -> tuple[float, float]:
    """Seconds to render the documents, then the peak of traced Python memory (in MB) of rendering them again:
    tracing slows Python down, so the time is taken without it."""
    started = time.perf_counter()
    for each in made:
        documents.document_render(document_id=each.pk)
    seconds = time.perf_counter() - started
    Document.objects.filter(pk__in=[each.pk for each in made]).update(version=F("version") + 1)
    tracemalloc.start()
    for each in made:
        documents.document_render(document_id=each.pk)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def document(school: Organisation, kind: str, params: dict, **fields) -> Document:
    return Document.objects.create(
        school=school,
        kind=kind,
        year=2026,
        date=timezone.localdate(),
        title=str(kind),
        params=params,
        **fields,
    )


def rendered(made: Document) -> Document:
    made.refresh_from_db()
    assert made.status == Document.Status.READY, made.failure
    return made


def add_stage_2_answers(school: Organisation, programme: Programme, people: list[Person]) -> None:
    """Entry and exit answers of `people` to the built-in stage 2 questionnaire; one in ten answers once."""
    chance = random.Random(2026)
    questionnaire = Questionnaire.objects.get(code="stage-2", school=None)
    questions = list(questionnaire.questions.all())
    today = timezone.localdate()
    for phase, answering in (("entry", people), ("exit", people[: len(people) * 9 // 10])):
        survey = Survey.objects.create(
            school=school,
            questionnaire=questionnaire,
            programme=programme,
            title=f"Этап 2 ({phase}), нагрузочный тест",
            phase=phase,
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today - datetime.timedelta(days=20),
        )
        invitations = Invitation.objects.bulk_create(
            Invitation(survey=survey, person=person, role="mentee") for person in answering
        )
        responses = Response.objects.bulk_create(
            Response(invitation=invitation, submitted_at=timezone.now()) for invitation in invitations
        )
        Answer.objects.bulk_create(
            (
                Answer(
                    response=response,
                    question=question,
                    number=Decimal(chance.randint(question.scale_min or 0, question.scale_max or 5)),
                )
                for response in responses
                for question in questions
            ),
            batch_size=2000,
        )


@pytest.mark.django_db
def test_document_renders(department):
    school = Organisation.objects.get(memberships__user__username="bench_curator")
    director = User.objects.get(username="bench_curator")
    programme = (
        Programme.objects.filter(school=school).annotate(n=Count("pairs")).order_by("-n", "pk").first()
    )
    print(f"\nДокументы, {connection.vendor}, формирование одним обработчиком (document_render):")

    pairs = list(
        Pair.objects.filter(school__department=department).values_list("pk", flat=True)[:PAIRS_IN_ORDER]
    )
    order = document(school, ORDER_PAIRS, {"programme": programme.pk, "pairs": pairs}, number="1-о")
    seconds, peak = measured([order])
    print(
        f"  приказ о закреплении пар, пар {len(pairs)}: {seconds:.2f} с, пик памяти {peak:.0f} МБ, "
        f"файл {rendered(order).file.size / 1024:.0f} КБ"
    )

    pupils = list(Person.objects.filter(school=school, kind=Person.Kind.PUPIL).order_by("pk")[:PARTICIPANTS])
    add_stage_2_answers(school, programme, pupils)
    answered = len(stage_2(Survey.objects.for_school(school)).participants)
    report = document(school, STAGE_2_REPORT, {"programme": None, "year": None})
    seconds, peak = measured([report])
    print(
        f"  отчёт о мониторинге, этап 2, школа, участников {answered}: {seconds:.2f} с, "
        f"пик памяти {peak:.0f} МБ, файл {rendered(report).file.size / 1024:.0f} КБ"
    )

    drafts = [
        Draft(
            f"Сертификат: {person.full_name}",
            {"programme": pair.programme_id, "person": person.pk},
            person=person,
        )
        for pair in awarded_pairs(school)
        .select_related("mentor__person")
        .prefetch_related("members__mentee__person")
        .order_by("pk")
        for person in [pair.mentor.person, *(member.mentee.person for member in pair.members.all())]
    ]
    drafts = list({draft.person.pk: draft for draft in drafts}.values())[:CERTIFICATES]
    made = documents.documents_request(
        school=school, kind=CERTIFICATE, drafts=drafts, date=timezone.localdate(), by=director
    )
    seconds, peak = measured(made)
    assert all(rendered(d) for d in made)
    print(
        f"  сертификаты, {len(made)} в одном заказе: {seconds:.2f} с, пик памяти {peak:.0f} МБ; "
        f"пропускная способность одного обработчика {len(made) / seconds:.1f} документа в секунду "
        f"({3600 * len(made) / seconds:.0f} в час)"
    )
