"""The django-import-export widgets and fields of the lists: how one cell becomes one value, with the
schools' own spellings of dates, classes and choices accepted, and how an exported cell reads back."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from import_export import fields, widgets

from ..models import MenteeCategory, format_school_class, parse_school_class
from .reading import normalise_text

TEXT_MAX_LENGTH = 5000  # for text fields without a limit of their own


# --- Widgets: one cell to one value, or a ValueError whose text is the Russian sentence ---------------


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return str(value).strip()


def symbols(number: int) -> str:
    return "символа" if number % 10 == 1 and number % 100 != 11 else "символов"


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length: int | None = None, required: bool = False, multiline: bool = False):
        super().__init__(allow_blank=True)
        self.max_length = max_length or TEXT_MAX_LENGTH
        self.required = required
        self.multiline = multiline

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not self.multiline:
            text = re.sub(r"\s+", " ", text)
        if self.required and not text:
            raise ValueError("не заполнено.")
        if len(text) > self.max_length:
            raise ValueError(f"значение длиннее {self.max_length} {symbols(self.max_length)}.")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BirthDateWidget(widgets.DateWidget):
    INPUT_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S")

    def __init__(self):
        super().__init__(format="%d.%m.%Y")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif isinstance(value, int | float) and 1 <= value < 100000:  # an Excel date in a «General» cell
            from openpyxl.utils.datetime import from_excel

            day = from_excel(value).date()
        else:
            text = re.sub(r"\s*г\.?$", "", as_text(value))
            day = None
            for input_format in self.INPUT_FORMATS:
                try:
                    day = datetime.datetime.strptime(text, input_format).date()
                    break
                except ValueError:
                    continue
            if day is None:
                raise ValueError(f"«{as_text(value)}» — не дата. Укажите дату в виде 01.09.2012.")
        if day > timezone.localdate():
            raise ValueError(f"«{day:%d.%m.%Y}» — дата рождения не может быть в будущем.")
        if day.year < 1900:
            raise ValueError(
                f"«{day:%d.%m.%Y}» — слишком ранняя дата рождения. Укажите дату в виде 01.09.2012."
            )
        return day

    def render(self, value, obj=None, **kwargs):
        return f"{value:%d.%m.%Y}" if value else ""


LATIN_LOOKALIKES = str.maketrans("ABCEHKMOPTXaceopxk", "АВСЕНКМОРТХасеорхк")


class SchoolClassWidget(widgets.Widget):
    """«7Б», «7 «Б»», «7-б», 7 → (7, "Б"); a letter typed in the Latin layout is read as the Russian one."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            return None
        try:
            return parse_school_class(text.translate(LATIN_LOOKALIKES))
        except ValidationError as error:
            raise ValueError(error.messages[0].replace(text.translate(LATIN_LOOKALIKES), text)) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ChoiceWidget(widgets.Widget):
    """A choice by its Russian label, its code, or an everyday synonym; exported as the label."""

    def __init__(self, choices, synonyms: dict[str, str] | None = None):
        super().__init__()
        self.choices = [(value, str(label)) for value, label in choices if value != ""]
        self.lookup = {normalise_text(label): value for value, label in self.choices}
        self.lookup |= {normalise_text(value): value for value, _ in self.choices}
        self.lookup |= {normalise_text(word): value for word, value in (synonyms or {}).items()}
        self.labels = dict(self.choices)

    def clean(self, value, row=None, **kwargs):
        text = normalise_text(as_text(value))
        if not text:
            return None
        if text in self.lookup:
            return self.lookup[text]
        # «родители» for «Родители (законные представители)», «выбыла» for «Выбыл», «психолог»…
        close = {
            choice
            for label, choice in self.lookup.items()
            if len(text) >= 4
            and (label.startswith(text) or text.startswith(label) or text in re.split(r"[\s(),-]+", label))
        }
        if len(close) == 1:
            return close.pop()
        allowed = ", ".join(f"«{label}»" for _, label in self.choices)
        raise ValueError(f"«{as_text(value)}» — нет такого значения. Укажите одно из: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class IntegerWidget(widgets.IntegerWidget):
    def __init__(self, minimum: int, maximum: int):
        super().__init__()
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = as_text(value).replace(",", ".")
            try:
                number = float(text)
            except ValueError:
                number = None
            if number is None or not number.is_integer():
                raise ValueError(
                    f"«{as_text(value)}» — не целое число. Укажите число от {self.minimum} до {self.maximum}."
                )
            number = int(number)
        if not self.minimum <= number <= self.maximum:
            raise ValueError(
                f"{number} — вне допустимых значений: укажите число от {self.minimum} до {self.maximum}."
            )
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CategoriesWidget(widgets.ManyToManyWidget):
    """Categories of the mentee base by name or code, separated by «;» or «,» (names may hold commas)."""

    def __init__(self):
        super().__init__(MenteeCategory, separator="; ", field="name")
        self._lookup: dict[str, MenteeCategory] | None = None

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"\s*,\s*", ", ", normalise_text(text))

    def lookup(self) -> dict[str, MenteeCategory]:
        if self._lookup is None:
            categories = list(MenteeCategory.objects.all())
            self._lookup = {self._key(c.name): c for c in categories} | {
                self._key(c.code): c for c in categories
            }
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            return []
        lookup = self.lookup()
        chosen: list[MenteeCategory] = []
        for part in filter(None, (p.strip() for p in text.split(";"))):
            tokens = [t.strip() for t in part.split(",")]
            start = 0
            while start < len(tokens):
                # The longest run of comma-separated pieces that names a category.
                for end in range(len(tokens), start, -1):
                    category = lookup.get(self._key(", ".join(tokens[start:end])))
                    if category is not None:
                        break
                else:
                    raise ValueError(
                        f"«{tokens[start]}» — нет такой категории наставляемых. Укажите название или код "
                        "из справочника, например «Проявившие выдающиеся способности» или low_results; "
                        "несколько категорий разделяйте точкой с запятой."
                    )
                if category not in chosen:
                    chosen.append(category)
                start = end
        return chosen

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        items = value.all() if hasattr(value, "all") else value
        return "; ".join(category.name for category in items)


