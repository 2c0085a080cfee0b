"""The survey form and the respondents chooser: every choice narrowed to the current school."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from mentoring.forms import DateInput, fieldless_helper
from mentoring.models import Organisation, Person, User, parse_school_class
from pairs.models import Pair
from programs.models import Programme

from . import audience, surveys
from .models import Invitation, Questionnaire, Survey

MAX_CHOSEN = 200  # people added by hand; a larger audience is a class, a base or a programme
NAME_ORDER = ("last_name", "first_name", "patronymic", "pk")
SURVEY_FIELDS = ("questionnaire", "title", "programme", "phase", "opens_on", "closes_on")


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = list(SURVEY_FIELDS)
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, school: Organisation, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.available_to(user).filter(
            Q(school__isnull=True) | Q(school=school)
        )
        self.fields["programme"].queryset = Programme.objects.filter(school=school)
        self.helper = fieldless_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "Окончание не может быть раньше начала.")
        questionnaire = data.get("questionnaire")
        asks_partners = questionnaire and questionnaire.purpose == Questionnaire.Purpose.PREFERRED_PARTNER
        if asks_partners and not data.get("programme"):
            self.add_error(
                "programme", "Для анкеты предпочтений выберите программу: выбор делается среди её участников."
            )
        programme = data.get("programme")
        if questionnaire and programme and surveys.fits_nobody_of(questionnaire, programme):
            self.add_error(
                "questionnaire",
                f"Анкета «{questionnaire.title}» {audience.FOR_WHOM[questionnaire.audience]}, а среди "
                f"участников программы «{programme.title}» таких нет: выберите другую анкету.",
            )
        if data.get("phase"):
            if not data.get("programme"):
                self.add_error(
                    "programme", "Входное и итоговое анкетирование проводится по программе: выберите её."
                )
            if questionnaire and questionnaire.purpose != Questionnaire.Purpose.STAGE_2:
                self.add_error(
                    "questionnaire",
                    "Для этапа 2 мониторинга выберите анкету "
                    "«Мониторинг, этап 2: влияние программы на участников» или её копию.",
                )
        return data

    def survey_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SURVEY_FIELDS}


class RespondentsForm(forms.Form):
    """Who is asked; `programme` is the survey's programme, used by the «programme» chooser."""

    CHOOSERS = (
        ("programme", "Участники текущих пар программы"),
        ("pair", "Пара или группа"),
        ("base", "По базе наставников или наставляемых"),
        ("class", "Класс"),
        ("hand", "Выбрать вручную"),
    )
    SIDES = (
        (surveys.BOTH, "Наставники и наставляемые"),
        (surveys.MENTORS, "Наставники"),
        (surveys.MENTEES, "Наставляемые"),
    )

    chooser = forms.ChoiceField(label="Кого опросить", choices=CHOOSERS, widget=forms.RadioSelect)
    side = forms.ChoiceField(
        label="Кто из участников",
        choices=SIDES,
        initial=surveys.BOTH,
        required=False,
        help_text="Для выбора по программе, паре или базе.",
    )
    pair = forms.ModelChoiceField(label="Пара или группа", queryset=Pair.objects.none(), required=False)
    school_class = forms.CharField(label="Класс", max_length=10, required=False, help_text="Например, 7 «Б».")
    # Found by a search and added one by one (survey_people): the page never lists the whole school.
    people = forms.ModelMultipleChoiceField(
        label="Участники",
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Выбранного участника нет среди участников этой школы."},
    )
    for_parents = forms.BooleanField(
        label="Родители вместо ученика",
        required=False,
        help_text="За обучающихся отвечают родители (законные представители).",
    )

    def __init__(self, *args, school: Organisation, programme: Programme | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school, self.programme = school, programme
        self.fields["pair"].queryset = surveys.current_pairs(school)
        self.fields["people"].queryset = Person.objects.for_school(school).active()
        self.helper = fieldless_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chooser, side = data.get("chooser"), data.get("side") or surveys.BOTH
        data["side"] = side
        if chooser == "programme" and self.programme is None:
            self.add_error("chooser", "У анкетирования нет программы: выберите программу или другой способ.")
        elif chooser == "pair" and not data.get("pair"):
            self.add_error("pair", "Выберите пару или группу.")
        elif chooser == "class":
            try:
                data["grade"], data["letter"] = parse_school_class(data.get("school_class", ""))
            except ValidationError as error:
                self.add_error("school_class", error)
        elif chooser == "hand" and not data.get("people"):
            self.add_error("people", "Найдите и добавьте хотя бы одного участника.")
        elif chooser == "hand" and len(data["people"]) > MAX_CHOSEN:
            self.add_error(
                "people", f"Вручную добавляется не больше {MAX_CHOSEN} участников: выберите класс или базу."
            )
        return data

    def chosen_people(self) -> QuerySet[Person]:
        """The people already added, shown again with their boxes when the form comes back with an error."""
        if not self.is_bound:
            return Person.objects.none()
        ids = [value for value in self.data.getlist(self["people"].html_name) if value.isdigit()]
        return self.fields["people"].queryset.filter(pk__in=ids[:MAX_CHOSEN]).order_by(*NAME_ORDER)

    def respondent(self) -> str:
        return (
            Invitation.Respondent.PARENT if self.cleaned_data["for_parents"] else Invitation.Respondent.SELF
        )

    def chosen(self) -> list[surveys.Chosen]:
        data, side = self.cleaned_data, self.cleaned_data["side"]
        match data["chooser"]:
            case "programme":
                return surveys.chosen_by_programme(self.programme, side)
            case "pair":
                return surveys.pair_people([data["pair"]], side)
            case "base":
                return surveys.chosen_by_base(self.school, side)
            case "class":
                return surveys.chosen_by_class(self.school, data["grade"], data["letter"])
        return [surveys.Chosen(p) for p in data["people"]]
