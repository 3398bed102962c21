"""Issue 17, item 6: workbook names, natural juror order, country names."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from award.enums import Role
from reports.excel import natural_key, workbook_juror_progress, workbook_score_matrix
from scoring.enums import AssignmentStatus
from tests.factories import AssignmentFactory, EditionRoleFactory, RoundFactory, ScoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def _load(writer, **kwargs):
    buffer = io.BytesIO()
    writer(buffer, **kwargs)
    buffer.seek(0)
    return load_workbook(buffer)


def test_ranking_workbooks_of_two_rounds_download_under_distinct_names(
    client_for, edition, open_round, scored, organiser
):
    RoundFactory(edition=edition, number=2, name="Final round")
    client = client_for(organiser)
    names = []
    for number in (1, 2):
        response = client.get(reverse("reports:excel", args=[edition.slug, "ranking"]) + f"?round={number}")
        assert response.status_code == 200
        names.append(response["Content-Disposition"])
        assert f"round-{number}" in names[-1]
    assert names[0] != names[1]
    # The project's country is a name, not a code.
    response = client.get(reverse("reports:excel", args=[edition.slug, "ranking"]) + "?round=1")
    ranking = load_workbook(io.BytesIO(response.content))
    countries = {row[1]: row[4] for row in ranking["Smart City"].iter_rows(min_row=2, values_only=True)}
    assert countries == {"V4A-2026-0001": "Slovakia", "V4A-2026-0002": "Poland"}
    blind = client.get(reverse("reports:excel", args=[edition.slug, "score_matrix_blind"]))
    matrix = client.get(reverse("reports:excel", args=[edition.slug, "score_matrix"]))
    assert blind["Content-Disposition"] != matrix["Content-Disposition"]


def test_names_hidden_matrix_lists_jurors_in_natural_order(edition, open_round, scored):
    # Eleven more jurors, each with one finalised review: "Juror 1" … "Juror 13".
    project = scored["projects"][0]
    criterion = scored["criteria"][0]
    for number in range(11):
        person = UserFactory(country="HU")
        EditionRoleFactory(edition=edition, user=person, role=Role.JUROR)
        assignment = AssignmentFactory(
            round=open_round,
            project=project,
            juror=person,
            status=AssignmentStatus.COMPLETED,
            finalised_at=timezone.now(),
        )
        ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(number % 10))
    wb = _load(workbook_score_matrix, edition=edition, anonymise=True)
    header = next(wb["Totals by juror"].iter_rows(values_only=True))
    jurors = [label for label in header if label and label.startswith("Juror ")]
    assert jurors == [f"Juror {n}" for n in range(1, 14)]
    progress = _load(workbook_juror_progress, edition=edition)
    rows = list(progress.active.iter_rows(values_only=True))
    column = rows[0].index("Country")
    assert {row[column] for row in rows[1:]} == {"Slovakia", "Hungary"}


def test_natural_key_orders_numbers_as_numbers():
    assert sorted(["Juror 10", "Juror 2", "juror 1", "Juror 11"], key=natural_key) == [
        "juror 1",
        "Juror 2",
        "Juror 10",
        "Juror 11",
    ]
