from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from award.enums import Country, OrganisationType
from tests.factories import CategoryFactory, CriterionFactory, ProjectFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
HTML_BYTES = b"<!doctype html><html><script>alert(1)</script></html>"

COMPLETE = {
    "organisation_name": "City of Trnava",
    "organisation_type": OrganisationType.MUNICIPALITY,
    "country": Country.SLOVAKIA,
    "city_region": "Trnava",
    "title": "Smart benches",
    "summary": "Solar benches that count passers-by.",
    "problem": "No data on footfall.",
    "solution": "Benches with sensors.",
    "results": "30 % more visitors measured.",
    "innovation": "First in the region.",
    "citizen_involvement": "Residents chose the places.",
    "sustainability": "Runs on solar power; open hardware for other towns.",
    "budget_eur": Decimal("125000.50"),
    "funding_sources": "City budget, EU funds.",
    "start_date": date(2025, 1, 1),
    "end_date": date(2025, 12, 31),
    "consent_rules": True,
    "consent_privacy": True,
}


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, name="Smart City", slug="smart-city", description="Cities and towns.")


@pytest.fixture
def criterion(edition):
    return CriterionFactory(
        edition=edition,
        name="Impact on citizens",
        weight=Decimal("2"),
        level_descriptors="0–3: none\n4–7: some\n8–10: strong",
    )


@pytest.fixture
def confirmed_applicant(applicant):
    applicant.email_confirmed_at = timezone.now()
    applicant.save(update_fields=["email_confirmed_at"])
    return applicant


@pytest.fixture
def draft(edition, category, confirmed_applicant):
    return ProjectFactory(edition=edition, category=category, owner=confirmed_applicant, **COMPLETE)


@pytest.fixture
def other_draft(edition, category, other_applicant):
    return ProjectFactory(edition=edition, category=category, owner=other_applicant, title="Other team's secret")
