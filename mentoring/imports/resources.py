"""The django-import-export resources of the three lists: the people of a school («Участники»), the mentor
base and the mentee base. They read the rows for an import and write the columns of an export."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from import_export import resources, widgets

from ..models import MenteeEntry, MentorEntry, Organisation, Person
from .columns import (
    BIRTH_DATE,
    CAPACITY,
    CATEGORIES,
    COMPETENCIES,
    CONSENT,
    EMAIL,
    EXPERIENCE,
    FIRST_NAME,
    KIND,
    LAST_NAME,
    PATRONYMIC,
    PHONE,
    POSITION,
    REPORTED_BY,
    REQUEST,
    ROW_NUMBER,
    SCHOOL_CLASS,
    STATUS,
    SUBJECTS,
)
from .fields import (
    BirthDateWidget,
    CategoriesWidget,
    ChoiceWidget,
    ImportField,
    IntegerWidget,
    SchoolClassField,
    SchoolClassWidget,
    TextWidget,
    as_text,
)
from .reading import normalise_text

if TYPE_CHECKING:
    from .writing import BatchWriter


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


KIND_SYNONYMS = {
    "ученик": Person.Kind.PUPIL,
    "ученица": Person.Kind.PUPIL,
    "учащийся": Person.Kind.PUPIL,
    "учащаяся": Person.Kind.PUPIL,
    "обучающаяся": Person.Kind.PUPIL,
    "школьник": Person.Kind.PUPIL,
    "школьница": Person.Kind.PUPIL,
    "учитель": Person.Kind.TEACHER,
    "преподаватель": Person.Kind.TEACHER,
    "педагог-психолог": Person.Kind.TEACHER,
    "сотрудник": Person.Kind.STAFF,
    "выпускница": Person.Kind.GRADUATE,
    "студент": Person.Kind.STUDENT,
    "студентка": Person.Kind.STUDENT,
    "работодатель": Person.Kind.EMPLOYER,
}


def person_key(last_name: Any, first_name: Any, patronymic: Any, birth_date: Any) -> tuple:
    return (
        normalise_text(as_text(last_name)),
        normalise_text(as_text(first_name)),
        normalise_text(as_text(patronymic)),
        birth_date,
    )


PERSON_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "school_class",
    "kind",
    "position",
    "subjects",
    "experience_years",
    "phone",
    "email",
)


class SchoolResource(resources.ModelResource):
    """The columns of a person and the import rules shared by the three lists.

    A row is matched to a person of the school by surname, name, patronymic and birth date, ignoring
    case and ё; a row without a birth date matches a person by the name alone when that is unique.
    """

    person_prefix = ""  # "person__" when the rows are entries of a base
    kind_without_class = Person.Kind.PUPIL  # who a row is when neither «Кто это» nor «Класс» says

    last_name = ImportField(
        attribute="last_name",
        column_name=LAST_NAME,
        widget=TextWidget(_max_length(Person, "last_name"), required=True),
        on_person=True,
    )
    first_name = ImportField(
        attribute="first_name",
        column_name=FIRST_NAME,
        widget=TextWidget(_max_length(Person, "first_name"), required=True),
        on_person=True,
    )
    patronymic = ImportField(
        attribute="patronymic",
        column_name=PATRONYMIC,
        widget=TextWidget(_max_length(Person, "patronymic")),
        on_person=True,
    )
    birth_date = ImportField(
        attribute="birth_date", column_name=BIRTH_DATE, widget=BirthDateWidget(), on_person=True
    )
    school_class = SchoolClassField(
        attribute="grade", column_name=SCHOOL_CLASS, widget=SchoolClassWidget(), on_person=True
    )
    kind = ImportField(
        attribute="kind",
        column_name=KIND,
        widget=ChoiceWidget(Person.Kind.choices, KIND_SYNONYMS),
        on_person=True,
    )
    position = ImportField(
        attribute="position",
        column_name=POSITION,
        widget=TextWidget(_max_length(Person, "position")),
        on_person=True,
    )
    subjects = ImportField(
        attribute="subjects",
        column_name=SUBJECTS,
        widget=TextWidget(_max_length(Person, "subjects")),
        on_person=True,
    )
    experience_years = ImportField(
        attribute="experience_years", column_name=EXPERIENCE, widget=IntegerWidget(0, 70), on_person=True
    )
    phone = ImportField(
        attribute="phone", column_name=PHONE, widget=TextWidget(_max_length(Person, "phone")), on_person=True
    )
    email = ImportField(
        attribute="email", column_name=EMAIL, widget=TextWidget(_max_length(Person, "email")), on_person=True
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        skip_unchanged = True
        report_skipped = True
        skip_diff = True  # see after_init_instance
        use_transactions = False  # the rows are only gathered here; the writer writes them in batches

    def __init__(self, school: Organisation | None = None, writer: BatchWriter | None = None, **kwargs):
        super().__init__(**kwargs)
        self.school = school
        self.writer = writer  # None for the preview, which writes nothing
        for f in self.fields.values():
            if getattr(f, "on_person", False):
                f.attribute = self.person_prefix + f.attribute
        self.columns_by_key = {f.attribute: f.column_name for f in self.fields.values() if f.attribute}
        self.columns_by_key[f"{self.person_prefix}class_letter"] = SCHOOL_CLASS
        self.people_by_key: dict[tuple, list[Person]] = defaultdict(list)
        self.people_by_name: dict[tuple, list[Person]] = defaultdict(list)
        self.seen_keys: dict[tuple, int] = {}
        self.seen_people: dict[int, int] = {}
        self.changes: dict[int, list[str]] = {}
        self.labels: dict[int, str] = {}
        self._person: Person | None = None
        self._person_changed = False
        self._is_new = True
        self._before: dict[str, Any] = {}
        self._saved: dict[int, Any] = {}  # id() of an instance → a copy of it as it was read

    # Which instance is the person of a row, and which column a validation error belongs to.

    def person_of(self, instance) -> Person:
        return instance

    def column_for(self, key: str) -> str | None:
        if key == NON_FIELD_ERRORS:
            return None
        if key in self.columns_by_key:
            return self.columns_by_key[key]
        model = Person if key.startswith(self.person_prefix) else self._meta.model
        try:
            return str(model._meta.get_field(key.removeprefix(self.person_prefix)).verbose_name).capitalize()
        except Exception:
            return None

    def get_import_fields(self):
        """Computed once: the library and the hooks below ask for them several times for every row."""
        if "_import_fields" not in self.__dict__:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @classmethod
    def import_columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_import_fields() if not f.readonly]

    def export_queryset(self, queryset):
        """The queryset with what the columns read, so an export runs a fixed number of queries."""
        return queryset

    # The people of the school, read once: 10 000 rows must not be 10 000 look-ups.

    def before_import(self, dataset, **kwargs):
        people = Person.objects.filter(school=self.school).order_by("pk")
        if self.related_entries():
            people = people.select_related(*self.related_entries())
        if self.related_prefetch():
            people = people.prefetch_related(*self.related_prefetch())
        for person in people:
            self.index_person(person)

    def related_entries(self) -> tuple[str, ...]:
        return ()

    def related_prefetch(self) -> tuple[str, ...]:
        return ()

    def index_person(self, person: Person) -> None:
        key = person_key(person.last_name, person.first_name, person.patronymic, person.birth_date)
        self.people_by_key[key].append(person)
        self.people_by_name[key[:3]].append(person)

    def after_import(self, dataset, result, **kwargs):
        """Nothing: the library would reset the id sequences here, which races with other writers
        on PostgreSQL and is never needed, since the file never carries ids."""

    def before_import_row(self, row, **kwargs):
        number = row[ROW_NUMBER]
        if self.writer is not None:
            self.writer.start_row()
        self._person, self._person_changed = None, False
        last_name, first_name = as_text(row.get(LAST_NAME)), as_text(row.get(FIRST_NAME))
        patronymic = as_text(row.get(PATRONYMIC))
        try:
            birth_date = BirthDateWidget().clean(row.get(BIRTH_DATE))
        except ValueError:
            birth_date = ("not a date", as_text(row.get(BIRTH_DATE)))
        label = " ".join(p for p in (last_name, first_name, patronymic) if p)
        if birth_date and not isinstance(birth_date, tuple):
            label += f", {birth_date:%d.%m.%Y}"
        self.labels[number] = label
        if not last_name or not first_name:
            return  # the widgets say what is missing
        key = person_key(last_name, first_name, patronymic, birth_date)
        if key in self.seen_keys:
            raise ValidationError(f"участник «{label}» уже встречается в строке {self.seen_keys[key]}.")
        self.seen_keys[key] = number
        if isinstance(birth_date, tuple):
            return
        if birth_date:
            matches = self.people_by_key.get(key) or [
                p for p in self.people_by_name.get(key[:3], []) if p.birth_date is None
            ]
        else:
            matches = self.people_by_name.get(key[:3], [])
        if len(matches) > 1:
            raise ValidationError(
                f"в школе уже есть несколько участников «{label}». Оставьте одного в списке участников "
                + ("" if birth_date else "или укажите в файле дату рождения ")
                + "и загрузите файл снова."
            )
        if matches:
            person = matches[0]
            if person.pk in self.seen_people:
                raise ValidationError(
                    f"участник «{label}» уже встречается в строке {self.seen_people[person.pk]}."
                )
            self.seen_people[person.pk] = number
            self._person = person

    def get_or_init_instance(self, instance_loader, row):
        if self._person is not None:
            return self._person, False
        return Person(school=self.school), True

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # The library reads many-to-many columns only after saving; check them now, for the preview.
        for f in self.get_import_fields():
            if isinstance(f.widget, widgets.ManyToManyWidget) and f.column_name in row and not f.readonly:
                try:
                    f.clean(row)
                except ValueError as error:
                    errors[f.attribute] = [ValidationError(str(error))]
        self.complete_person(self.person_of(instance), row)
        if errors:
            raise ValidationError(errors)

    def complete_person(self, person: Person, row) -> None:
        """Who a new person is when «Кто это» is empty: a pupil with a class, else a teacher or staff."""
        if person.pk is not None or row.get(KIND) not in (None, ""):
            return
        if person.grade:
            person.kind = Person.Kind.PUPIL
        elif person.position or person.experience_years is not None:
            person.kind = Person.Kind.TEACHER
        else:
            person.kind = self.kind_without_class

    def compared_values(self, instance, row) -> dict[str, Any]:
        """What the row's columns hold on the instance: many-to-many ones as sorted primary keys."""
        values = {}
        for f in self.get_import_fields():
            if f.readonly or f.column_name not in row:
                continue
            if isinstance(f.widget, widgets.ManyToManyWidget):
                target, name = f.target(instance)
                values[f.column_name] = (
                    [] if target.pk is None else sorted(c.pk for c in getattr(target, name).all())
                )
            else:
                values[f.column_name] = f.get_value(instance)
        return values

    def after_init_instance(self, instance, new, row, **kwargs):
        # A snapshot of the few compared values instead of the library's deepcopy of the instance,
        # which copies the school and its department with every row (skip_diff = True).
        self._is_new = new
        self._before = self.compared_values(instance, row)
        if self.writer is not None:  # the audit trail records what the confirm changes
            read = (self.person_of(instance), instance)
            self._saved = {id(obj): copy.copy(obj) for obj in read if obj.pk is not None}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Skipped when nothing changes; otherwise the changed columns are kept for the preview."""
        if import_validation_errors:
            return False
        changed = []
        for f in self.get_import_fields():
            if f.readonly or f.column_name not in row:
                continue
            if isinstance(f.widget, widgets.ManyToManyWidget):
                wanted = sorted(c.pk for c in f.clean(row))
                if wanted and wanted != self._before[f.column_name]:
                    changed.append(f.column_name)
            elif f.get_value(instance) != self._before[f.column_name]:
                changed.append(f.column_name)
        self.changes[row[ROW_NUMBER]] = changed
        self._person_changed = any(
            getattr(f, "on_person", False) and f.column_name in changed for f in self.fields.values()
        )
        return not self._is_new and not changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        prefix = self.person_prefix
        person = self.person_of(instance)
        if person.kind == Person.Kind.PUPIL and not person.grade and f"{prefix}grade" not in errors:
            errors[f"{prefix}grade"] = [
                ValidationError(
                    "не указан класс. Для обучающегося укажите класс, например 7 «Б»; для педагога или "
                    "сотрудника заполните столбец «Кто это»."
                )
            ]
        person_errors = [k.removeprefix(prefix) for k in errors if k.startswith(prefix)]
        try:
            # The widgets check ranges and lengths; the school is ours; the database keeps the constraints.
            person.full_clean(
                exclude=[*person_errors, "school", "user"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(f"{prefix}{key}" if key != NON_FIELD_ERRORS else key, []).extend(messages)
        if instance is not person:
            try:
                instance.full_clean(
                    exclude=[*errors, "person", "school", "forms"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def written(self, instance) -> list:
        """What a row of the file writes: the person; for a base, the entry and the person if it changed."""
        return [instance]

    def save_instance(self, instance, is_create, row, **kwargs):
        if self.writer is None:
            return  # the preview writes nothing at all
        for obj in self.written(instance):
            self.writer.save(obj, self._saved.get(id(obj)))

    def save_m2m(self, instance, row, **kwargs):
        """Categories are added to a new entry, set on an existing one; an empty cell keeps what there is."""
        if self.writer is None:
            return
        for f in self.get_import_fields():
            if not isinstance(f.widget, widgets.ManyToManyWidget) or f.readonly or f.column_name not in row:
                continue
            chosen = f.clean(row)
            if chosen:
                target, name = f.target(instance)
                self.writer.set_related(target, name, chosen, self._before[f.column_name])


class PersonResource(SchoolResource):
    """«Участники»: pupils, teachers and everyone else of the school."""

    class Meta(SchoolResource.Meta):
        model = Person
        fields = import_order = export_order = PERSON_FIELDS


class BaseEntryResource(SchoolResource):
    """An entry of a base with its person: the person is created, or updated, on the way."""

    person_prefix = "person__"
    entry_relation = ""

    def person_of(self, instance) -> Person:
        return instance.person

    def related_entries(self) -> tuple[str, ...]:
        return (self.entry_relation,)

    def get_or_init_instance(self, instance_loader, row):
        person = self._person or Person(school=self.school)
        if person.pk is not None:
            try:
                return getattr(person, self.entry_relation), False
            except ObjectDoesNotExist:
                pass
        return self._meta.model(school=self.school, person=person), True

    def written(self, instance) -> list:
        person = instance.person
        return [person, instance] if person.pk is None or self._person_changed else [instance]

    def export_queryset(self, queryset):
        return queryset.select_related("person")


class MenteeEntryResource(BaseEntryResource):
    """«База наставляемых»."""

    entry_relation = "mentee_entry"

    def related_prefetch(self) -> tuple[str, ...]:
        return ("mentee_entry__categories",)

    categories = ImportField(attribute="categories", column_name=CATEGORIES, widget=CategoriesWidget())
    request = ImportField(attribute="request", column_name=REQUEST, widget=TextWidget(multiline=True))
    reported_by = ImportField(
        attribute="reported_by",
        column_name=REPORTED_BY,
        widget=ChoiceWidget(
            MenteeEntry.ReportedBy.choices,
            {"классный руководитель": "class_teacher", "психолог": "psychologist", "родители": "parents"},
        ),
    )
    status = ImportField(
        attribute="status",
        column_name=STATUS,
        widget=ChoiceWidget(MenteeEntry.Status.choices),
        readonly=True,  # the status follows the pairs; it is exported, not imported
    )
    consent = ImportField(column_name=CONSENT, readonly=True)

    class Meta(SchoolResource.Meta):
        model = MenteeEntry
        fields = import_order = export_order = (
            *PERSON_FIELDS,
            "categories",
            "request",
            "reported_by",
            "status",
            "consent",
        )

    def dehydrate_consent(self, entry: MenteeEntry) -> str:
        consent = entry.person.active_consent()
        return f"есть, от {consent.date:%d.%m.%Y}" if consent else "нет"

    def export_queryset(self, queryset):
        return queryset.select_related("person").prefetch_related("categories", "person__consents")


class MentorEntryResource(BaseEntryResource):
    """«База наставников»."""

    entry_relation = "mentor_entry"
    kind_without_class = Person.Kind.TEACHER

    competencies = ImportField(
        attribute="competencies", column_name=COMPETENCIES, widget=TextWidget(multiline=True)
    )
    # The mentor's own «Предметы» replace the person's column of the same name.
    subjects = ImportField(
        attribute="subjects", column_name=SUBJECTS, widget=TextWidget(_max_length(MentorEntry, "subjects"))
    )
    capacity = ImportField(attribute="capacity", column_name=CAPACITY, widget=IntegerWidget(1, 10))
    status = ImportField(
        attribute="status", column_name=STATUS, widget=ChoiceWidget(MentorEntry.Status.choices)
    )

    class Meta(SchoolResource.Meta):
        model = MentorEntry
        fields = import_order = export_order = (
            *PERSON_FIELDS,
            "competencies",
            "capacity",
            "status",
        )
