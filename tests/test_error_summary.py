"""The summary atop a form that was not saved: the count in Russian and a link to each wrong field."""

import re
from html import unescape
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template

from mentoring.declension import plural_ru
from mentoring.error_summary import Problem, summary
from mentoring.models import Person, Role
from programs.forms import risk_formset
from programs.models import Programme

from .test_programmes import programme_form


class MeetingNoteForm(forms.Form):
    topic = forms.CharField(label="Тема", error_messages={"required": "Укажите тему."})
    held_on = forms.DateField(label="Дата встречи", error_messages={"required": "Укажите дату."})
    kind = forms.ChoiceField(
        label="Вид встречи",
        choices=[("trial", "Пробная"), ("final", "Заключительная")],
        widget=forms.RadioSelect,
        error_messages={"required": "Выберите вид встречи."},
    )
    shown = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "Обновите страницу."})

    def clean(self):
        raise forms.ValidationError("Пара уже завершена: встречу записать нельзя.")


def summary_of(html: str) -> str:
    found = re.search(r"<div[^>]*data-error-summary[^>]*>(.*?)</div>", html, re.S)
    return unescape(found.group(1)) if found else ""


def links_of(html: str) -> dict[str, str]:
    """The summary's links: the id each leads to → the link's text."""
    return dict(re.findall(r'<a[^>]*href="#([^"]+)"[^>]*>(.*?)</a>', summary_of(html), re.S))


