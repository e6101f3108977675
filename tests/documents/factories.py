import hashlib

import factory

from appui.documents.models import Document
from tests.accounts.factories import UserFactory
from tests.people.factories import PersonFactory

# The smallest file the vault accepts as a PDF (magic bytes): enough for metadata-only tests.
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored document, written as the upload service would (same structure as its person)."""

    class Meta:
        model = Document

    person = factory.SubFactory(PersonFactory)
    structure = factory.SelfAttribute("person.structure")
    kind = "piece_identite"
    content = MINIMAL_PDF
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    uploaded_by = factory.SubFactory(UserFactory)
