"""What pairs does when the core announces a change (mentoring.signals); connected in PairsConfig.ready."""

from __future__ import annotations

from typing import Any

from mentoring.models import Consent, MenteeEntry, MentorEntry, User

from .models import Pair
from .services import pairs_leave_on_revocation


def leave_pairs_on_revocation(sender: type, *, consent: Consent, by: User | None, **kw: Any) -> list[Pair]:
    return pairs_leave_on_revocation(person=consent.person, by=by)


def keep_paired_entry(sender: type, *, entry: MentorEntry | MenteeEntry, **kw: Any) -> str | None:
    """A participant of a pair at work stays in the bases until its pair is completed or terminated."""
    field = "mentor" if isinstance(entry, MentorEntry) else "members__mentee"
    if Pair.objects.current().filter(**{field: entry}).exists():
        return (
            f"{entry.person.full_name} состоит в наставнической паре или группе: сначала завершите "
            "или прекратите её работу, затем переносите запись в архив."
        )
    return None