# --- Fields -------------------------------------------------------------------------------------------


class ImportField(fields.Field):
    """A column. An empty cell never erases what is already recorded (the journals' exports leave
    cells empty for «unknown»); `on_person` columns of the two bases are written to the entry's person."""

    def __init__(self, *args, on_person: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_person = on_person

    def target(self, instance):
        *path, name = self.attribute.split("__")
        for step in path:
            instance = getattr(instance, step)
        return instance, name

    def is_empty(self, cleaned) -> bool:
        return cleaned in (None, "") or (isinstance(cleaned, list) and not cleaned)

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.readonly:
            return
        target, name = self.target(instance)
        cleaned = self.clean(row, **kwargs)
        if self.is_empty(cleaned):
            return  # a new row keeps the model's default, an existing one what it had
        current = getattr(target, name, None) if not is_m2m else None
        if (
            isinstance(cleaned, str)
            and isinstance(current, str)
            and normalise_text(cleaned) == normalise_text(current)
        ):
            return  # «СЕМЕНОВ» in the file does not overwrite «Семёнов»
        if is_m2m:
            getattr(target, name).set(cleaned)
        else:
            setattr(target, name, cleaned)


class SchoolClassField(ImportField):
    """«Класс» sets both the grade and the letter; it reads back as «7 «Б»»."""

    def get_value(self, instance):
        try:
            target, _ = self.target(instance)
        except ObjectDoesNotExist:
            return ""
        return format_school_class(target.grade, target.class_letter)

    def save(self, instance, row, is_m2m=False, **kwargs):
        target, _ = self.target(instance)
        cleaned = self.clean(row, **kwargs)
        if cleaned is None:
            return
        target.grade, target.class_letter = cleaned
