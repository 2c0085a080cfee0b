"""Russian declension of people's names (pytrovich, the Python port of petrovich) and of common noun phrases
such as positions and organisations' names (pymorphy3 with its Russian dictionaries).

Cases are named as pymorphy names them: nomn, gent, datv, accs, ablt, loct. Whatever the libraries cannot
decline with confidence stays in the nominative: a name of uncertain sex, an unknown word, a phrase without a
head noun. A nominative in the wrong place reads as a slip; a wrongly declined name is an insult.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

import pymorphy3
from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

CASES = {
    "nomn": Case.NOMINATIVE,
    "gent": Case.GENITIVE,
    "datv": Case.DATIVE,
    "accs": Case.ACCUSATIVE,
    "ablt": Case.INSTRUMENTAL,
    "loct": Case.PREPOSITIONAL,
}
ADJECTIVES = frozenset({"ADJF", "PRTF"})


class Named(Protocol):
    """A Person or a User: both keep the three parts of a full name."""

    last_name: str
    first_name: str
    patronymic: str


@dataclass(frozen=True)
class FullName:
    last_name: str
    first_name: str
    patronymic: str = ""

    @classmethod
    def of(cls, who: Named | str) -> FullName:
        """The parts of a person's or a user's name, or of a name written «Фамилия Имя Отчество»."""
        if isinstance(who, str):
            last, first, patronymic = ([*who.split(maxsplit=2), "", "", ""])[:3]
            return cls(last, first, patronymic)
        return cls(who.last_name.strip(), who.first_name.strip(), (who.patronymic or "").strip())


def check_case(case: str) -> Case:
    if case not in CASES:
        raise ValueError(f"Падеж «{case}» не известен: нужен один из {', '.join(CASES)}.")
    return CASES[case]


@cache
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def gender_of(name: FullName) -> Gender | None:
    """The sex the name shows: the patronymic's when it is definite; without one, the first name's and the
    surname's when both say the same. None when the name leaves it open (Саша Шевченко, Мари Дюпон)."""
    detect = _detector().detect
    if name.patronymic:
        gender = detect(middlename=name.patronymic)
        if gender != Gender.ANDROGYNOUS:
            return gender
    genders = {detect(firstname=name.first_name), detect(lastname=name.last_name)}
    if len(genders) == 1 and Gender.ANDROGYNOUS not in genders:
        return genders.pop()
    return None


def declined_name(name: FullName, case: str) -> FullName:
    grammatical = check_case(case)
    gender = gender_of(name)
    if grammatical == Case.NOMINATIVE or gender is None or not name.last_name:
        return name
    maker = _maker()

    def make(part: NamePart, value: str) -> str:
        return maker.make(part, gender, grammatical, value) if value else value

    return FullName(
        make(NamePart.LASTNAME, name.last_name),
        make(NamePart.FIRSTNAME, name.first_name),
        # A patronymic with «оглы», «кызы» keeps its particle and declines nothing.
        name.patronymic if " " in name.patronymic else make(NamePart.MIDDLENAME, name.patronymic),
    )


def initial(part: str) -> str:
    """«О.» for Оксана, «А.-М.» for Анна-Мария; a patronymic gives one letter (Чечен-оолович → «Ч.»)."""
    return "-".join(f"{piece[0].upper()}." for piece in part.split("-") if piece)


def full_name_in(who: Named | str, case: str = "nomn") -> str:
    """«Юдиной Оксане Сергеевне» for Юдина Оксана Сергеевна in the dative."""
    name = declined_name(FullName.of(who), case)
    return " ".join(part for part in (name.last_name, name.first_name, name.patronymic) if part)


def _initials(name: FullName) -> str:
    patronymic = f"{name.patronymic[0].upper()}." if name.patronymic else ""
    return " ".join(part for part in (initial(name.first_name), patronymic) if part)


def initials_in(who: Named | str, case: str = "nomn") -> str:
    """«Юдиной О. С.»: the surname in the case, the initials after it."""
    name = declined_name(FullName.of(who), case)
    return " ".join(part for part in (name.last_name, _initials(name)) if part)


