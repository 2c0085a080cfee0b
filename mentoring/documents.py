"""The document machinery: what each kind of document needs, asking for documents, and rendering them.

Each app describes its documents in its own `documents.py` with `register(DocumentSpec(...))`; they are
loaded when Django starts (see MentoringConfig.ready). A request makes the rows and, for an order or a
certificate, its number in its register, in its own transaction, and enqueues the render on commit; the
worker only renders and stores.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError

from .forms import DateInput
from .models import (
    Document,
    DocumentCounter,
    Membership,
    Organisation,
    Person,
    Register,
    Role,
    User,
    document_upload_to,
    validate_document_kind,
)
from .pdf import pdf_from_html

logger = logging.getLogger(__name__)
Status = Document.Status
REQUESTERS = frozenset({Role.DIRECTOR, Role.CURATOR})
# Orders carry the director's signature: only the director issues them.
ORDER_REQUESTERS = frozenset({Role.DIRECTOR})
# The department's own documents (its analytic report): its coordinator asks for them.
DEPARTMENT_REQUESTERS = frozenset({Role.COORDINATOR})


class DocumentDataError(Exception):
    """The data a document is made from no longer allows it; the message is the Russian reason."""


@dataclass(frozen=True)
class Draft:
    """One document a request asks for: its title and the parameters it is rendered from."""

    title: str
    params: dict[str, Any] = field(default_factory=dict)
    pair: Any = None
    person: Person | None = None


class DocumentForm(forms.Form):
    """The parameters of a kind of document; `drafts()` turns the cleaned form into the documents to make."""

    date = forms.DateField(label="Дата документа", widget=DateInput())

    def __init__(self, *args, school: Organisation, user: User, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.school, self.user = school, user

    def drafts(self) -> list[Draft]:
        raise NotImplementedError


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    label: str
    form: type[DocumentForm]
    template: str
    # The template's context, read afresh from the database at render time from `document.params`.
    context: Callable[[Document], dict[str, Any]]
    # Changes the document makes in the asking request's transaction (an order that approves pairs).
    issue: Callable[[Document], None] | None = None
    description: str = ""
    # A document of the department (`document.school` is the department), not of a school.
    for_department: bool = False
    # The mentor of the document's pair downloads it (the pair's report).
    for_pair_mentor: bool = False
    # The director may publish it on the school's public page: it names no pupil (orders about the model,
    # the Положение and the programme, the roadmap). Nothing with a pair or a person is ever publishable.
    publishable: bool = False
    # The register that numbers it besides the orders, which are all numbered in the orders' register.
    numbered_in: str = ""
    # Signed on paper outside the product (a consent, an agreement): its page takes the date of the
    # signatures and the scan of the signed copy.
    signed_outside: bool = False

    @property
    def register(self) -> str:
        return Register.ORDERS if self.kind.startswith("order_") else self.numbered_in

    @property
    def requesters(self) -> frozenset[str]:
        if self.for_department:
            return DEPARTMENT_REQUESTERS
        return ORDER_REQUESTERS if self.kind.startswith("order_") else REQUESTERS


SPECS: dict[str, DocumentSpec] = {}


def register(spec: DocumentSpec) -> DocumentSpec:
    SPECS[spec.kind] = spec
    return spec


NOT_PUBLISHABLE = (
    "Этот документ нельзя опубликовать на странице школы: публикуются только приказы о внедрении модели "
    "наставничества, об утверждении Положения и программы, о «Школе наставников» и об итоговом мероприятии, "
    "а также дорожная карта — документы, в которых не названы обучающиеся."
)
NOT_READY = "Опубликовать можно только сформированный документ: дождитесь, пока он будет готов."


def publication_refusal(document: Document) -> str | None:
    """Why the document cannot be published, or None when it can."""
    spec = SPECS.get(document.kind)
    if spec is None or not spec.publishable or document.pair_id or document.person_id:
        return NOT_PUBLISHABLE
    if document.status != Status.READY or not document.file:
        return NOT_READY
    return None


def order_readers(school: Organisation, named: list[Person | User | None]) -> list[Person | User]:
    """The «С приказом ознакомлены:» list: everyone the order names, once each and in the order named, but
    the director who signs it. A user and the person record of its account are one reader."""
    directors = set(
        Membership.objects.filter(organisation=school, role=Role.DIRECTOR).values_list("user", flat=True)
    )
    readers, seen = [], set()
    for who in named:
        if who is None:
            continue
        person = who if isinstance(who, Person) else getattr(who, "person", None)
        user_id = who.user_id if isinstance(who, Person) else who.pk
        key = ("person", person.pk) if person else ("user", who.pk)
        if key in seen or (user_id and user_id in directors) or str(who) == school.director_name:
            continue
        seen.add(key)
        readers.append(who)
    return readers


@transaction.atomic
def document_publish(*, document: Document, by: User) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if refusal := publication_refusal(document):
        raise ValidationError(refusal)
    if document.published_at is None:
        document.published_at, document.published_by = timezone.now(), by
        document.save(update_fields=["published_at", "published_by"])
    return document


@transaction.atomic
def document_unpublish(*, document: Document) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.published_at is not None:
        document.published_at, document.published_by = None, None
        document.save(update_fields=["published_at", "published_by"])
    return document


@transaction.atomic
def next_number(school: Organisation, register: str, year: int) -> int:
    """The next number of the school's register in the year, under a row lock: two requests never get the
    same one."""
    counter, _ = DocumentCounter.objects.get_or_create(school=school, register=register, year=year)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def request_key(kind: str, date: datetime.date, draft: Draft) -> str:
    """The same document ordered twice has the same key: its kind, date, subject and parameters."""
    ordered = {
        "kind": kind,
        "date": date.isoformat(),
        "pair": getattr(draft.pair, "pk", None),
        "person": getattr(draft.person, "pk", None),
        "params": draft.params,
    }
    return hashlib.sha256(json.dumps(ordered, sort_keys=True, default=str).encode()).hexdigest()


@transaction.atomic
def documents_request(
    *, school: Organisation, kind: str, drafts: list[Draft], date: datetime.date, by: User
) -> list[Document]:
    """The documents asked for; one already ordered and still waiting for its render is given again, not
    made twice (the database refuses a second pending order with the same key)."""
    validate_document_kind(kind)
    spec = SPECS[kind]
    made, new = [], []
    for draft in drafts:
        document = Document(
            school=school,
            kind=kind,
            year=date.year,
            date=date,
            title=draft.title,
            params=draft.params,
            pair=draft.pair,
            person=draft.person,
            requested_by=by,
            request_key=request_key(kind, date, draft),
        )
        try:
            with transaction.atomic():  # the number taken for it goes back if the order is a second one
                if spec.register:
                    document.register = spec.register
                    document.sequence = next_number(school, spec.register, date.year)
                    document.number = (
                        school.order_number(document.sequence)
                        if spec.register == Register.ORDERS
                        else str(document.sequence)
                    )
                document.save()
        except IntegrityError:
            pending = Document.objects.filter(
                school=school, request_key=document.request_key, status__in=[Status.QUEUED, Status.RENDERING]
            ).first()
            if pending is None:
                raise
            made.append(pending)
            continue
        if spec.issue:
            spec.issue(document)
        made.append(document)
        new.append(document.pk)
    transaction.on_commit(lambda: documents_enqueue(new))
    return made


SIGNED_IS_FINAL = (
    "Документ уже подписан: его текст должен совпадать с подписанным экземпляром, поэтому заново он "
    "не формируется. Если условия изменились, сформируйте новый документ."
)
SCAN_REQUIRED = "Приложите скан подписанного документа: без скана отметить документ подписанным нельзя."


@transaction.atomic
def document_mark_signed(*, document: Document, signed_on: datetime.date, scan: File, by: User) -> Document:
    """«Подписано»: the date of the signatures and the scan of the signed paper copy, together or not at all.
    A later mark replaces the scan of an earlier one (a page was missing, a wrong file was sent)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    spec = SPECS.get(document.kind)
    if spec is None or not spec.signed_outside:
        raise ValidationError(
            "Этот документ не подписывается на бумаге: отметка о подписании для него не нужна."
        )
    if document.status != Status.READY:
        raise ValidationError("Отметить подписанным можно только сформированный документ: дождитесь его.")
    if not scan:
        raise ValidationError(SCAN_REQUIRED)
    if signed_on > timezone.localdate():
        raise ValidationError("Дата подписания не может быть в будущем.")
    if signed_on < document.date:
        raise ValidationError(f"Дата подписания раньше даты документа ({document.date:%d.%m.%Y}).")
    previous, storage = document.signed_scan.name, document.signed_scan.storage
    document.signed_scan.save(scan.name, scan, save=False)
    document.signed_on, document.signed_by = signed_on, by
    document.save(update_fields=["signed_on", "signed_scan", "signed_by"])
    if previous and previous != document.signed_scan.name:
        transaction.on_commit(lambda: storage.delete(previous))
    return document


