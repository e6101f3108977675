"""The audit journal does not serialise requests (PostgreSQL: SQLite serialises every write by design).

The attack on the former design: every audited request locked the single chain-head row until its response was
rendered, so one slow request of one structure stalled the person reads of every structure.
"""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.audit.services import audit_verify
from appui.people.access import access_person
from tests.accounts.factories import StructureFactory
from tests.conftest import logged_in_client
from tests.people.factories import PersonFactory

from .support import requires_postgres

# Not a timing: a request blocked on a lock waits for as long as the lock is held, here until released.
WAIT = 30


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_completes_while_another_structures_request_holds_its_transaction_open(member_of):
    first, second = StructureFactory(name="CCAS A"), StructureFactory(name="Association B")
    first_member, second_member = member_of(first), member_of(second)
    first_person, second_person = PersonFactory(structure=first), PersonFactory(structure=second)
    second_client = logged_in_client(second_member)
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    statuses: list[int] = []

    def first_request() -> None:
        """A request of the first structure that read a person, then takes its time before committing."""
        try:
            with transaction.atomic():
                access_person(membership=first_member, pk=first_person.pk)  # journaled, as the page does
                holding.set()
                release.wait(WAIT)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            holding.set()
            connection.close()

    def second_request() -> None:
        try:
            statuses.append(second_client.get(reverse("web:person_detail", args=[second_person.pk])).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    slow = threading.Thread(target=first_request)
    slow.start()
    assert holding.wait(WAIT)
    fast = threading.Thread(target=second_request)
    fast.start()
    fast.join(WAIT)
    completed_while_the_other_was_open = not fast.is_alive()
    release.set()
    slow.join(WAIT)
    fast.join(WAIT)

    assert not errors, errors
    assert completed_while_the_other_was_open, "la seconde requête a attendu la fin de la première"
    assert statuses == [200]
    # Both reads are in the chain, in commit order: the second request committed first.
    reads = {e.person_id: e.seq for e in AuditEvent.objects.filter(action=AuditAction.PERSON_VIEW, seq__isnull=False)}
    assert reads[second_person.pk] < reads[first_person.pk]
    report = audit_verify()
    assert report.intact and report.events == 2
