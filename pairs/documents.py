"""Documents of pairs: the order appointing mentors and approving the pairs and groups."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from mentoring.documents import DocumentDataError, DocumentForm, DocumentSpec, Draft, register
from mentoring.models import Document
from programs.models import Programme

from .models import Pair
from .services import pair_change_status

Status = Pair.Status
PAIRS_ORDER_TITLE = "О назначении наставников и закреплении наставнических пар (групп)"


def pairs_with_people(ids: list[int]):
    return (
        Pair.objects.filter(pk__in=ids)
        .select_related("mentor__person", "role_model", "programme__form")
        .prefetch_related("members__mentee__person")
        .order_by("mentor__person__last_name", "mentor__person__first_name", "pk")
    )


class PairsOrderForm(DocumentForm):
    programme = forms.ModelChoiceField(label="Программа наставничества", queryset=Programme.objects.none())
    pairs = forms.ModelMultipleChoiceField(
        label="Пары и группы",
        queryset=Pair.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Пусто — все предложенные пары программы.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        proposed = Q(pairs__status=Status.PROPOSED)
        self.fields["programme"].queryset = (
            Programme.objects.for_school(self.school)
            .annotate(proposed=Count("pairs", filter=proposed))
            .order_by("-starts_on", "title")
        )
        self.fields["pairs"].queryset = Pair.objects.for_school(self.school).filter(status=Status.PROPOSED)
        self.fields["pairs"].label_from_instance = lambda pair: str(pair)

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        if programme is None:
            return cleaned
        proposed = Pair.objects.filter(programme=programme, status=Status.PROPOSED)
        chosen = cleaned.get("pairs") or proposed
        if not chosen:
            raise ValidationError(
                "В программе нет пар, ожидающих утверждения: все её пары уже утверждены или ещё не подобраны."
            )
        if any(pair.programme_id != programme.pk for pair in chosen):
            raise ValidationError("Выбраны пары другой программы.")
        cleaned["chosen"] = list(chosen)
        return cleaned

    def drafts(self) -> list[Draft]:
        programme = self.cleaned_data["programme"]
        pairs = [pair.pk for pair in self.cleaned_data["chosen"]]
        return [Draft(PAIRS_ORDER_TITLE, {"programme": programme.pk, "pairs": pairs})]


def approve_listed_pairs(document: Document) -> None:
    """Issuing the order approves its pairs, in the same transaction as its number."""
    pairs = list(Pair.objects.select_for_update().filter(pk__in=document.params["pairs"]).order_by("pk"))
    moved = [pair for pair in pairs if pair.status != Status.PROPOSED]
    if moved or len(pairs) != len(document.params["pairs"]):
        names = "; ".join(str(pair) for pair in moved) or "часть пар удалена"
        raise ValidationError(f"Приказ не издан: пары уже не ожидают утверждения ({names}). Обновите список.")
    note = f"Приказ от {document.date:%d.%m.%Y} № {document.number}"
    for pair in pairs:
        pair_change_status(pair=pair, to=Status.APPROVED, by=document.requested_by, note=note)


def pairs_order_context(document: Document) -> dict:
    programme = (
        Programme.objects.select_related("form", "curator").filter(pk=document.params["programme"]).first()
    )
    pairs = list(pairs_with_people(document.params["pairs"]))
    if programme is None or not pairs:
        raise DocumentDataError("Программа или пары приказа удалены: сформировать приказ нельзя.")
    return {
        "programme": programme,
        "pairs": pairs,
        "mentors": sorted({p.mentor.person.full_name for p in pairs}),
    }


register(
    DocumentSpec(
        kind=Document.Kind.ORDER_PAIRS,
        form=PairsOrderForm,
        template="documents/pdf/order_pairs.html",
        context=pairs_order_context,
        issue=approve_listed_pairs,
        description="Назначает наставников и утверждает предложенные пары и группы программы; "
        "издание приказа переводит пары в статус «Утверждена». Приложение — список пар.",
    )
)