def ids_of(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


@pytest.mark.parametrize(
    ("number", "word"),
    [
        (0, "ошибок"),
        (1, "ошибка"),
        (2, "ошибки"),
        (4, "ошибки"),
        (5, "ошибок"),
        (11, "ошибок"),
        (12, "ошибок"),
        (14, "ошибок"),
        (21, "ошибка"),
        (22, "ошибки"),
        (111, "ошибок"),
        (101, "ошибка"),
    ],
)
def test_the_noun_agrees_with_the_number_in_russian(number, word):
    assert plural_ru(number, "ошибка", "ошибки", "ошибок") == word


def test_it_counts_the_errors_and_leads_to_each_wrong_field():
    form = MeetingNoteForm({"topic": "", "held_on": "", "shown": ""})

    found = summary(form)

    assert found["heading"] == "Форма не сохранена: 5 ошибок"
    assert found["problems"] == [
        Problem("Пара уже завершена: встречу записать нельзя."),
        Problem("Обновите страницу."),
        Problem("Тема: Укажите тему.", "id_topic"),
        Problem("Дата встречи: Укажите дату.", "id_held_on"),
        Problem("Вид встречи: Выберите вид встречи.", "id_kind_0"),
    ]


def test_it_says_one_error_and_two_errors_as_russian_does():
    filled = {"topic": "Знакомство", "held_on": "2026-09-01", "kind": "trial", "shown": "1"}
    one = summary(MeetingNoteForm(filled))  # the pair is over: one error of the whole form
    two = summary(MeetingNoteForm(filled | {"topic": ""}))

    assert one["heading"] == "Форма не сохранена: 1 ошибка"
    assert two["heading"] == "Форма не сохранена: 2 ошибки"


def test_a_form_not_yet_sent_has_no_summary():
    html = Template("{% load error_summary %}{% error_summary form %}").render(
        Context({"form": MeetingNoteForm()})
    )

    assert summary(MeetingNoteForm())["problems"] == []
    assert html.strip() == ""


def test_a_formset_row_is_named_by_its_number_and_its_errors_are_added_to_the_forms():
    rows = risk_formset(
        {
            "risks-TOTAL_FORMS": "2",
            "risks-INITIAL_FORMS": "0",
            "risks-0-risk": "Высокая нагрузка.",
            "risks-1-mitigation": "Поддержка психолога.",
        }
    )

    found = summary(MeetingNoteForm({"topic": "Знакомство", "held_on": "2026-09-01", "kind": "final"}), rows)

    assert found["heading"] == "Форма не сохранена: 3 ошибки"
    assert found["problems"][-1] == Problem(
        "Риск (строка 2): Укажите риск или очистите строку.", "id_risks-1-risk"
    )


def test_the_summary_is_focusable_has_its_script_and_no_inline_script():
    html = Template("{% load error_summary %}{% error_summary form title='Ответы не отправлены' %}").render(
        Context({"form": MeetingNoteForm({"topic": "Знакомство"})})
    )

    assert 'role="alert"' in html and 'tabindex="-1"' in html and "data-error-summary" in html
    assert "Ответы не отправлены: 4 ошибки" in html
    assert '<a class="alert-link" href="#id_held_on">Дата встречи: Укажите дату.</a>' in html
    assert "<li>Пара уже завершена: встречу записать нельзя.</li>" in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/error_summary.js" defer>']


def test_the_person_page_leads_from_the_summary_to_each_field_on_it(curator_client):
    response = curator_client.post("/people/new/", {"kind": Person.Kind.PUPIL})

    links = links_of(response.text)
    assert "Форма не сохранена: 3 ошибки" in summary_of(response.text)
    assert links["id_last_name"] == "Фамилия: Обязательное поле."
    assert links["id_school_class"] == "Класс: Для обучающегося укажите класс, например 7 «Б»."
    assert set(links) <= ids_of(response.text)
    assert not Person.objects.exists()


def test_the_entry_page_sums_up_both_of_its_forms_and_their_links_lead_somewhere(curator_client):
    response = curator_client.post("/mentors/new/", {})

    links = links_of(response.text)
    assert "id_person-last_name" in links
    assert set(links) <= ids_of(response.text)


def test_the_programme_page_counts_the_risk_rows_too(curator_client):
    curator = curator_client.get("/programmes/").wsgi_request.user
    data = programme_form(curator, title="", **{"risks-1-mitigation": "Поддержка психолога."})

    response = curator_client.post("/programmes/new/?form=teacher_teacher", data)

    assert "Форма не сохранена: 2 ошибки" in summary_of(response.text)
    assert links_of(response.text)["id_risks-1-risk"] == "Риск (строка 2): Укажите риск или очистите строку."
    assert set(links_of(response.text)) <= ids_of(response.text)
    assert not Programme.objects.exists()


def test_the_survey_page_counts_the_respondents_form_too(curator_client):
    response = curator_client.post("/surveys/new/", {"who-chooser": "people"})

    links = links_of(response.text)
    assert any(target.startswith("id_who-") for target in links)
    assert set(links) <= ids_of(response.text)


def test_an_error_of_the_whole_form_is_shown_once_in_the_summary(client, make_user, school):
    make_user(Role.CURATOR, school, username="kurator")

    response = client.post("/accounts/login/", {"username": "kurator", "password": "не тот"})

    error = response.context["form"].non_field_errors()[0]
    assert "Вход не выполнен: 1 ошибка" in summary_of(response.text)
    assert unescape(response.text).count(error) == 1


def test_the_matching_page_leads_to_the_list_where_candidates_are_ticked(client_as, school):
    from .factories import ProgrammeFactory

    programme = ProgrammeFactory(school=school)
    response = client_as(Role.CURATOR, school).post(f"/programmes/{programme.pk}/matching/", {})

    links = links_of(response.text)
    assert links["mentors-title"] == "Наставники: Отметьте хотя бы одного наставника."
    assert set(links) <= ids_of(response.text)


def form_templates() -> list[Path]:
    """Templates with a form that posts and whose fields crispy draws."""
    root = Path(settings.BASE_DIR) / "templates"
    return [
        path
        for path in sorted(root.rglob("*.html"))
        if 'method="post"' in path.read_text() and "crispy" in path.read_text()
    ]


def test_every_form_that_crispy_draws_has_the_error_summary():
    templates = form_templates()

    assert len(templates) > 15
    assert [path.name for path in templates if "{% error_summary" not in path.read_text()] == []
