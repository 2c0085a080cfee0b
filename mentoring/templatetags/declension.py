"""Declension in templates (see mentoring/declension.py):
- `{{ person|case:"datv" }}` → «Юдиной Оксане Сергеевне», `{{ person|initials:"datv" }}` → «Юдиной О. С.»;
- `{{ person|described:"accs" }}` → «Аксенову Алёну Васильевну, учителя английского языка»;
- `{{ school.director_name|signature }}` → «О. С. Юдина»;
- `{{ person.position|in_sentence:"datv" }}` → «учителю английского языка»;
- `{{ school.full_name|phrase:"loct" }}` → «Муниципальном бюджетном общеобразовательном учреждении «…»»."""

from django import template

from mentoring import declension

register = template.Library()


@register.filter(name="case")
def case(who, grammatical_case: str) -> str:
    return declension.full_name_in(who, grammatical_case)


@register.filter
def initials(who, grammatical_case: str = "nomn") -> str:
    return declension.initials_in(who, grammatical_case)


@register.filter
def described(who, grammatical_case: str) -> str:
    return declension.described_in(who, grammatical_case)


@register.filter
def signature(who) -> str:
    return declension.signature_name(who)


@register.filter
def in_sentence(text: str, grammatical_case: str) -> str:
    return declension.in_sentence(text, grammatical_case)


@register.filter
def phrase(text: str, grammatical_case: str) -> str:
    return declension.phrase_in(text, grammatical_case)