def signature_name(who: Named | str) -> str:
    """«О. С. Юдина»: the initials before the surname, as under a signature (ГОСТ Р 7.0.97-2016)."""
    name = FullName.of(who)
    return " ".join(part for part in (_initials(name), name.last_name) if part)


def _nominative(word: str, parts_of_speech: frozenset[str]):
    for parse in _morph().parse(word.lower()):
        if parse.tag.POS in parts_of_speech and parse.tag.case == "nomn" and "Fixd" not in parse.tag:
            return parse
    return None


def _spelled_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[0].upper() + word[1:] if model[0].isupper() else word


def phrase_in(phrase: str, case: str) -> str:
    """A noun phrase in the case: its leading adjectives and its head noun declined, what follows the head
    kept («учитель английского языка» → «учителю английского языка», «Муниципальное бюджетное
    общеобразовательное учреждение «…»» → «Муниципальном бюджетном общеобразовательном учреждении «…»»).
    The phrase comes back as it is when its head noun is not found."""
    grammatical = check_case(case)
    words = phrase.split(" ")
    if grammatical == Case.NOMINATIVE or not phrase.strip():
        return phrase
    # An adjective is a word with an adjective reading followed by another nominative word; the first
    # word that is not one is the head, and must be a noun.
    leading, head = [], None
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        adjective = _nominative(word, ADJECTIVES)
        if adjective and following and _nominative(following, ADJECTIVES | {"NOUN"}):
            leading.append(adjective)
            continue
        head = _nominative(word, frozenset({"NOUN"}))
        break
    if head is None:
        return phrase
    # An adjective's accusative follows the head's animacy only in the masculine singular and the plural.
    agreeing = {case}
    if case == "accs" and (head.tag.gender == "masc" or head.tag.number == "plur"):
        agreeing.add(head.tag.animacy)
    forms = [*(parse.inflect(agreeing) for parse in leading), head.inflect({case})]
    if any(form is None for form in forms):
        return phrase
    declined = [_spelled_like(form.word, word) for form, word in zip(forms, words, strict=False)]
    return " ".join([*declined, *words[len(declined) :]])


def lower_first(phrase: str) -> str:
    """A position or a kind of organisation inside a sentence: «Учитель …» → «учитель …», but «МБОУ …»
    and «ИЗО» keep their capitals."""
    first = phrase.split(" ", 1)[0]
    if not first or (first.isupper() and len(first) > 1):
        return phrase
    return phrase[0].lower() + phrase[1:]


def in_sentence(phrase: str, case: str) -> str:
    """A position or a document's name inside a sentence: «Учитель английского языка» → «учителю
    английского языка», «Дорожная карта реализации …» → «дорожную карту реализации …»."""
    return lower_first(phrase_in(phrase, case))


def described_in(who: Named, case: str) -> str:
    """The name in the case with what the person does: «Аксенову Алёну Васильевну, учителя английского
    языка», «Петрову Анну Ивановну (9 «А» класс)». A user is described by the person record of its account."""
    person = getattr(who, "person", who)
    name = full_name_in(who, case)
    if position := getattr(person, "position", ""):
        return f"{name}, {in_sentence(position, case)}"
    if school_class := getattr(person, "school_class", ""):
        return f"{name} ({school_class} класс)"
    return name


def plural_ru(number: int, one: str, few: str, many: str) -> str:
    """The form of a noun that agrees with a number: 1 ошибка, 3 ошибки, 5 ошибок, 11 ошибок, 21 ошибка."""
    last_two = abs(number) % 100
    if last_two % 10 == 1 and last_two != 11:
        return one
    if 2 <= last_two % 10 <= 4 and not 12 <= last_two <= 14:
        return few
    return many


def days_in_words(days: int) -> str:
    """«1 день», «3 дня», «7 дней»."""
    return f"{days} {plural_ru(days, 'день', 'дня', 'дней')}"