@transaction.atomic
def document_regenerate(*, document: Document) -> Document:
    """A new version under the same number; the previous file is served until the new one is ready."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.is_signed:
        raise ValidationError(SIGNED_IS_FINAL)
    document.version += 1
    document.status, document.failure, document.enqueued_at = Status.QUEUED, "", None
    document.request_key = ""  # a new version of an ordered document, not a new order
    document.save(update_fields=["version", "status", "failure", "enqueued_at", "request_key"])
    transaction.on_commit(lambda: documents_enqueue([document.pk]))
    return document


def documents_enqueue(ids: list[int]) -> None:
    """Hand the renders to the worker. A broker that is down leaves them queued, unsent, to be sent again."""
    from .tasks import document_render_task

    for pk in ids:
        try:
            document_render_task.delay(pk)
        except OperationalError:
            logger.warning("Брокер задач недоступен: документ %s ждёт отправки на формирование.", pk)
            return
        Document.objects.filter(pk=pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())


def documents_enqueue_unsent(school: Organisation | None = None) -> int:
    """Send again what a broker outage left unsent."""
    unsent = Document.objects.filter(status=Status.QUEUED, enqueued_at__isnull=True)
    if school is not None:
        unsent = unsent.filter(school=school)
    ids = list(unsent.values_list("pk", flat=True))
    documents_enqueue(ids)
    return len(ids)


def document_html(document: Document) -> str:
    spec = SPECS[document.kind]
    context = {"document": document, "school": document.school, **spec.context(document)}
    return render_to_string(spec.template, context)


def document_fail(document_id: int, reason: str) -> None:
    Document.objects.filter(pk=document_id).exclude(status=Status.READY).update(
        status=Status.FAILED, failure=reason
    )


def document_render(*, document_id: int) -> None:
    """Render and store the document's current version; nothing to do when its file is already there."""
    with transaction.atomic():
        document = Document.objects.select_for_update().select_related("school").get(pk=document_id)
        if document.file_version == document.version:
            return
        document.status, document.started_at = Status.RENDERING, timezone.now()
        document.save(update_fields=["status", "started_at"])
    version = document.version
    try:
        pdf = pdf_from_html(document_html(document))
    except DocumentDataError as error:
        return document_fail(document_id, str(error))
    except (TemplateSyntaxError, TemplateDoesNotExist) as error:
        logger.exception("Шаблон документа %s не сработал", document_id)
        return document_fail(document_id, f"Ошибка в шаблоне документа: {error}. Сообщите администратору.")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.version != version or document.file_version == version:
            return  # a newer version was asked for meanwhile, or another render stored this one
        previous, storage = document.file.name, document.file.storage
        name = document_upload_to(document, "")
        if storage.exists(name):  # left by a worker lost between storing and committing
            storage.delete(name)
        document.file.save(name, ContentFile(pdf), save=False)
        document.file_version, document.status = version, Status.READY
        document.failure, document.rendered_at = "", timezone.now()
        document.file_removed = Document.FileRemoved.KEPT
        document.save(
            update_fields=["file", "file_version", "status", "failure", "rendered_at", "file_removed"]
        )
        if previous and previous != document.file.name:
            transaction.on_commit(lambda: storage.delete(previous))


# A browser takes a «/» or «\» of the name for a folder and drops what comes before it; Windows refuses
# the other characters. They are replaced, so that the whole title stays in the name.
UNSAFE_IN_FILE_NAMES = str.maketrans(
    {"/": "-", "\\": "-", ":": ".", "*": "-", "?": "", '"': "'", "<": "«", ">": "»", "|": "-"}
)


def download_name(document: Document) -> str:
    """The file name a document downloads under: its kind and number, or its title."""
    name = f"{document.kind_label} № {document.number}" if document.number else document.title
    return " ".join(name.translate(UNSAFE_IN_FILE_NAMES).split()) + ".pdf"
