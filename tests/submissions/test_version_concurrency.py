"""Concurrent saves of one application based on the same version, on the real database
(PostgreSQL, or a file SQLite database): exactly one wins, the others are refused as stale."""

import pytest
from django.utils import timezone

from submissions.models import Project
from submissions.services import StaleApplicationError, project_update
from tests.factories import ProjectFactory
from tests.scoring.test_jury_concurrency import THREADS, run_in_threads, threaded_db  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_application_saves_of_one_version_one_wins(threaded_db, edition, applicant):  # noqa: F811
    applicant.email_confirmed_at = timezone.now()
    applicant.save(update_fields=["email_confirmed_at"])
    project = ProjectFactory(edition=edition, owner=applicant, problem="Original.")

    def save(i):
        mine = Project.objects.select_related("edition", "owner").get(pk=project.pk)
        return project_update(actor=applicant, project=mine, changes={"problem": f"thread {i}"}, expected_version=0)

    results = run_in_threads(save)
    wins = [r for r in results if isinstance(r, Project)]
    refused = [r for r in results if isinstance(r, StaleApplicationError)]
    assert len(wins) == 1 and len(refused) == THREADS - 1, results
    assert all(r.changed == ["problem"] for r in refused)
    project.refresh_from_db()
    assert project.version == 1 and project.problem == f"thread {results.index(wins[0])}"
