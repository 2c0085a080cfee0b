"""The teacher-mentor's papers (Трудовой кодекс, ст. 351.8): the school's rules, the consent and the
additional agreement made from the pair, marked signed with a scan, and the pair that waits for the signed
consent."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentoring import documents
from mentoring.models import Document, MentorPayRule, Organisation, Role
from pairs import services
from pairs.agreements import MENTOR_AGREEMENT, MENTOR_CONSENT, director_words, rubles
from pairs.models import Pair
from tests.documents import pdf_text
from tests.factories import (
    MenteeEntryFactory,
    MentorEntryFactory,
    PairFactory,
    PersonFactory,
    ProgrammeFactory,
    SchoolFactory,
    SignedMentorConsentFactory,
    TeacherFactory,
)

# Renders are enqueued on commit: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)
S = Pair.Status
PDF_SCAN = b"%PDF-1.4\n% scan\n"
TODAY = timezone.localdate()


def scan(name: str = "skan.pdf", data: bytes = PDF_SCAN) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def paying_school(school) -> Organisation:
    school.mentor_pay_rule, school.mentor_pay_rate = MentorPayRule.PER_HOUR, Decimal("300")
    school.address, school.inn = "г. Энск, ул. Школьная, д. 1", "6100001111"
    school.save()
    return school


@pytest.fixture
def pair(paying_school) -> Pair:
    """An approved pair «учитель – учитель» of a teacher-mentor, waiting to start."""
    programme = ProgrammeFactory(school=paying_school, title="Программа «Учитель – учитель» 2026")
    mentor = MentorEntryFactory(
        person=TeacherFactory(
            school=paying_school, last_name="Белова", first_name="Ирина", patronymic="Павловна"
        ),
        school=paying_school,
    )
    return PairFactory(programme=programme, mentor=mentor, status=S.APPROVED, started_on=None)


@pytest.fixture
def pupil_pair(paying_school) -> Pair:
    mentor = MentorEntryFactory(
        person=PersonFactory(school=paying_school, last_name="Кузнецов", grade=10, class_letter="А"),
        school=paying_school,
    )
    mentee = MenteeEntryFactory(person=PersonFactory(school=paying_school, grade=7), school=paying_school)
    return PairFactory(
        programme__school=paying_school, mentor=mentor, mentees=[mentee], status=S.APPROVED, started_on=None
    )


def make(client, pair: Pair, kind: str):
    return client.post(reverse("pair_paper_make", args=[pair.pk, kind]), follow=True)


def mark_signed(client, document: Document, **data):
    return client.post(reverse("document_sign", args=[document.pk]), {"signed_on": TODAY.isoformat(), **data})


# The school's rules


def test_the_director_sets_the_pay_rule_and_the_change_is_audited(client_as, school):
    client = client_as(Role.DIRECTOR, school)

    response = client.post(
        reverse("mentor_terms"),
        {"mentor_consent_required": "on", "mentor_pay_rule": "per_pair_month", "mentor_pay_rate": "1500.50"},
    )

    school.refresh_from_db()
    assert response.status_code == 302
    assert (school.mentor_pay_rule, school.mentor_pay_rate) == ("per_pair_month", Decimal("1500.50"))
    entry = LogEntry.objects.get_for_object(school).get(action=LogEntry.Action.UPDATE)
    assert entry.actor is not None and "mentor_pay_rate" in entry.changes_dict


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mentor_pay_rule": "per_hour", "mentor_pay_rate": ""}, "задаются вместе"),
        ({"mentor_pay_rule": "", "mentor_pay_rate": "300"}, "задаются вместе"),
        ({"mentor_pay_rule": "fixed", "mentor_pay_rate": "-5"}, "не может быть отрицательным"),
        ({"mentor_pay_rule": "per_hour", "mentor_pay_rate": "сто"}, "Введите размер оплаты числом"),
        ({"mentor_pay_rule": "weekly", "mentor_pay_rate": "100"}, "Выберите корректный вариант"),
    ],
)
def test_a_rule_without_a_rate_or_a_rate_without_a_rule_is_refused_and_nothing_changes(
    client_as, school, data, message
):
    response = client_as(Role.DIRECTOR, school).post(reverse("mentor_terms"), data)

    school.refresh_from_db()
    assert response.status_code == 200 and message in response.content.decode()
    assert (school.mentor_consent_required, school.mentor_pay_rule, school.mentor_pay_rate) == (
        True,
        "",
        None,
    )


def test_the_database_refuses_a_rule_without_a_rate(school):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=school.pk).update(mentor_pay_rule=MentorPayRule.FIXED)


def test_the_curator_reads_the_rules_but_does_not_change_them(client_as, paying_school):
    client = client_as(Role.CURATOR, paying_school)

    page = client.get(reverse("mentor_terms")).content.decode()
    refused = client.post(reverse("mentor_terms"), {"mentor_pay_rule": "", "mentor_pay_rate": ""})

    assert (
        "За час работы с наставляемыми" in page
        and "300,00 руб." in page
        and '<form method="post" class' not in page
    )
    assert refused.status_code == 403
    paying_school.refresh_from_db()
    assert paying_school.mentor_pay_rule == MentorPayRule.PER_HOUR


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.MENTOR, Role.TEACHER])
def test_no_one_but_the_director_and_the_curator_opens_the_rules(client_as, school, role):
    client = client_as(role, school)

    assert client.get(reverse("mentor_terms")).status_code == 403
    assert (
        client.post(reverse("mentor_terms"), {"mentor_pay_rule": "fixed", "mentor_pay_rate": "1"}).status_code
        == 403
    )
    school.refresh_from_db()
    assert school.mentor_pay_rule == ""


def test_the_director_finds_the_rules_on_the_home_page_and_in_the_menu(client_as, school):
    page = client_as(Role.DIRECTOR, school).get("/").content.decode()

    # The side menu, the phone's menu and the home page's own section.
    assert page.count(f'href="{reverse("mentor_terms")}"') == 3
    assert "Порядок оплаты наставничества не установлен" in page


# The documents


def test_the_curator_makes_the_consent_in_one_click_and_it_names_who_whom_and_the_term(client_as, pair):
    response = make(client_as(Role.CURATOR, pair.school), pair, MENTOR_CONSENT)

    document = Document.objects.get(kind=MENTOR_CONSENT)
    assert response.redirect_chain[-1][0] == reverse("document_detail", args=[document.pk])
    assert (document.pair, document.person, document.status) == (pair, pair.mentor.person, "ready")
    text = pdf_text(document)
    assert "СОГЛАСИЕ работника на осуществление наставничества" in text
    assert "Директору МБОУ" in text and "Смирнову А. В." in text
    assert "от Беловой Ирины Павловны, учителя математики" in text
    assert (
        "Я, Белова Ирина Павловна, учитель математики муниципального бюджетного общеобразовательного "
        "учреждения «Школа" in text
    )
    assert "в отношении Соколовой Марии Викторовны, учителя математики, по программе наставничества" in text
    assert "«Учитель – учитель» 2026 (форма наставничества «Учитель – учитель»)" in text
    assert f"на срок с {timezone.localdate():%d.%m.%Y} по 30.06.2027" in text
    assert "ознакомлена" in text and "И. П. Белова" in text


def test_the_agreement_names_the_parties_duties_term_and_the_schools_pay(client_as, pair):
    SignedMentorConsentFactory(pair=pair, signed_on=datetime.date(2026, 11, 2))
    pair.plan_items.create(number=1, activity="Посещение и взаимопосещение уроков", term="Октябрь")

    make(client_as(Role.DIRECTOR, pair.school), pair, MENTOR_AGREEMENT)

    text = pdf_text(Document.objects.get(kind=MENTOR_AGREEMENT))
    assert "ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ к трудовому договору от «____»" in text and "№ ________" in text
    assert "в лице директора Смирнова Андрея Викторовича, действующего на основании Устава" in text
    assert "и Белова Ирина Павловна, учитель математики (далее — Работник)" in text
    assert "в отношении Соколовой Марии Викторовны, учителя математики." in text
    assert "Согласие Работника подписано 02.11.2026." in text
    assert "в том числе мероприятия: – посещение и взаимопосещение уроков;" in text
    assert "оплата в размере 300 рублей 00 копеек за час работы с наставляемыми" in text
    assert (
        "ИНН 6100001111" in text
        and "А. В. Смирнов" in text
        and "Экземпляр дополнительного соглашения получила" in text
    )


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            MentorPayRule.PER_PAIR_MONTH,
            "оплата в размере 1 501 рубль 50 копеек за каждую наставническую пару",
        ),
        (MentorPayRule.FIXED, "ежемесячная доплата в размере 1 501 рубль 50 копеек"),
    ],
)
def test_the_agreement_says_the_pay_as_the_schools_rule_has_it(client_as, pair, rule, words):
    Organisation.objects.filter(pk=pair.school_id).update(
        mentor_pay_rule=rule, mentor_pay_rate=Decimal("1501.5")
    )

    make(client_as(Role.CURATOR, pair.school), pair, MENTOR_AGREEMENT)

    assert words in pdf_text(Document.objects.get(kind=MENTOR_AGREEMENT)).replace("\u00a0", " ")


def test_a_director_is_named_in_the_genitive_and_the_participle_agrees_with_her():
    school = Organisation(director_name="Юдина Оксана Сергеевна", director_position="Директор")

    assert director_words(school) == {
        "director_position_genitive": "директора",
        "director_genitive": "Юдиной Оксаны Сергеевны",
        "acting": "действующей",
    }


def test_sums_agree_with_their_numbers():
    assert rubles(Decimal("2")) == "2 рубля 00 копеек"
    assert rubles(Decimal("21.01")) == "21 рубль 01 копейка"
    assert rubles(Decimal("12500")) == "12\u00a0500 рублей 00 копеек"


def test_without_a_pay_rule_the_agreement_is_refused_naming_the_settings_page(client_as, pair):
    Organisation.objects.filter(pk=pair.school_id).update(mentor_pay_rule="", mentor_pay_rate=None)
    client = client_as(Role.CURATOR, pair.school)

    response = make(client, pair, MENTOR_AGREEMENT)

    text = response.content.decode()
    assert "не установлен порядок оплаты наставничества" in text and "Наставники из числа педагогов" in text
    assert not Document.objects.filter(kind=MENTOR_AGREEMENT).exists()


def test_a_group_of_pupils_is_named_with_their_classes_in_the_genitive(client_as, paying_school):
    mentees = [
        MenteeEntryFactory(
            person=PersonFactory(
                school=paying_school, last_name=last, first_name=first, patronymic=patronymic, grade=8
            ),
            school=paying_school,
        )
        for last, first, patronymic in (
            ("Пестов", "Степан", "Витальевич"),
            ("Блохина", "Есения", "Анатольевна"),
        )
    ]
    pair = PairFactory(programme__school=paying_school, mentees=mentees, status=S.PROPOSED, started_on=None)

    make(client_as(Role.CURATOR, paying_school), pair, MENTOR_CONSENT)

    text = pdf_text(Document.objects.get(kind=MENTOR_CONSENT))
    assert "в отношении: Блохиной Есении Анатольевны, обучающейся 8 «Б» класса;" in text
    assert "Пестова Степана Витальевича, обучающегося 8 «Б» класса по программе" in text


def test_the_documents_page_offers_only_pairs_of_employee_mentors(client_as, pair, pupil_pair):
    client = client_as(Role.DIRECTOR, pair.school)
    url = reverse("document_new", args=[MENTOR_CONSENT])

    offered = client.get(url).context["form"].fields["pair"].queryset
    refused = client.post(url, {"date": TODAY.isoformat(), "pair": pupil_pair.pk})

    assert list(offered) == [pair]
    assert "оформляются только с работниками школы" in refused.content.decode()
    assert not Document.objects.filter(kind=MENTOR_CONSENT).exists()


@pytest.mark.parametrize("kind", [MENTOR_CONSENT, MENTOR_AGREEMENT])
def test_a_mentor_who_is_no_employee_is_refused_both_papers(client_as, pupil_pair, kind):
    response = make(client_as(Role.CURATOR, pupil_pair.school), pupil_pair, kind)

    assert "а не работник школы" in response.content.decode()
    assert not Document.objects.filter(kind=kind).exists()
    assert (
        "Согласие наставника"
        not in client_as(Role.CURATOR, pupil_pair.school)
        .get(reverse("pair_detail", args=[pupil_pair.pk]))
        .content.decode()
    )


# Signed with a scan


def test_marking_signed_without_a_scan_is_refused_and_nothing_changes(client_as, pair):
    client = client_as(Role.CURATOR, pair.school)
    make(client, pair, MENTOR_CONSENT)
    document = Document.objects.get(kind=MENTOR_CONSENT)

    response = mark_signed(client, document)

    document.refresh_from_db()
    assert "без скана отметить документ подписанным нельзя" in response.content.decode()
    assert (document.signed_on, document.signed_scan.name) == (None, "")


def test_a_scan_of_another_format_is_refused(client_as, pair):
    client = client_as(Role.CURATOR, pair.school)
    make(client, pair, MENTOR_CONSENT)
    document = Document.objects.get(kind=MENTOR_CONSENT)

    response = mark_signed(client, document, scan=scan("skan.docx"))

    assert "в формате PDF, JPG или PNG" in response.content.decode()
    assert not Document.objects.get(pk=document.pk).is_signed


def test_the_signed_mark_keeps_the_date_the_scan_and_who_marked_it(client_as, pair):
    client = client_as(Role.CURATOR, pair.school)
    make(client, pair, MENTOR_CONSENT)
    document = Document.objects.get(kind=MENTOR_CONSENT)

    mark_signed(client, document, scan=scan())

    document.refresh_from_db()
    assert document.signed_on == TODAY and document.signed_by is not None
    scan_response = client.get(reverse("document_signed_scan", args=[document.pk]))
    assert b"".join(scan_response.streaming_content) == PDF_SCAN
    assert (
        scan_response["Cache-Control"].startswith("max-age=0") or "no-cache" in scan_response["Cache-Control"]
    )
    regenerated = client.post(reverse("document_regenerate", args=[document.pk]), follow=True)
    assert "Документ уже подписан" in regenerated.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Document.Status.QUEUED}, "только сформированный документ"),
        ({"kind": "order_pairs"}, "не подписывается на бумаге"),
        ({"signed_on": TODAY + datetime.timedelta(days=1)}, "не может быть в будущем"),
        ({"signed_on": TODAY - datetime.timedelta(days=400)}, "раньше даты документа"),
    ],
)
def test_a_mark_the_document_does_not_allow_is_refused(pair, make_user, change, message):
    document = SignedMentorConsentFactory(pair=pair, signed_on=None, signed_scan="", date=TODAY)
    signed_on = change.pop("signed_on", TODAY)
    Document.objects.filter(pk=document.pk).update(**change)

    with pytest.raises(ValidationError, match=message):
        documents.document_mark_signed(
            document=document, signed_on=signed_on, scan=scan(), by=make_user(Role.CURATOR, pair.school)
        )

    assert not Document.objects.get(pk=document.pk).is_signed


def test_the_database_refuses_a_signed_mark_without_a_scan(pair):
    document = SignedMentorConsentFactory(pair=pair)

    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(signed_scan="")


# The pair waits for the signed consent


def test_a_pair_with_a_teacher_mentor_does_not_start_without_the_signed_consent(client_as, pair):
    client = client_as(Role.CURATOR, pair.school)
    page = client.get(reverse("pair_detail", args=[pair.pk])).content.decode()

    response = client.post(
        reverse("pair_status", args=[pair.pk]),
        {"to": "active", "active-shown": "approved", "active-on": "2026-11-20"},
    )

    assert "Согласие наставника (ст. 351.8 ТК РФ)" in page and "Сформировать согласие" in page
    assert "Начать работу" not in page
    pair.refresh_from_db()
    assert pair.status == S.APPROVED
    assert response.status_code == 302
    with pytest.raises(ValidationError, match="только с письменного согласия"):
        services.pair_change_status(pair=pair, to=S.ACTIVE, by=None)


def test_a_consent_made_but_not_signed_does_not_let_the_pair_start(client_as, pair):
    client = client_as(Role.CURATOR, pair.school)
    make(client, pair, MENTOR_CONSENT)

    page = client.get(reverse("pair_detail", args=[pair.pk])).content.decode()

    assert "ещё не отмечено подписанным" in page and "Отметить подписанным" in page
    with pytest.raises(ValidationError, match="Сформируйте на странице пары согласие"):
        services.pair_change_status(pair=pair, to=S.ACTIVE, by=None)


def test_with_the_consent_signed_the_pair_starts(client_as, pair):
    client = client_as(Role.CURATOR, pair.school)
    make(client, pair, MENTOR_CONSENT)
    mark_signed(
        client, Document.objects.get(kind=MENTOR_CONSENT), scan=scan("skan.png", b"\x89PNG\r\n\x1a\n")
    )

    page = client.get(reverse("pair_detail", args=[pair.pk])).content.decode()
    client.post(
        reverse("pair_status", args=[pair.pk]),
        {"to": "active", "active-shown": "approved", "active-on": TODAY.isoformat()},
    )

    assert f"Подписано {TODAY:%d.%m.%Y}" in page and "Начать работу" in page
    pair.refresh_from_db()
    assert (pair.status, pair.started_on) == (S.ACTIVE, TODAY)


def test_a_consent_signed_for_another_pair_of_the_mentor_does_not_count(pair):
    SignedMentorConsentFactory(
        pair=PairFactory(programme=pair.programme, mentor=pair.mentor, status=S.ACTIVE), school=pair.school
    )

    with pytest.raises(ValidationError, match="только с письменного согласия"):
        services.pair_change_status(pair=pair, to=S.ACTIVE, by=None)


def test_a_school_that_switched_the_rule_off_starts_the_pair_without_consent(pair):
    Organisation.objects.filter(pk=pair.school_id).update(mentor_consent_required=False)

    started = services.pair_change_status(pair=pair, to=S.ACTIVE, by=None)

    assert started.status == S.ACTIVE


def test_a_pupil_mentors_pair_starts_without_consent(pupil_pair):
    assert services.pair_change_status(pair=pupil_pair, to=S.ACTIVE, by=None).status == S.ACTIVE


# Access


@pytest.mark.parametrize(
    "role",
    [
        Role.DIRECTOR,
        Role.CURATOR,
        Role.PSYCHOLOGIST,
        Role.MENTOR,
        Role.MENTEE,
        Role.TEACHER,
        Role.COORDINATOR,
    ],
)
def test_another_schools_signed_paper_and_its_scan_are_a_404_for_every_role(client_as, role):
    theirs = SignedMentorConsentFactory(pair__programme__school=SchoolFactory())
    own = SchoolFactory()
    client = client_as(role, own.department if role == Role.COORDINATOR else own)

    answers = {
        client.get(reverse("document_signed_scan", args=[theirs.pk])).status_code,
        client.post(
            reverse("document_sign", args=[theirs.pk]), {"signed_on": "2026-11-20", "scan": scan()}
        ).status_code,
        client.post(reverse("pair_paper_make", args=[theirs.pair_id, MENTOR_CONSENT])).status_code,
        client.get(reverse("document_detail", args=[theirs.pk])).status_code,
    }

    assert answers == {404}
    theirs.refresh_from_db()
    assert theirs.signed_on == datetime.date(2026, 9, 2)


@pytest.mark.parametrize("role", [Role.PSYCHOLOGIST, Role.MENTOR, Role.TEACHER])
def test_the_scan_is_only_for_the_director_and_the_curator_of_the_school(client_as, pair, role):
    document = SignedMentorConsentFactory(pair=pair)
    client = client_as(role, pair.school)

    assert client.get(reverse("document_signed_scan", args=[document.pk])).status_code == 403
    assert client.post(reverse("pair_paper_make", args=[pair.pk, MENTOR_CONSENT])).status_code == 403


# What waits for the curator


def test_the_curator_is_told_which_pairs_wait_for_the_signed_consent_and_finds_them(
    client_as, pair, pupil_pair
):
    client = client_as(Role.CURATOR, pair.school)
    SignedMentorConsentFactory(pair=PairFactory(programme=pair.programme, status=S.APPROVED, started_on=None))

    home = client.get("/").content.decode()
    listed = client.get(reverse("pair_list"), {"consent": "waiting"}).context["page_obj"].object_list

    assert "1 пара или группа ждёт подписанного согласия наставника-педагога" in home
    assert list(listed) == [pair]
