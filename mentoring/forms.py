"""Forms of the people, the two bases and consents: Russian labels and messages, crispy layouts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from programs.models import MentoringForm

from .models import (
    Consent,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    MentorPayRule,
    Nomination,
    Organisation,
    Person,
    parse_school_class,
)
from .services import CONSENT_IN_FORCE_MESSAGE

# What a scan's first bytes are for each extension the school may send: the name alone proves nothing
# (a page saved from a browser and renamed to .pdf is HTML).
SCAN_SIGNATURES = {
    ".pdf": ("PDF", b"%PDF-"),
    ".jpg": ("JPEG", b"\xff\xd8\xff"),
    ".jpeg": ("JPEG", b"\xff\xd8\xff"),
    ".png": ("PNG", b"\x89PNG\r\n\x1a\n"),
}
SCAN_MAX_BYTES = 10 * 1024 * 1024


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates whatever the language of the page."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def fieldless_helper(*layout: Any) -> FormHelper:
    """The page renders the <form> tag itself, so two forms can be sent as one."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def checked_scan(scan, what: str):
    """A scan of a paper document as the school may keep it: PDF, JPG or PNG of up to 10 MB, whose bytes
    are what its name says. The one check of the consent scans and of the signed documents' scans."""
    if not scan:
        return scan
    signature = SCAN_SIGNATURES.get(Path(scan.name).suffix.lower())
    if signature is None:
        raise ValidationError(f"{what} принимается в формате PDF, JPG или PNG.")
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError("Файл скана больше 10 МБ: уменьшите его или отсканируйте с меньшим качеством.")
    file_type, magic = signature
    scan.seek(0)
    head = scan.read(len(magic))
    scan.seek(0)
    if head != magic:
        raise ValidationError(
            f"Файл не похож на PDF, JPEG или PNG: «{scan.name}» назван как {file_type}, но внутри у него "
            "другое содержимое. Сохраните скан в одном из этих форматов и приложите его снова."
        )
    return scan


def not_in_future(value, message: str):
    if value and value > timezone.localdate():
        raise ValidationError(message)
    return value


def cleaned_school_class(value: str) -> tuple[int, str] | None:
    value = value.strip()
    if not value:
        return None
    if re.search(r"[A-Za-z]", value):
        raise ValidationError("Буква класса пишется кириллицей, например 7 «Б».")
    return parse_school_class(value)


LIKELY_DUPLICATE = (
    "В школе уже есть {people}: возможно, это тот же человек. Если это другой человек, отметьте это поле."
)


