"""What the curator imports: the three lists, each with its resource, its page and its file name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import Organisation
from .resources import MenteeEntryResource, MentorEntryResource, PersonResource, SchoolResource

if TYPE_CHECKING:
    from .writing import BatchWriter


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    resource_class: type[SchoolResource]
    list_url_name: str
    basename: str

    def import_columns(self) -> list[str]:
        return self.resource_class.import_columns()

    def resource(
        self, school: Organisation | None = None, writer: BatchWriter | None = None
    ) -> SchoolResource:
        return self.resource_class(school=school, writer=writer)


TARGETS = {
    "people": Target("people", "Участники", PersonResource, "person_list", "people"),
    "mentees": Target("mentees", "База наставляемых", MenteeEntryResource, "mentee_list", "mentees"),
    "mentors": Target("mentors", "База наставников", MentorEntryResource, "mentor_list", "mentors"),
}


def get_target(target: str | Target) -> Target:
    return target if isinstance(target, Target) else TARGETS[target]
