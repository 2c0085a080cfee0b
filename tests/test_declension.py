"""Declension of people's names and of positions (mentoring/declension.py and its template filters), on
names shaped like the ones schools keep: every case of each asserted."""

import pytest
from django.template import Context, Template

from mentoring.declension import CASES, FullName, full_name_in, initials_in, phrase_in, signature_name
from mentoring.models import Person
from tests.factories import UserFactory

ORDER = ("nomn", "gent", "datv", "accs", "ablt", "loct")

NAMES = {
    "Аксенова Алёна Васильевна": (
        "Аксенова Алёна Васильевна",
        "Аксеновой Алёны Васильевны",
        "Аксеновой Алёне Васильевне",
        "Аксенову Алёну Васильевну",
        "Аксеновой Алёной Васильевной",
        "Аксеновой Алёне Васильевне",
    ),
    "Юдина Оксана Сергеевна": (
        "Юдина Оксана Сергеевна",
        "Юдиной Оксаны Сергеевны",
        "Юдиной Оксане Сергеевне",
        "Юдину Оксану Сергеевну",
        "Юдиной Оксаной Сергеевной",
        "Юдиной Оксане Сергеевне",
    ),
    # Tuvan: the surname declines for a man, the patronymic's «-оол» part keeps its hyphen.
    "Монгуш Айдар Чечен-оолович": (
        "Монгуш Айдар Чечен-оолович",
        "Монгуша Айдара Чечен-ооловича",
        "Монгушу Айдару Чечен-ооловичу",
        "Монгуша Айдара Чечен-ооловича",
        "Монгушем Айдаром Чечен-ооловичем",
        "Монгуше Айдаре Чечен-ооловиче",
    ),
    "Петрова-Водкина Анна Ивановна": (
        "Петрова-Водкина Анна Ивановна",
        "Петровой-Водкиной Анны Ивановны",
        "Петровой-Водкиной Анне Ивановне",
        "Петрову-Водкину Анну Ивановну",
        "Петровой-Водкиной Анной Ивановной",
        "Петровой-Водкиной Анне Ивановне",
    ),
    "Римский-Корсаков Николай Андреевич": (
        "Римский-Корсаков Николай Андреевич",
        "Римского-Корсакова Николая Андреевича",
        "Римскому-Корсакову Николаю Андреевичу",
        "Римского-Корсакова Николая Андреевича",
        "Римским-Корсаковым Николаем Андреевичем",
        "Римском-Корсакове Николае Андреевиче",
    ),
    # ё kept where it is and dropped where Russian drops it (Пётр → Петра).
    "Королёв Пётр Семёнович": (
        "Королёв Пётр Семёнович",
        "Королёва Петра Семёновича",
        "Королёву Петру Семёновичу",
        "Королёва Петра Семёновича",
        "Королёвым Петром Семёновичем",
        "Королёве Петре Семёновиче",
    ),
    "Иванова Анна-Мария Петровна": (
        "Иванова Анна-Мария Петровна",
        "Ивановой Анны-Марии Петровны",
        "Ивановой Анне-Марии Петровне",
        "Иванову Анну-Марию Петровну",
        "Ивановой Анной-Марией Петровной",
        "Ивановой Анне-Марии Петровне",
    ),
    # «оглы» keeps the patronymic as it is; the surname and the name decline.
    "Мамедов Ильхам Гейдар оглы": (
        "Мамедов Ильхам Гейдар оглы",
        "Мамедова Ильхама Гейдар оглы",
        "Мамедову Ильхаму Гейдар оглы",
        "Мамедова Ильхама Гейдар оглы",
        "Мамедовым Ильхамом Гейдар оглы",
        "Мамедове Ильхаме Гейдар оглы",
    ),
}
# Whose sex the name does not show: left in the nominative rather than declined wrong.
UNDECIDED = ("Дюпон Мари", "Смит Джон", "Шевченко Саша")

POSITIONS = {
    "Учитель английского языка": (
        "учитель английского языка",
        "учителя английского языка",
        "учителю английского языка",
        "учителя английского языка",
        "учителем английского языка",
        "учителе английского языка",
    ),
    "педагог-психолог": (
        "педагог-психолог",
        "педагога-психолога",
        "педагогу-психологу",
        "педагога-психолога",
        "педагогом-психологом",
        "педагоге-психологе",
    ),
    "Заместитель директора по учебно-воспитательной работе": (
        "заместитель директора по учебно-воспитательной работе",
        "заместителя директора по учебно-воспитательной работе",
        "заместителю директора по учебно-воспитательной работе",
        "заместителя директора по учебно-воспитательной работе",
        "заместителем директора по учебно-воспитательной работе",
        "заместителе директора по учебно-воспитательной работе",
    ),
    "Старший вожатый": (
        "старший вожатый",
        "старшего вожатого",
        "старшему вожатому",
        "старшего вожатого",
        "старшим вожатым",
        "старшем вожатом",
    ),
    "Социальный педагог": (
        "социальный педагог",
        "социального педагога",
        "социальному педагогу",
        "социального педагога",
        "социальным педагогом",
        "социальном педагоге",
    ),
}
SCHOOL = "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»"
SCHOOL_FORMS = (
    SCHOOL,
    "Муниципального бюджетного общеобразовательного учреждения «Средняя общеобразовательная школа № 1»",
    "Муниципальному бюджетному общеобразовательному учреждению «Средняя общеобразовательная школа № 1»",
    "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
    "Муниципальным бюджетным общеобразовательным учреждением «Средняя общеобразовательная школа № 1»",
    "Муниципальном бюджетном общеобразовательном учреждении «Средняя общеобразовательная школа № 1»",
)


