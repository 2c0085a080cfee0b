"""Forms of the roadmap pages: made from a template, an activity kept, an activity marked done."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from mentoring.academic_year import AcademicYear
from mentoring.forms import DateInput
from mentoring.models import BASE_READERS, Document, Organisation, Role, User

from .services import RoadmapTemplate
from .templates_data import TEMPLATES


def templates_for(organisation: Organisation) -> list[RoadmapTemplate]:
    return [t for t in TEMPLATES.values() if t.for_department != organisation.is_school]


class RoadmapCreateForm(forms.Form):
    template = forms.ChoiceField(label="Образец")
    year = forms.TypedChoiceField(label="Учебный год", coerce=AcademicYear.starting)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            (t.code, t.title.format(year="…")) for t in templates_for(organisation)
        ]
        current_start_year = AcademicYear.current().start_year
        years = [AcademicYear.starting(y) for y in range(current_start_year - 1, current_start_year + 3)]
        self.fields["year"].choices = [(year.start_year, year.label) for year in years]
        self.fields["year"].initial = current_start_year

    @property
    def chosen(self) -> RoadmapTemplate:
        return TEMPLATES[self.cleaned_data["template"]]


def responsible_choices(organisation: Organisation) -> QuerySet[User]:
    """Accounts that may answer for an activity: the staff who read the roadmap, so it is theirs to open."""
    roles = BASE_READERS if organisation.is_school else {Role.COORDINATOR}
    staff = User.objects.filter(memberships__organisation=organisation, memberships__role__in=roles)
    return staff.distinct().order_by("last_name", "first_name", "patronymic")


class ActivityForm(forms.Form):
    title = forms.CharField(label="Мероприятие", max_length=500)
    content = forms.CharField(
        label="Содержание деятельности", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    starts_on = forms.DateField(label="Начало", widget=DateInput())
    ends_on = forms.DateField(label="Окончание", widget=DateInput())
    by_month = forms.BooleanField(
        label="Срок — месяц",
        required=False,
        help_text="Показывать сроки месяцами («сентябрь 2026»), а не датами.",
    )
    responsible = forms.ModelMultipleChoiceField(
        label="Ответственные (учётные записи)",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Мероприятие появится на их главной странице в «Моих мероприятиях».",
    )
    responsible_text = forms.CharField(
        label="Ответственные (как в дорожной карте)", max_length=500, required=False
    )
    expected_result = forms.CharField(label="Ожидаемый результат, документ", max_length=500, required=False)

    FIELDS = ("title", "content", "starts_on", "ends_on", "by_month", "responsible_text", "expected_result")

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_choices(organisation)
        self.fields["responsible"].error_messages["invalid_choice"] = "Выберите сотрудников этой организации."

    def activity_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class MarkDoneForm(forms.Form):
    done_on = forms.DateField(label="Дата выполнения", widget=DateInput())
    document = forms.ModelChoiceField(
        label="Документ из архива школы", queryset=Document.objects.none(), required=False
    )
    link = forms.URLField(label="Ссылка", required=False, assume_scheme="https")
    note = forms.CharField(
        label="Отметка о выполнении", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()
        if organisation.is_school:
            documents = Document.objects.for_school(organisation).order_by("-date", "-pk")
            self.fields["document"].queryset = documents
            self.fields["document"].label_from_instance = lambda d: (
                f"{d.title}{f' № {d.number}' if d.number else ''} от {d.date:%d.%m.%Y}"
            )
            self.fields["document"].error_messages["invalid_choice"] = (
                "Выберите документ из архива этой школы."
            )
        else:
            del self.fields["document"]
