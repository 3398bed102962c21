"""One presenter for the ranking: the page, the API and the workbook show the same rows; a
finalist's removal is kept as data (FinalistRemoval), not read back from the audit log."""

import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from award.models import AuditEntry
from award.services import audit_log
from reports.excel import workbook_ranking
from scoring.models import FinalistRemoval
from scoring.ranking.engine import ranking_for
from scoring.ranking.presenter import ranking_rows, row_as_json
from scoring.results.services import finalists_select
from tests.scoring.test_results import setup  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

_migration = importlib.import_module("scoring.migrations.0004_finalist_removal")


def _ranking_url(edition, rnd, category):
    return reverse("results:ranking", kwargs={"edition": edition.slug, "round": rnd.number, "category": category.slug})


def _remove_second(client, edition, category, project, reason):
    return client.post(
        reverse("results:override", kwargs={"edition": edition.slug, "round": 1, "category": category.slug}),
        {"project": project.pk, "add": "0", "reason": reason},
        follow=True,
    )


def test_ranking_presenter_gives_page_api_and_workbook_the_same_rows(
    setup,  # noqa: F811
    edition,
    open_round,
    organiser,
    client_for,
):
    category = setup["category"]
    finalists_select(category=category, round=open_round, actor=organiser)
    client = client_for(organiser)
    _remove_second(client, edition, category, setup["projects"][1], "Found ineligible funding.")

    page = client.get(_ranking_url(edition, open_round, category))
    presented = [item["row"] for item in page.context["rows"]]
    page_rows = [
        (r.reference, r.rank, r.official_score, r.reviews_label, r.result_label, r.override_reason) for r in presented
    ]
    page_model = [
        (
            r.calibrated_score,
            r.score_se,
            r.finalist_probability,
            r.expected_rank,
            f"{r.rank_low}–{r.rank_high}",
            "; ".join(label for _code, label in r.flag_labels),
        )
        for r in presented
    ]

    body = client.get("/api/v1/rankings/", {"round": open_round.pk, "category": category.pk}).json()
    labels = {"finalist": "Finalist", "winner": "Winner", None: ""}
    api_rows = [
        (
            r["reference"],
            r["rank"],
            r["official_score"],
            f"{r['reviews_done']}/{r['reviews_assigned']}",
            labels[r["result"]],
        )
        for r in body["rows"]
    ]
    api_model = [
        (
            r["calibrated_score"],
            r["score_se"],
            r["finalist_probability"],
            r["expected_rank"],
            "{}–{}".format(*r["rank_interval"]),
            "; ".join(r["flag_labels"]),
        )
        for r in body["rows"]
    ]

    buffer = io.BytesIO()
    workbook_ranking(buffer, edition=edition, round=open_round)
    buffer.seek(0)
    sheet = list(load_workbook(buffer)["Smart City"].iter_rows(values_only=True))
    header = sheet[0]
    columns = [header.index(name) for name in ("Reference", "Rank", header[5], "Reviews", "Status", "Override reason")]
    xlsx_rows = [tuple(row[i] if row[i] is not None else "" for i in columns) for row in sheet[1:]]
    model_columns = [
        header.index(name)
        for name in (
            "Calibrated score",
            "± standard error (calibrated score)",
            "Finalist probability",
            "Expected rank",
            "Rank interval (80 %)",
            "Flags",
        )
    ]
    xlsx_model = [tuple(row[i] if row[i] is not None else "" for i in model_columns) for row in sheet[1:]]

    assert page_rows == [
        ("V4A-2026-0001", 1, pytest.approx(90.0), "2/2", "Finalist", ""),
        ("V4A-2026-0002", 2, pytest.approx(80.0), "2/2", "", "Found ineligible funding."),
        ("V4A-2026-0003", 3, pytest.approx(70.0), "2/2", "", ""),
        ("V4A-2026-0004", 4, pytest.approx(60.0), "2/2", "", ""),
        ("V4A-2026-0005", 5, pytest.approx(50.0), "2/2", "", ""),
    ]
    assert api_rows == [row[:5] for row in page_rows]
    assert xlsx_rows == page_rows
    # The model's numbers: two jurors scored every project, so the calibrated score is the mean;
    # two finalists among five projects 10 points apart with these two jurors.
    assert [row[0] for row in page_model] == [pytest.approx(v) for v in (90.0, 80.0, 70.0, 60.0, 50.0)]
    assert sum(row[2] for row in page_model) == pytest.approx(2.0)
    assert all(row[1] > 0 and row[3] >= 1 for row in page_model)
    assert api_model == page_model
    assert xlsx_model == page_model


