"""The seeds' reference data in fixtures/: every file loads with its shape, the texts come through
exactly, the migrations put the rows into the database, and the pages show the seeds' wording."""

from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from mentoring.academic_year import AcademicYear
from mentoring.models import MenteeCategory, Role
from mentoring.reference import mentee_categories_sync, reference
from monitoring.builtins import BUILTINS
from monitoring.models import Questionnaire
from programs.models import MentoringForm, RoleModel
from programs.reference import form_names, mentoring_forms, mentoring_forms_sync
from programs.seed_texts import PLAN_TEMPLATES, PROGRAMME_TEMPLATES
from roadmap.indicators import SEED_INDICATORS, indicators_fill_from_seed
from roadmap.services import roadmap_create_from_template
from roadmap.templates_data import TEMPLATES

from .factories import DepartmentFactory

pytestmark = pytest.mark.django_db

# Each file and the list (or, for a roadmap, the key) that holds its data.
FILES = {
    "mentee_categories": "категории",
    "mentoring_forms": "формы",
    "questionnaires": "анкеты",
    "programmes": "программы",
    "plans": "планы",
    "indicators": "показатели",
    "roadmap_school": "этапы",
    "roadmap_media_plan": "этапы",
    "roadmap_municipal": "этапы",
    "awards": "награды",
    "mentor_agreement": "согласие",
    "nomination_reasons": "причины",
    "demo_recommendations": "принятые",
    "depersonalisation_act": "акт",
}


def test_the_folder_holds_exactly_the_known_files():
    assert {path.stem for path in (settings.BASE_DIR / "fixtures").glob("*")} == set(FILES)


@pytest.mark.parametrize(("name", "key"), FILES.items())
def test_every_file_says_which_seed_it_comes_from_and_holds_its_data(name, key):
    path = settings.BASE_DIR / "fixtures" / f"{name}.yaml"
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert all(line.startswith("#") for line in header.splitlines())
    assert "Источник" in header and "документ-образец 00" in header
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == reference(name)
    assert reference(name)[key]


def test_each_app_fills_its_shapes_from_the_files():
    assert [c["код"] for c in reference("mentee_categories")["категории"]][:2] == [
        "high_ability",
        "low_results",
    ]
    assert list(form_names()) == [
        "pupil_pupil",
        "teacher_teacher",
        "teacher_pupil",
        "student_pupil",
        "employer_pupil",
    ]
    assert sum(len(form["ролевые модели"]) for form in mentoring_forms()) == 13
    assert (len(BUILTINS), sum(len(b.questions) for b in BUILTINS)) == (9, 81)
    assert set(PROGRAMME_TEMPLATES) == {"teacher_pupil", "pupil_pupil", "teacher_teacher"}
    assert set(PLAN_TEMPLATES) == set(form_names())
    assert PLAN_TEMPLATES["student_pupil"] is PLAN_TEMPLATES["teacher_pupil"]
    assert [(t.code, t.years, len(t.stages)) for t in TEMPLATES.values()] == [
        ("school", 1, 7),
        ("media_plan", 1, 1),
        ("municipal", 2, 5),
    ]
    assert [s.code for s in SEED_INDICATORS] == ["2.1.", "2.1.1.", "2.1.2.", "2.1.3.", "2.1.4.", "2.1.5."]
    assert SEED_INDICATORS[5].base_value == Decimal("0.065")


def test_the_texts_keep_their_quotes_dashes_and_line_breaks():
    teacher_teacher = PLAN_TEMPLATES["teacher_teacher"]
    assert teacher_teacher[0].activity.startswith(
        "Организация наставнической деятельности «Педагог-педагог»\nЦель: "
    )
    assert (
        "\n– реакция наставляемого, или его эмоциональная удовлетворенность" in teacher_teacher[-1].criteria
    )
    assert PROGRAMME_TEMPLATES["teacher_pupil"].title == (
        "Программа наставничества в рамках целевой модели «Учитель – ученик»"
    )
    municipal = TEMPLATES["municipal"].stages[0].activities[1].content
    assert municipal.startswith(
        "1. Размещение приказа «Внедрение целевой модели наставничества» на сайтах управления образования"
    )
    assert "\n10. Доска почета «Лучшие наставники».\n" in municipal
    assert TEMPLATES["municipal"].stages[0].activities[0].ends.month == 3  # «05.2022», the third month
    assert {a.ends.month for s in TEMPLATES["municipal"].stages for a in s.activities} == {3, 7, 15, 16}


