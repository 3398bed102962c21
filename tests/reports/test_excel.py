import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from reports.excel import (
    cell_text,
    workbook_applications,
    workbook_juror_progress,
    workbook_ranking,
    workbook_score_matrix,
)
from tests.reports.conftest import INJECTION

pytestmark = pytest.mark.django_db


def _load(writer, **kwargs):
    buffer = io.BytesIO()
    writer(buffer, **kwargs)
    buffer.seek(0)
    return load_workbook(buffer)


def _no_formulas(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", INJECTION])
def test_cell_text_prefixes_formula_triggers(text):
    assert cell_text(text) == "'" + text


def test_cell_text_keeps_numbers_and_plain_text():
    assert cell_text(5) == 5
    assert cell_text("Žilina") == "Žilina"
    assert cell_text("a\x00b\x1f") == "ab"


def test_score_matrix_rows_headers_formats(edition, scored, juror):
    wb = _load(workbook_score_matrix, edition=edition)
    ws = wb["Scores"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "Reference",
        "Project",
        "Organisation",
        "Category",
        "Round",
        "Juror",
        "Criterion",
        "Score",
        "Comment",
        "Finalised at (Europe/Bratislava)",
    )
    assert len(rows) == 1 + 8
    first = rows[1]
    assert first[0] == "V4A-2026-0001"
    assert first[1] == "'" + INJECTION
    assert first[2] == "Mesto Žilina"
    assert first[5] == "Julia Juror"
    assert first[6] == "Innovation"
    assert first[7] == 8
    assert first[8] == "'-1 point: weak"
    assert isinstance(first[9], datetime)
    assert [r[0] for r in rows[1:]] == ["V4A-2026-0001"] * 4 + ["V4A-2026-0002"] * 4
    assert rows[5][2] == "'@Gdańsk Region"
    assert ws["H2"].number_format == "0.00"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:J9"
    totals = list(wb["Totals by juror"].iter_rows(values_only=True))
    assert totals[0][:3] == ("Round", "Reference", "Project")
    assert set(totals[0][3:5]) == {"Julia Juror", "Jan Second"}
    by_ref = {row[1]: dict(zip(totals[0][3:], row[3:], strict=True)) for row in totals[1:]}
    # (2*8 + 1*6) / (2*10 + 1*10) * 100
    assert by_ref["V4A-2026-0001"]["Julia Juror"] == pytest.approx(22 / 30 * 100)
    assert by_ref["V4A-2026-0001"]["Mean"] == pytest.approx((22 / 30 * 100 + 16 / 30 * 100) / 2)
    _no_formulas(wb)


def test_score_matrix_for_jurors_hides_names(edition, scored, juror, other_juror):
    wb = _load(workbook_score_matrix, edition=edition, anonymise=True)
    values = [v for row in wb["Scores"].iter_rows(values_only=True) for v in row]
    header = next(wb["Scores"].iter_rows(values_only=True))
    assert "Organisation" not in header
    assert "Julia Juror" not in values and "Jan Second" not in values and "Mesto Žilina" not in values
    assert {"Juror 1", "Juror 2"} <= set(values)
    assert "Julia Juror" not in next(wb["Totals by juror"].iter_rows(values_only=True))


def test_juror_progress(edition, scored, juror):
    wb = _load(workbook_juror_progress, edition=edition)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Round", "Juror", "Email")
    by_email = {row[2]: row for row in rows[1:]}
    assert by_email["juror@example.org"][5:11] == (2, 2, 0, 0, 0, 1)
    assert wb.active["K2"].number_format == "0%"


def test_applications_list_has_every_field(edition, scored):
    wb = _load(workbook_applications, edition=edition)
    rows = list(wb.active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Reference number", "Status", "Category", "Project title")
    assert "Budget (eur)" in header and "Partners" in header and "Team" in header
    assert rows[1][0] == "V4A-2026-0001"
    assert rows[1][3] == "'" + INJECTION
    assert rows[1][1] == "Eligible"
    _no_formulas(wb)


def test_ranking_workbook(edition, open_round, scored):
    wb = _load(workbook_ranking, edition=edition, round=open_round, bootstrap=False)
    assert wb.sheetnames == ["Summary", "Smart City"]
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True)}
    assert summary["Edition"] == "Test Award 2026"
    assert summary["Round"] == open_round.name
    assert any(key.startswith("Agreement in Smart City") for key in summary)
    ws = wb["Smart City"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Rank", "Reference", "Project", "Organisation", "Country", "Official score (Calibrated score)"
    )  # fmt: skip
    assert rows[0][6:12] == (
        "Mean", "Median", "Trimmed mean", "± standard error (calibrated score)", "Expected rank",
        "Rank interval (80 %)",
    )  # fmt: skip
    assert "Mean: Innovation" in rows[0] and "Status" in rows[0] and "Override reason" in rows[0]
    # p2: (2*5+5)/30 and (2*9+7)/30 -> mean 66.67; p1: 22/30, 16/30 -> mean 63.33. Both jurors
    # scored both projects, so their leniencies cancel and the calibrated score is the mean.
    assert [r[1] for r in rows[1:]] == ["V4A-2026-0002", "V4A-2026-0001"]
    assert rows[1][0] == 1
    assert rows[1][5] == pytest.approx(200 / 3)
    assert rows[1][6] == pytest.approx(200 / 3)
    assert ws["F2"].number_format == "0.00"
    # More finalists (the default) than projects: both are certain, and each
    # project's rank interval lies within 1–2.
    probability = rows[0].index("Finalist probability")
    assert (rows[1][probability], rows[2][probability]) == (1.0, 1.0)
    assert rows[1][9] > 0 and rows[1][11] in {"1–1", "1–2"} and rows[2][11] in {"1–2", "2–2"}
    assert summary["Probabilities"] == "1000 draws from the model's posterior, seed 0"
    assert summary["Decision band in Smart City (0.1 < P < 0.9)"] == "no project"
    status = rows[0].index("Status")
    assert rows[1][status] == "Winner"
    assert rows[2][2] == "'" + INJECTION
    assert ws.freeze_panes == "A2"
    assert ws.conditional_formatting
    _no_formulas(wb)


