import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from mentoring.access_log import access_record
from mentoring.models import AccessRecord, DataAccess

from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record() -> AccessRecord:
    person = PersonFactory()
    return access_record(user=UserFactory(), school=person.school, action=DataAccess.CARD, person=person)


def test_an_access_record_keeps_who_whose_what_and_when(record):
    stored = AccessRecord.objects.get()
    assert (stored.user, stored.person, stored.action) == (record.user, record.person, DataAccess.CARD)
    assert stored.at is not None


def test_an_access_record_cannot_be_saved_again(record):
    record.what = "другое"
    with pytest.raises(ValidationError, match="не изменяются"):
        record.save()


def test_the_access_log_refuses_a_bulk_update(record):
    with pytest.raises(ValidationError, match="не изменяются"):
        AccessRecord.objects.update(what="другое")


def test_the_database_refuses_to_edit_an_access_record_whatever_the_code_does(record):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE mentoring_accessrecord SET what = 'другое'")
    assert AccessRecord.objects.get().what == ""


def test_a_person_with_access_records_is_not_deleted_alone(record):
    with pytest.raises(IntegrityError):
        record.person.delete()
