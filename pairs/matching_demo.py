"""The demo's matching proposal: the curator of the demo's school ran the matching of its pupils' programme
with what the page ticks by default (the pupils who wait, of the classes its role models take) and, on
purpose, the pupils of those classes already in a pair of another programme. There are fewer places than
pupils: the proposal pairs every pupil who waits first, marks the one paired elsewhere it still proposes,
and says of the others that the places went to those who wait."""

from __future__ import annotations

from mentoring.demo import BuiltDepartment, Counts, DemoPart, register
from programs.models import Programme

from . import matching, proposals, rules
from .matching_forms import mentee_entries, mentor_entries

PUPIL_MENTORS = "pupil_pupil"


def build_matching_proposal(built: BuiltDepartment, seed: int) -> Counts:
    school = built.showcase
    if school is None or school.curator_user is None:
        return {}
    programme = (
        Programme.objects.filter(school=school.school, form__code=PUPIL_MENTORS)
        .active()
        .select_related("form")
        .first()
    )
    if programme is None:
        return {}
    mentors = rules.mentor_candidates(mentor_entries(programme)).values()
    mentees = rules.mentee_candidates(mentee_entries(programme), programme).values()
    grades = rules.programme_grades(programme)
    aside = rules.mentee_aside(grades)
    ticked = [mentee.entry_id for mentee in mentees if not aside(mentee)]
    on_purpose = [
        mentee.entry_id
        for mentee in mentees
        if mentee.paired_elsewhere and not (mentee.busy or mentee.left) and grades.take(mentee)
    ]
    proposal = proposals.proposal_create(
        programme=programme,
        mentor_ids=[mentor.entry_id for mentor in mentors if not rules.mentor_aside(mentor)],
        mentee_ids=ticked + on_purpose,
        weights=matching.Weights(),
        by=school.curator_user,
    )
    return {"предложений пар": 1, "пар в предложении": proposal.pairs.count()}


register(DemoPart("matching_proposal", build_matching_proposal, after=("pairs",)))
