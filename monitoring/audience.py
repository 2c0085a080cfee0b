"""Whom a questionnaire is for (`Questionnaire.audience`): who may be invited to it, and whose answers to it
stage 2 counts. A parent answers about a pupil, so a pupils' questionnaire takes a parent's answers too."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

from mentoring.models import Person, Role

from .models import Invitation, Questionnaire

Audience, Respondent = Questionnaire.Audience, Invitation.Respondent


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[str] = frozenset()  # the kinds of person asked about; empty: any
    respondents: frozenset[str] = frozenset(Respondent.values)
    not_role: str = ""

    def fits(self, *, kind: str, role: str, respondent: str) -> bool:
        return (
            (not self.kinds or kind in self.kinds)
            and respondent in self.respondents
            and not (self.not_role and role == self.not_role)
        )

    def invitations(self, prefix: str = "") -> Q:
        found = Q(**{f"{prefix}respondent__in": self.respondents})
        if self.kinds:
            found &= Q(**{f"{prefix}person__kind__in": self.kinds})
        if self.not_role:
            found &= ~Q(**{f"{prefix}role": self.not_role})
        return found


PUPILS = frozenset({Person.Kind.PUPIL})
RULES = {
    Audience.EVERYONE: Rule(),
    Audience.PUPIL: Rule(kinds=PUPILS),
    Audience.PARENT: Rule(kinds=PUPILS, respondents=frozenset({Respondent.PARENT})),
    Audience.TEACHER: Rule(kinds=frozenset({Person.Kind.TEACHER}), respondents=frozenset({Respondent.SELF})),
    Audience.MENTOR: Rule(respondents=frozenset({Respondent.SELF}), not_role=Role.MENTEE),
}
FOR_WHOM = {
    Audience.EVERYONE: "для всех участников",
    Audience.PUPIL: "для обучающихся",
    Audience.TEACHER: "для педагогов",
    Audience.PARENT: "для родителей (законных представителей) обучающихся",
    Audience.MENTOR: "для наставников",
}


def fits(audience: str, *, kind: str, role: str = "", respondent: str = Respondent.SELF) -> bool:
    return RULES[audience].fits(kind=kind, role=role, respondent=respondent)


def may_answer(audience: str, *, kind: str, role: str = "") -> bool:
    """Whether the person, or a parent for a pupil, may answer the questionnaire."""
    respondents = Respondent.values if kind == Person.Kind.PUPIL else [Respondent.SELF]
    return any(fits(audience, kind=kind, role=role, respondent=who) for who in respondents)


def fitting_answers() -> Q:
    """Answers given by those their questionnaire is for: one given from outside (before the questionnaire
    said whom it is for) is not counted."""
    return reduce(
        or_,
        (
            Q(question__questionnaire__audience=audience) & rule.invitations("response__invitation__")
            for audience, rule in RULES.items()
        ),
    )