def test_the_cases_are_pymorphys():
    assert tuple(CASES) == ORDER


@pytest.mark.parametrize(("name", "forms"), NAMES.items())
def test_a_full_name_in_every_case(name, forms):
    assert tuple(full_name_in(name, case) for case in ORDER) == forms


@pytest.mark.parametrize("name", UNDECIDED)
def test_a_name_that_does_not_show_the_sex_stays_nominative(name):
    assert {full_name_in(name, case) for case in ORDER} == {name}


def test_a_name_the_rules_do_not_know_stays_as_it_is():
    assert full_name_in("Ёхохо Ыыы Петровна", "datv") == "Ёхохо Ыыы Петровне"


@pytest.mark.parametrize(
    ("name", "datv", "signed"),
    [
        ("Юдина Оксана Сергеевна", "Юдиной О. С.", "О. С. Юдина"),
        ("Аксенова Алёна Васильевна", "Аксеновой А. В.", "А. В. Аксенова"),
        ("Монгуш Айдар Чечен-оолович", "Монгушу А. Ч.", "А. Ч. Монгуш"),
        ("Иванова Анна-Мария Петровна", "Ивановой А.-М. П.", "А.-М. П. Иванова"),
        ("Римский-Корсаков Николай Андреевич", "Римскому-Корсакову Н. А.", "Н. А. Римский-Корсаков"),
        ("Смит Джон", "Смит Д.", "Д. Смит"),
    ],
)
def test_initials_in_the_dative_and_under_a_signature(name, datv, signed):
    assert initials_in(name, "datv") == datv
    assert initials_in(name, "nomn") == f"{FullName.of(name).last_name} {datv.split(' ', 1)[1]}"
    assert signature_name(name) == signed


@pytest.mark.parametrize(("position", "forms"), POSITIONS.items())
def test_a_position_in_every_case_declines_its_head_and_keeps_its_dependents(position, forms):
    rendered = Template("{% load declension %}{{ position|in_sentence:case }}")
    assert tuple(rendered.render(Context({"position": position, "case": case})) for case in ORDER) == forms


def test_an_organisations_name_declines_before_its_quoted_name():
    assert tuple(phrase_in(SCHOOL, case) for case in ORDER) == SCHOOL_FORMS


def test_a_phrase_without_a_head_noun_stays_as_it_is():
    assert phrase_in("МБОУ СОШ № 1", "loct") == "МБОУ СОШ № 1"
    assert phrase_in("по учебно-воспитательной работе", "datv") == "по учебно-воспитательной работе"


def test_an_unknown_case_is_refused_in_russian():
    with pytest.raises(ValueError, match="Падеж «dat» не известен"):
        full_name_in("Юдина Оксана Сергеевна", "dat")


@pytest.mark.django_db
def test_the_filters_take_a_person_and_a_user():
    person = Person(last_name="Абрамова", first_name="Анастасия", patronymic="Викторовна")
    person.position = "Учитель английского языка"
    pupil = Person(last_name="Королёв", first_name="Пётр", patronymic="Семёнович", grade=9, class_letter="А")
    user = UserFactory(last_name="Юдина", first_name="Оксана", patronymic="Сергеевна")
    template = Template(
        "{% load declension %}{{ person|described:'datv' }} | {{ pupil|described:'accs' }} | "
        "{{ user|case:'datv' }} | {{ user|initials:'datv' }} | {{ user|signature }}"
    )

    rendered = template.render(Context({"person": person, "pupil": pupil, "user": user}))

    assert rendered == (
        "Абрамовой Анастасии Викторовне, учителю английского языка | "
        "Королёва Петра Семёновича (9 «А» класс) | Юдиной Оксане Сергеевне | Юдиной О. С. | О. С. Юдина"
    )


@pytest.mark.django_db
def test_a_user_is_described_with_the_position_of_its_person(school):
    user = UserFactory(last_name="Аксенова", first_name="Алёна", patronymic="Васильевна")
    Person.objects.create(
        school=school,
        kind=Person.Kind.TEACHER,
        last_name="Аксенова",
        first_name="Алёна",
        patronymic="Васильевна",
        position="Учитель английского языка",
        user=user,
    )

    rendered = Template("{% load declension %}{{ user|described:'accs' }}").render(Context({"user": user}))

    assert rendered == "Аксенову Алёну Васильевну, учителя английского языка"
