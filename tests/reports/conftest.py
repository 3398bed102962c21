import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Result
from submissions.enums import ProjectStatus
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    ProjectFactory,
    ScoreFactory,
    UserFactory,
)

INJECTION = '=HYPERLINK("http://x","y")'


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def scored(edition, open_round, juror, other_juror):
    """Two eligible projects in one category, scored on two criteria by two jurors."""
    edition.ceremony_at = timezone.now() + timedelta(days=10)
    edition.ceremony_place = "Bratislava"
    edition.signatories = [
        {"name": "Ľubomír Šťastný", "title": "Predseda poroty"},
        {"name": "Zsófia Győri", "title": "Chair"},
    ]
    edition.save()
    category = CategoryFactory(edition=edition, name="Smart City", position=0)
    c1 = CriterionFactory(edition=edition, name="Innovation", weight=Decimal("2"), position=0)
    c2 = CriterionFactory(edition=edition, name="Impact", weight=Decimal("1"), position=1)
    owner = UserFactory(email="team@example.org", language="sk")
    p1 = ProjectFactory(
        edition=edition,
        category=category,
        owner=owner,
        reference="V4A-2026-0001",
        status=ProjectStatus.ELIGIBLE,
        title=INJECTION,
        organisation_name="Mesto Žilina",
        country="SK",
    )
    p2 = ProjectFactory(
        edition=edition,
        category=category,
        reference="V4A-2026-0002",
        status=ProjectStatus.ELIGIBLE,
        title="Łódź smart lights ő ű",
        organisation_name="@Gdańsk Region",
        country="PL",
    )
    values = {(p1, juror): (8, 6), (p1, other_juror): (6, 4), (p2, juror): (5, 5), (p2, other_juror): (9, 7)}
    for (project, person), (v1, v2) in values.items():
        a = AssignmentFactory(
            round=open_round,
            project=project,
            juror=person,
            status=AssignmentStatus.COMPLETED,
            finalised_at=timezone.now(),
        )
        ScoreFactory(assignment=a, criterion=c1, value=Decimal(v1), comment="-1 point: weak" if v1 == 8 else "")
        ScoreFactory(assignment=a, criterion=c2, value=Decimal(v2))
    Result.objects.create(edition=edition, category=category, round=open_round, project=p2, kind=ResultKind.WINNER)
    Result.objects.create(edition=edition, category=category, round=open_round, project=p2, kind=ResultKind.FINALIST)
    Result.objects.create(edition=edition, category=category, round=open_round, project=p1, kind=ResultKind.FINALIST)
    Result.objects.create(
        edition=edition,
        category=category,
        round=open_round,
        project=p1,
        kind=ResultKind.SPECIAL,
        title="Cena verejnosti",
    )
    return {"category": category, "criteria": [c1, c2], "projects": [p1, p2], "owner": owner}
