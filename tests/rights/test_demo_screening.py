"""The structure screening of the demo gives a credible picture: the real demo loader, the real engine (slow)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from appui.accounts.enums import Role
from appui.accounts.models import Membership, Structure
from appui.demo.generator import load_demo
from appui.people.models import Person
from appui.rights import services
from appui.rights.enums import CaseloadSource, CaseloadStatus
from appui.rights.models import Screening


@pytest.mark.django_db
@override_settings(DEBUG=True)  # the demo loads in development only
def test_the_demo_structure_screening_assesses_who_was_screened_and_lists_the_others_apart(engine, client_for):
    counts = load_demo(persons_per_structure=30, accompaniments_per_structure=10)
    assert counts["screenings"] == 10  # one person in six, in each structure
    structure = Structure.objects.order_by("pk").first()
    worker = Membership.objects.get(structure=structure, role=Role.TRAVAILLEUR_SOCIAL)
    job = services.caseload_screening_create(membership=worker, source=CaseloadSource.STRUCTURE, start=False)
    job = services.caseload_screening_run(job_id=job.pk)
    assert job.status == CaseloadStatus.DONE
    assert job.total == Person.objects.filter(structure=structure, is_anonymous=False).count() == 30
    screened = Screening.objects.filter(structure=structure).values("person").distinct().count()
    # Nobody is flagged on resources the structure does not know: those households are listed apart, and why.
    assert job.to_complete == job.total - screened and job.to_complete_reasons == {"resources": job.to_complete}
    assert 0 < job.with_rights <= screened < job.total
    assert job.unclaimed_monthly_total < 2000 * job.with_rights
    page = client_for(worker).get(reverse("web:rights_caseload_detail", args=[job.pk])).content.decode()
    assert f"{job.to_complete} foyers n'ont pas pu être évalués (informations à compléter)" in page
    assert f"Il manque les ressources pour {job.to_complete} foyers" in page
