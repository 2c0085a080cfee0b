"""The access log of personal data (152-ФЗ, ст. 18.1–19): every card viewed, list exported, scan or document
downloaded, subject's request answered and person depersonalised is written here, once."""

from __future__ import annotations

from .models import AccessRecord, DataAccess, Organisation, Person, User


def access_record(
    *,
    user: User,
    school: Organisation,
    action: DataAccess,
    person: Person | None = None,
    what: str = "",
    rows: int | None = None,
) -> AccessRecord:
    return AccessRecord.objects.create(
        user=user, school=school, action=action, person=person, what=what[:500], rows=rows
    )
