"""What monitoring does when the core announces a change (mentoring.signals); connected in its ready()."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mentoring.models import Person

from .models import Answer, Response


def scrub_open_answers(sender: type, *, person: Person, **kw: Any) -> list[str]:
    """The person's open answers and unsent drafts go; the numbers and chosen options stay in the stage 1
    and stage 2 figures, linked to the depersonalised person."""
    answers = Answer.objects.filter(response__invitation__person=person)
    if (
        not answers.exclude(text="").exists()
        and not Response.objects.filter(invitation__person=person).exists()
    ):
        return []
    answers.exclude(text="").update(text="")
    Response.objects.filter(invitation__person=person).update(draft={})
    return ["открытые (текстовые) ответы на анкеты"]


def answer_text(answer: Answer) -> str:
    if answer.text:
        return answer.text
    if answer.number is not None:
        return f"{answer.number.normalize():f}".replace(".", ",")
    return ", ".join(map(str, answer.chosen))


def answers_of_person(sender: type, *, person: Person, **kw: Any) -> list[tuple[str, list[dict]]]:
    answers = (
        Answer.objects.filter(response__invitation__person=person, response__submitted_at__isnull=False)
        .select_related("question", "response__invitation__survey")
        .order_by("response__submitted_at", "question__order", "pk")
    )
    rows = [
        {
            "Анкетирование": answer.response.invitation.survey.title,
            "Дата": timezone.localtime(answer.response.submitted_at).date(),
            "Вопрос": answer.question.text,
            "Ответ": answer_text(answer),
        }
        for answer in answers
    ]
    return [("Ответы на анкеты", rows)]
