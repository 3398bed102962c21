"""A small world for the API tests: one edition with a rubric and an open round, two teams'
applications, jurors (one conflicted), the edition's organiser and another edition's organiser."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from award.enums import Role
from scoring.models import Assignment
from submissions.enums import ProjectStatus
from submissions.models import Project
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    ConflictFactory,
    CriterionFactory,
    EditionFactory,
    EditionRoleFactory,
    ProjectFactory,
    UserFactory,
)

COMPLETE = {
    "city_region": "Brno",
    "summary": "Sensors on every bus stop.",
    "problem": "Nobody knows when the bus comes.",
    "solution": "Live arrival boards.",
    "results": "Waiting time down by a third.",
    "innovation": "Open data first.",
    "citizen_involvement": "Workshops in every district.",
    "sustainability": "Runs on the city's budget.",
    "budget_eur": Decimal("120000"),
    "funding_sources": "City budget",
    "start_date": date(2024, 1, 1),
    "end_date": date(2025, 6, 30),
    "consent_rules": True,
    "consent_privacy": True,
}


@dataclass
class World:
    edition: object
    category: object
    criteria: list
    round: object
    project: Project  # the applicant's, assigned to the juror and the conflicted juror
    other_project: Project  # the other applicant's, assigned to the other juror
    assignment: Assignment  # juror × project
    other_assignment: Assignment  # other juror × other project
    conflicted_assignment: Assignment  # conflicted juror × project, with a ConflictOfInterest row
    chair: object  # the jury chair: a juror of the edition on the category's panel, with no assignment
    other_edition: object
    other_category: object
    personas: dict


@pytest.fixture
def world(edition, open_round, applicant, other_applicant, juror, other_juror, organiser) -> World:
    now = timezone.now()
    category = CategoryFactory(edition=edition, name="Smart City")
    criteria = [
        CriterionFactory(edition=edition, name="Innovation", position=0, weight=Decimal("2")),
        CriterionFactory(edition=edition, name="Impact", position=1),
    ]
    conflicted = UserFactory(email="conflicted.juror@jury.example.net", organisation="Conflicted Ltd")
    EditionRoleFactory(edition=edition, user=conflicted, role=Role.JUROR)
    chair = UserFactory(email="chair@jury.example.net", first_name="Clara", last_name="Chair")
    EditionRoleFactory(edition=edition, user=chair, role=Role.JUROR, is_chair=True).panels.add(category)
    other_edition = EditionFactory(name="Elsewhere 2026")
    other_category = CategoryFactory(edition=other_edition, name="Elsewhere category")
    stranger = UserFactory(email="stranger.organiser@example.org")
    EditionRoleFactory(edition=other_edition, user=stranger, role=Role.ORGANISER)
    for user in (applicant, other_applicant, juror, other_juror, organiser, conflicted, stranger, chair):
        user.email_confirmed_at = now
        user.save(update_fields=["email_confirmed_at"])
    project = ProjectFactory(
        edition=edition,
        category=category,
        owner=applicant,
        title="Bus stops",
        organisation_name="City of Brno",
        website="https://brno.example.cz",
        partners="Transit company",
        **COMPLETE,
    )
    project.team.create(name="Tomas Team", role="lead", email="tomas@brno.example.cz")
    other_project = ProjectFactory(
        edition=edition,
        category=category,
        owner=other_applicant,
        title="Other lights",
        status=ProjectStatus.SUBMITTED,
        reference="V4A-2026-0099",
        submitted_at=now,
        **COMPLETE,
    )
    assignment = AssignmentFactory(round=open_round, project=project, juror=juror)
    other_assignment = AssignmentFactory(round=open_round, project=other_project, juror=other_juror)
    conflicted_assignment = AssignmentFactory(round=open_round, project=project, juror=conflicted)
    ConflictFactory(project=project, juror=conflicted)
    return World(
        edition=edition,
        category=category,
        criteria=criteria,
        round=open_round,
        project=project,
        other_project=other_project,
        assignment=assignment,
        other_assignment=other_assignment,
        conflicted_assignment=conflicted_assignment,
        chair=chair,
        other_edition=other_edition,
        other_category=other_category,
        personas={
            "anonymous": None,
            "applicant": applicant,
            "other_applicant": other_applicant,
            "juror": juror,
            "other_juror": other_juror,
            "conflicted_juror": conflicted,
            "chair": chair,
            "other_organiser": stranger,
            "organiser": organiser,
        },
    )


@pytest.fixture
def api(client):
    """api(user) -> a DRF-style JSON client logged in as `user` (None: anonymous)."""

    class Api:
        def __init__(self, user, language: str = "en"):
            self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
            client.logout()
            if user is not None:
                client.force_login(user)

        def get(self, url, **params):
            return client.get(url, params, **self.headers)

        def _send(self, method, url, body):
            return getattr(client, method)(
                url, body if body is not None else {}, content_type="application/json", **self.headers
            )

        def post(self, url, body=None):
            return self._send("post", url, body)

        def put(self, url, body=None):
            return self._send("put", url, body)

        def patch(self, url, body=None):
            return self._send("patch", url, body)

        def delete(self, url, body=None):
            return client.delete(url, **self.headers)

        def upload(self, url, body=None):
            """A multipart request, as a script sending a file does."""
            return client.post(url, body or {}, **self.headers)

    return Api