def test_ranking_workbook_of_a_ranked_round_has_the_ballots_order_and_pairs(edition, organiser):
    from tests.factories import ConflictFactory
    from tests.scoring.test_ballot import cast, make_final

    final, category, projects, panel = make_final(edition, finalists=3, jurors=3)
    ConflictFactory(juror=panel[2], project=projects[2])
    for juror, order in zip(panel, ("012", "102", "01"), strict=True):
        cast(juror, final, category, projects, order)
    wb = _load(workbook_ranking, edition=edition, round=final)
    assert wb.sheetnames == ["Summary", category.name]
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True)}
    assert summary["Round"] == final.name
    assert summary[f"Ballots in {category.name}"] == "3 of 3 panel members have cast their ballot."
    assert summary[f"Outcome in {category.name}"] == "Schulze winner: Fin 0."
    rows = list(wb[category.name].iter_rows(values_only=True))
    refs = [p.reference for p in projects]
    assert rows[0] == (
        "Place", "Tie", "Reference", "Project", "Organisation", "Borda points", "First places",
        "Place on the ballot of Juror 1", "Place on the ballot of Juror 2", "Place on the ballot of Juror 3",
        *(f"Preferred to {ref}" for ref in refs),
    )  # fmt: skip
    body = [(r[0], r[2], r[5], r[6], r[7:10], r[10:13]) for r in rows[1:]]
    assert body == [
        (1, refs[0], 4, 2, (1, 2, 1), (None, 2, 2)),
        (2, refs[1], 3, 1, (2, 1, 2), (1, None, 2)),
        (3, refs[2], 0, 0, (3, 3, None), (0, 0, None)),  # the conflicted juror's pair is left out
    ]
    cells = {str(v) for row in rows for v in row} | {str(v) for v in summary.values()}
    assert not any(juror.last_name in cell or juror.email in cell for juror in panel for cell in cells)
    _no_formulas(wb)


def test_ranking_workbook_of_a_ranked_round_names_the_tie_and_the_decision(edition, organiser):
    from scoring.ballot.services import ballot_tie_decide
    from tests.factories import UserFactory
    from tests.scoring.test_ballot import cast, make_final

    chair = UserFactory(last_name="Chair")
    final, category, projects, panel = make_final(edition, finalists=2, jurors=1, chair=chair)
    cast(panel[0], final, category, projects, "01")
    cast(chair, final, category, projects, "10")
    wb = _load(workbook_ranking, edition=edition, round=final)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True)}
    assert summary[f"Outcome in {category.name}"] == (
        "Tie for first place, left for the jury chair to decide with a reason: Fin 0, Fin 1"
    )
    rows = list(wb[category.name].iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in rows[1:]] == [(1, "yes"), (1, "yes")]
    ballot_tie_decide(round=final, category=category, project=projects[1], reason="Better reach", actor=chair)
    wb = _load(workbook_ranking, edition=edition, round=final)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True)}
    assert summary[f"Recorded winner in {category.name}"] == "Winner recorded: Fin 1. Reason: Better reach"


def test_ranking_workbook_of_a_ranked_round_query_count_does_not_grow(edition, organiser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.scoring.test_ballot import cast, make_final

    counts = []
    for number, (finalists, jurors) in ((2, (1, 1)), (3, (5, 4))):
        final, category, projects, panel = make_final(edition, finalists=finalists, jurors=jurors, number=number)
        for juror in panel:
            cast(juror, final, category, projects, "".join(str(i) for i in range(finalists)))
        with CaptureQueriesContext(connection) as queries:
            workbook_ranking(io.BytesIO(), edition=edition, round=final)
        counts.append(len(queries))
    assert counts[0] == counts[1]