class PersonForm(forms.ModelForm):
    school_class = forms.CharField(
        label="Класс",
        required=False,
        max_length=10,
        help_text="Для обучающихся: номер и буква, например 7 «Б» или 7Б.",
    )
    homeroom_class = forms.CharField(
        label="Классное руководство",
        required=False,
        max_length=10,
        help_text="Класс, которым руководит педагог, например 7 «Б»: он видит учеников класса и может "
        "представить их в базу наставляемых.",
    )
    # Shown, with the people found, only when the name and birth date are those of someone in the school.
    not_a_duplicate = forms.BooleanField(label="Это другой человек, всё равно добавить", required=False)

    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "kind",
            "position",
            "subjects",
            "experience_years",
            "qualification_category",
            "organisation_name",
            "phone",
            "email",
        ]
        widgets = {"birth_date": DateInput()}

    TEACHER_FIELDS = ("position", "subjects", "experience_years", "qualification_category")
    IDENTITY_FIELDS = ("last_name", "first_name", "patronymic", "birth_date")

    def __init__(self, *args, school: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school_id = school.pk if school else self.instance.school_id
        self.likely_duplicates: list[Person] = []
        if self.instance.pk:
            self.initial.setdefault("school_class", self.instance.school_class)
            self.initial.setdefault("homeroom_class", self.instance.homeroom_class)
        self.fields["experience_years"].max_value = 70
        self.fields["experience_years"].widget.attrs["max"] = 70
        self.helper = fieldless_helper(
            Fieldset("Участник", "last_name", "first_name", "patronymic", "birth_date", "kind"),
            Fieldset("Обучающийся", "school_class"),
            Fieldset("Педагог или сотрудник", *self.TEACHER_FIELDS, "homeroom_class"),
            Fieldset("Студент или представитель работодателя", "organisation_name"),
            Fieldset("Контакты", "phone", "email"),
        )

    def clean_birth_date(self):
        return not_in_future(self.cleaned_data["birth_date"], "Дата рождения не может быть в будущем.")

    def clean_school_class(self) -> tuple[int, str] | None:
        return cleaned_school_class(self.cleaned_data["school_class"])

    def clean_homeroom_class(self) -> tuple[int, str] | None:
        return cleaned_school_class(self.cleaned_data["homeroom_class"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        school_class = cleaned.get("school_class")
        if cleaned.get("kind") == Person.Kind.PUPIL:
            if school_class is None and "school_class" not in self.errors:
                self.add_error("school_class", "Для обучающегося укажите класс, например 7 «Б».")
            # A pupil has no position or qualification: what was typed there by mistake is dropped.
            for name in self.TEACHER_FIELDS:
                cleaned[name] = None if name == "experience_years" else ""
        else:
            school_class = None
        self.instance.grade, self.instance.class_letter = school_class or (None, "")
        # Only a teacher leads a class.
        homeroom = cleaned.get("homeroom_class") if cleaned.get("kind") == Person.Kind.TEACHER else None
        self.instance.homeroom_grade, self.instance.homeroom_letter = homeroom or (None, "")
        self.warn_of_duplicates(cleaned)
        return cleaned

    def warn_of_duplicates(self, cleaned: dict[str, Any]) -> None:
        """A person of the school with the same name and birth date is likely the same one typed in again:
        the form names it and saves only when told that this is someone else."""
        if self.school_id is None or any(name in self.errors for name in self.IDENTITY_FIELDS):
            return
        if self.instance.pk and not set(self.IDENTITY_FIELDS) & set(self.changed_data):
            return
        people = Person.objects.filter(school_id=self.school_id).exclude(pk=self.instance.pk)
        self.likely_duplicates = people.named_like(
            last_name=cleaned.get("last_name", ""),
            first_name=cleaned.get("first_name", ""),
            patronymic=cleaned.get("patronymic", ""),
            birth_date=cleaned.get("birth_date"),
        )
        if self.likely_duplicates and not cleaned.get("not_a_duplicate"):
            named = ", ".join(
                p.full_name + (f" ({p.birth_date:%d.%m.%Y})" if p.birth_date else "")
                for p in self.likely_duplicates
            )
            self.add_error("not_a_duplicate", LIKELY_DUPLICATE.format(people=named))

    def person_data(self) -> dict[str, Any]:
        """The values of a new person, for services.person_create and the base entry services."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return data | {
            "grade": self.instance.grade,
            "class_letter": self.instance.class_letter,
            "homeroom_grade": self.instance.homeroom_grade,
            "homeroom_letter": self.instance.homeroom_letter,
        }


class BaseEntryForm(forms.ModelForm):
    """Fields common to both bases; the create form adds a choice of a person already in the school."""

    m2m_fields: tuple[str, ...] = ("forms",)

    def __init__(self, *args, candidates: QuerySet[Person] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["forms"].queryset = MentoringForm.objects.all()
        self.fields["forms"].widget = forms.CheckboxSelectMultiple(choices=self.fields["forms"].choices)
        self.helper = fieldless_helper(*self.Meta.fields)
        if candidates is not None:
            self.fields["existing_person"] = forms.ModelChoiceField(
                label="Участник, уже внесённый в школу",
                queryset=candidates,
                required=False,
                empty_label="— внести нового участника —",
                help_text="Оставьте пустым, чтобы внести нового участника ниже.",
                error_messages={
                    "invalid_choice": "Этого участника нельзя добавить: его нет в школе или он уже в базе."
                },
            )

    def picked_person(self) -> Person | None:
        """The person already chosen (by the link it came from, or sent back with an error), shown alone."""
        if "existing_person" not in self.fields:
            return None
        value = str(self["existing_person"].value() or "")
        return self.fields["existing_person"].queryset.filter(pk=value).first() if value.isdigit() else None

    def clean_included_on(self):
        return not_in_future(
            self.cleaned_data["included_on"], "Дата включения в базу не может быть в будущем."
        )

    def entry_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name not in self.m2m_fields}

    def m2m_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.m2m_fields}


class MentorEntryForm(BaseEntryForm):
    class Meta:
        model = MentorEntry
        fields = [
            "status",
            "competencies",
            "achievements",
            "subjects",
            "interests",
            "forms",
            "capacity",
            "trained_on",
            "included_on",
            "note",
        ]
        widgets = {
            "trained_on": DateInput(),
            "included_on": DateInput(),
            "competencies": forms.Textarea(attrs={"rows": 3}),
            "achievements": forms.Textarea(attrs={"rows": 3}),
            "interests": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_trained_on(self):
        return not_in_future(
            self.cleaned_data["trained_on"], "Дата обучения в «Школе наставников» не может быть в будущем."
        )


class MenteeEntryForm(BaseEntryForm):
    m2m_fields = ("categories", "forms")

    class Meta:
        model = MenteeEntry
        fields = [
            "status",
            "categories",
            "request",
            "reported_by",
            "forms",
            "interests",
            "included_on",
            "note",
        ]
        widgets = {
            "included_on": DateInput(),
            "request": forms.Textarea(attrs={"rows": 3}),
            "interests": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = MenteeCategory.objects.all()
        self.fields["categories"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["categories"].choices
        )


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["given_by", "representative_name", "representative_relation", "date", "scan"]
        widgets = {
            "given_by": forms.RadioSelect,
            "date": DateInput(),
            "scan": forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }
        help_texts = {"scan": "PDF, JPG или PNG, не больше 10 МБ."}

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["given_by"].choices = Consent.GivenBy.choices
        self.helper = fieldless_helper(*self.Meta.fields)

    def clean_date(self):
        return not_in_future(self.cleaned_data["date"], "Дата согласия не может быть в будущем.")

    def clean_scan(self):
        return checked_scan(self.cleaned_data.get("scan"), "Скан согласия")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if Consent.objects.in_force().filter(person=self.person).exists():
            raise ValidationError(CONSENT_IN_FORCE_MESSAGE)
        given_by = cleaned.get("given_by")
        if given_by == Consent.GivenBy.SELF and self.person.is_minor:
            self.add_error(
                "given_by",
                "Несовершеннолетний не может сам дать согласие: его даёт родитель (законный представитель).",
            )
        elif (
            given_by == Consent.GivenBy.REPRESENTATIVE and not cleaned.get("representative_name", "").strip()
        ):
            self.add_error("representative_name", "Укажите ФИО родителя (законного представителя).")
        elif given_by == Consent.GivenBy.SELF:
            cleaned["representative_name"] = cleaned["representative_relation"] = ""
        return cleaned

    def consent_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ConsentRevokeForm(forms.Form):
    note = forms.CharField(
        label="Основание отзыва",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Например: заявление матери от 05.10.2026.",
        error_messages={"required": "Укажите основание отзыва согласия."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fieldless_helper()


# The categories of the mentee base that are about teachers, not pupils (seed 003).
TEACHER_CATEGORIES = ("young_teacher", "low_results_teacher")


class NominationForm(forms.ModelForm):
    class Meta:
        model = Nomination
        fields = ["categories", "reason", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "categories": {"required": "Отметьте хотя бы одну категорию."},
            "reason": {"required": "Выберите причину."},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        categories.queryset = MenteeCategory.objects.exclude(code__in=TEACHER_CATEGORIES)
        categories.widget = forms.CheckboxSelectMultiple(choices=categories.choices)
        categories.help_text = "Категории наставляемых из целевой модели наставничества."
        self.helper = fieldless_helper(*self.Meta.fields)


class NominationDeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label="Причина отказа",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Её увидит педагог, представивший ученика.",
        error_messages={"required": "Укажите причину отказа: педагог увидит её."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fieldless_helper()


class MentorTermsForm(forms.ModelForm):
    """The school's rules for its teacher-mentors (Трудовой кодекс, ст. 351.8), set by the director."""

    class Meta:
        model = Organisation
        fields = ["mentor_consent_required", "mentor_pay_rule", "mentor_pay_rate"]
        widgets = {
            "mentor_pay_rule": forms.RadioSelect,
            "mentor_pay_rate": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }
        error_messages = {
            "mentor_pay_rate": {
                "min_value": "Размер оплаты не может быть отрицательным.",
                "invalid": "Введите размер оплаты числом, например 300 или 300,50.",
                "max_digits": "Слишком большой размер оплаты.",
                "max_decimal_places": "Укажите не больше двух знаков после запятой (копейки).",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor_pay_rule"].choices = [
            ("", "Не установлен: в табеле только часы"),
            *MentorPayRule.choices,
        ]