def test_finalist_removal_reason_shows_on_the_ranking_page_and_survives(
    setup,  # noqa: F811
    edition,
    open_round,
    organiser,
    client_for,
):
    category, second = setup["category"], setup["projects"][1]
    finalists_select(category=category, round=open_round, actor=organiser)
    client = client_for(organiser)
    response = _remove_second(client, edition, category, second, "Found ineligible funding.")
    assert "Finalist removed; the reason is recorded." in response.content.decode()
    assert list(FinalistRemoval.objects.values_list("project_id", "reason", "removed_by_id")) == [
        (second.pk, "Found ineligible funding.", organiser.pk)
    ]
    assert AuditEntry.objects.filter(action="results.finalist_removed", target_id=str(second.pk)).count() == 1

    # The decision is data of its own: the page shows it without the audit log.
    AuditEntry.objects.all().delete()
    text = client.get(_ranking_url(edition, open_round, category)).content.decode()
    assert "Reason: Found ineligible funding." in text
    rows = client.get(_ranking_url(edition, open_round, category)).context["rows"]
    assert [(item["row"].reference, item["row"].removed) for item in rows][:3] == [
        ("V4A-2026-0001", False),
        ("V4A-2026-0002", True),
        ("V4A-2026-0003", False),
    ]


def test_finalist_removal_migration_fills_it_from_an_old_audit_entry(
    setup,  # noqa: F811
    open_round,
    organiser,
):
    category, second = setup["category"], setup["projects"][1]
    # How a removal was recorded before: the Result row deleted, only an audit entry left.
    audit_log(
        actor=organiser,
        action="results.finalist_removed",
        target=second,
        edition=category.edition,
        data={"round": open_round.pk, "category": category.pk, "reason": "Found ineligible funding."},
    )
    # An entry whose project has gone since is skipped, not a failure.
    AuditEntry.objects.create(
        edition=category.edition,
        action="results.finalist_removed",
        target_id="999999",
        data={"round": open_round.pk, "category": category.pk, "reason": "Gone."},
    )

    _migration.removals_from_audit(apps, None)

    removal = FinalistRemoval.objects.get()
    assert (removal.project, removal.category, removal.round, removal.reason, removal.removed_by) == (
        second,
        category,
        open_round,
        "Found ineligible funding.",
        organiser,
    )
    row = next(r for r in ranking_for(category=category, round=open_round).rows if r.project == second)
    assert (row.override_reason, row.removed) == ("Found ineligible funding.", True)


def test_presented_reviews_explain_the_place_and_hide_jurors_in_the_jury_copy(
    setup,  # noqa: F811
    open_round,
):
    category = setup["category"]
    ranking = ranking_for(category=category, round=open_round)
    first = ranking.rows[0]
    [row] = [r for r in ranking_rows(ranking) if r.project_id == first.project.pk]
    assert [review["juror_id"] for review in row.reviews] == sorted(line.juror_id for line in first.reviews)
    for review, line in zip(row.reviews, first.reviews, strict=True):
        assert review == {
            "juror_id": line.juror_id,
            "total": line.total,
            "leniency": line.leniency,
            "scale": line.scale,
            "adjusted_total": line.adjusted_total,
            "outlier": line.outlier,
        }
    # The jury's copy: no juror id, and the reviews by total so their order names nobody.
    [hidden] = [r for r in ranking_rows(ranking, hide_jurors=True) if r.project_id == first.project.pk]
    assert all("juror_id" not in review for review in hidden.reviews)
    assert [review["total"] for review in hidden.reviews] == sorted(line.total for line in first.reviews)
    as_json = row_as_json(row)
    assert as_json["calibrated_score"] == row.calibrated_score == first.scores["calibrated"]
    assert as_json["rank_interval"] == [row.rank_low, row.rank_high]
    assert as_json["finalist_probability"] == row.p_top
    assert "reviews" not in as_json  # the API names no juror


def test_presenter_can_present_one_page_of_rows(
    setup,  # noqa: F811
    open_round,
):
    ranking = ranking_for(category=setup["category"], round=open_round)
    everything = ranking_rows(ranking)
    assert ranking_rows(ranking, rows=ranking.rows[2:4]) == everything[2:4]