def test_the_intake_questionnaires_offer_the_forms_as_the_forms_file_names_them():
    offered = [
        q.choices for b in BUILTINS for q in b.questions if q.text.startswith("В какой форме наставничества")
    ]
    assert offered and all(list(choices) == list(form_names().values()) for choices in offered)


def test_the_migrations_put_the_files_rows_into_the_database():
    assert list(MenteeCategory.objects.values_list("code", "name")) == [
        (c["код"], c["название"]) for c in reference("mentee_categories")["категории"]
    ]
    assert list(MentoringForm.objects.values_list("code", "name")) == list(form_names().items())
    role_models = RoleModel.objects.order_by("form__order", "order")
    assert [(r.name, r.description) for r in role_models] == [
        (r["название"], r["описание"]) for form in mentoring_forms() for r in form["ролевые модели"]
    ]
    assert {r.name: sorted(r.categories.values_list("code", flat=True)) for r in role_models} == {
        r["название"]: sorted(r.get("категории наставляемых", []))
        for form in mentoring_forms()
        for r in form["ролевые модели"]
    }
    for builtin in BUILTINS:
        questionnaire = Questionnaire.objects.builtin().get(code=builtin.code)
        assert questionnaire.title == builtin.title
        assert [q.text for q in questionnaire.questions.order_by("order")] == [
            q.text for q in builtin.questions
        ]


def test_an_upgraded_installation_takes_the_files_wording_at_its_next_sync():
    MenteeCategory.objects.filter(code="newcomer").update(name="Старая формулировка")
    RoleModel.objects.filter(name="«Тьютор – ребёнок с ОВЗ»").update(description="Старое описание")

    mentee_categories_sync()
    mentoring_forms_sync()

    assert (
        MenteeCategory.objects.get(code="newcomer").name == "Новичок, которому нужна адаптация в коллективе"
    )
    assert RoleModel.objects.get(name="«Тьютор – ребёнок с ОВЗ»").description == (
        "Сопровождение тьютора по рекомендации ПМПК."
    )
    assert MenteeCategory.objects.count() == len(reference("mentee_categories")["категории"])


# The pages


def test_the_programme_choose_page_shows_the_forms_role_models_and_samples(curator_client):
    page = curator_client.get("/programmes/new/").content.decode()

    assert "«Опытный педагог – педагог с низкими образовательными результатами»" in page
    assert PROGRAMME_TEMPLATES["pupil_pupil"].source in page


def test_a_roadmap_made_from_the_template_shows_the_seeds_wording(client, make_user, school):
    curator = make_user(Role.CURATOR, school)
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
    roadmap = roadmap_create_from_template(
        organisation=school, template=TEMPLATES["school"], year=AcademicYear.starting(2026), by=curator
    )

    page = client.get(reverse("roadmap_detail", args=[roadmap.pk])).content.decode()

    assert "Дорожная карта реализации целевой модели наставничества на 2026/2027 учебный год" in page
    assert "Подготовка системных папок по проблеме наставничества." in page


def test_a_builtin_questionnaire_page_shows_its_questions(curator_client):
    questionnaire = Questionnaire.objects.builtin().get(code="difficulties")

    page = curator_client.get(reverse("questionnaire_detail", args=[questionnaire.pk])).content.decode()

    assert "Диагностика изучения затруднений молодых педагогов" in page
    assert "Методические: планирование и проведение уроков, выбор форм и методов обучения" in page


def test_the_indicators_page_shows_the_seeds_indicators(client_as):
    department = DepartmentFactory()
    indicators_fill_from_seed(department=department)

    page = client_as(Role.COORDINATOR, department).get(reverse("indicator_list")).content.decode()

    assert "являющихся наставниками над детьми, находящимися на профучетах" in page
