"""Excel workbooks for the jury meeting, written with openpyxl in write-only mode: rows stream
to a temporary file, so memory stays flat whatever the number of scores.

Every text that a person typed goes through `cell_text`: a value that Excel or LibreOffice
would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return) is prefixed with an
apostrophe and written as a string, so that opening the file never evaluates it."""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml import LXML

from award.collation import name_key, name_order
from award.enums import AggregationMethod, Country, Role, RoundKind
from award.i18n import localized
from award.models import Category, Criterion, Edition, EditionRole, Round
from scoring.ballot.selectors import ballot_count, is_ranked
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, Result, Score
from scoring.ranking.engine import ranking_for
from scoring.ranking.presenter import AGREEMENT_VERDICTS, ranking_rows
from submissions.models import Project, TeamMember

if LXML:
    from lxml.etree import Element, SubElement

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_DIGITS = re.compile(r"(\d+)")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)
NUMBER_FORMAT = "0.00"
PERCENT_FORMAT = "0%"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0F4C81")
FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")
SHEET_TITLE_MAX = 31

Progress = Callable[[int], None] | None


def cell_text(value: Any) -> Any:
    """A value safe to put in a cell: user text never becomes a formula."""
    if value.__class__ is str:
        if not value.isprintable():
            value = _ILLEGAL.sub("", value)
        if value and value[0] in _TRIGGER_CHARS:
            return "'" + value
        return value
    if value is None or isinstance(value, (int, float, Decimal, datetime, date)):
        return value
    return cell_text(str(value))


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", str(text)).strip()[:SHEET_TITLE_MAX] or "Sheet"
    base, n = title, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


class Sheet:
    """A write-only sheet with a styled, frozen, filterable header row and typed columns.

    Data rows skip openpyxl's per-cell objects: each row becomes one lxml element that the
    write-only worksheet streams to its temporary file. openpyxl's own path costs ~10 µs per
    cell, 20 s for a 200,000-row score matrix; this one is several times faster and writes the
    same XML (inline strings, numbers with the column's number format)."""

    def __init__(self, workbook: Workbook, title: str, columns: list[tuple[str, float, str | None]]):
        self.ws = workbook.create_sheet(title)
        self.columns = columns
        self._letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        for letter, (_label, width, _fmt) in zip(self._letters, columns, strict=True):
            self.ws.column_dimensions[letter].width = width
        self.ws.freeze_panes = "A2"
        self.ws.auto_filter.ref = f"A1:{self._letters[-1]}1"
        header = []
        for label, _width, _fmt in columns:
            cell = WriteOnlyCell(self.ws, value=cell_text(label))
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            header.append(cell)
        self.ws.append(header)
        self.rows = 0
        self._styles = []
        for _label, _width, fmt in columns:
            if fmt:
                probe = WriteOnlyCell(self.ws)
                probe.number_format = fmt
                self._styles.append(str(probe.style_id))
            else:
                self._styles.append(None)
        if LXML:
            # From here on rows arrive as plain lists and are written by _write_row.
            self.ws._values_to_row = lambda values, row_idx: values
            self.ws._writer.write_row = self._write_row
            self._template_row, self._targets = self._template()

    def _template(self):
        """One reusable row element whose cells match the column types: a row of the usual
        shape only has its texts replaced, no element is created."""
        row = Element("row")
        targets = []
        for style in self._styles:
            if style is None:
                targets.append(SubElement(SubElement(SubElement(row, "c", t="inlineStr"), "is"), "t"))
            else:
                targets.append(SubElement(SubElement(row, "c", s=style), "v"))
        return row, targets

    def _write_row(self, xf, values, row_idx: int) -> None:
        row = self._template_row
        for target, style, value in zip(self._targets, self._styles, values, strict=True):
            kind = value.__class__
            if style is None:
                if kind is not str or (value and (value[0].isspace() or value[-1].isspace())):
                    return self._write_row_built(xf, values, row_idx)
                target.text = value
            elif kind is int or kind is Decimal:
                target.text = str(value)
            elif kind is float:
                target.text = repr(value)
            elif kind is datetime or kind is date:
                target.text = repr(to_excel(value))
            else:
                return self._write_row_built(xf, values, row_idx)
        row.set("r", str(row_idx))
        xf.write(row)

    def _write_row_built(self, xf, values, row_idx: int) -> None:
        # Cells carry no "r" reference: it is optional in SpreadsheetML when cells are written
        # in order with no gaps, so empty values are written as empty cells.
        row = Element("row", r=str(row_idx))
        for style, value in zip(self._styles, values, strict=True):
            if value is None or value == "":
                SubElement(row, "c")
            elif isinstance(value, str):
                t = SubElement(SubElement(SubElement(row, "c", t="inlineStr"), "is"), "t")
                if value[0].isspace() or value[-1].isspace():
                    t.set(XML_SPACE, "preserve")
                t.text = value
            else:
                c = SubElement(row, "c", s=style) if style else SubElement(row, "c")
                if isinstance(value, bool):
                    c.set("t", "b")
                    value = int(value)
                elif isinstance(value, (datetime, date)):
                    value = to_excel(value)
                SubElement(c, "v").text = repr(value) if isinstance(value, float) else str(value)
        xf.write(row)

    def append(self, values: Iterable[Any]) -> None:
        values = [cell_text(v) for v in values]
        if not LXML:
            values = [self._slow_cell(v, fmt) for v, (_l, _w, fmt) in zip(values, self.columns, strict=True)]
        self.ws.append(values)
        self.rows += 1

    def _slow_cell(self, value: Any, fmt: str | None) -> Any:
        if fmt and value is not None:
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = fmt
            return cell
        return value

    def finish(self) -> None:
        last = max(self.rows + 1, 2)
        self.ws.auto_filter.ref = f"A1:{self._letters[-1]}{last}"


def _local(value: datetime | None, edition: Edition) -> datetime | None:
    # Excel has no time zones: write the edition's wall-clock time and name the zone in the header.
    if value is None:
        return None
    return timezone.localtime(value, edition.tz).replace(tzinfo=None)


def natural_key(text: str) -> list:
    """Sort key that compares the numbers inside a text as numbers ("Juror 2" < "Juror 10") and
    its letters as people read them ("Černý" among the C's)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, name_key(part)[0]) for part in _DIGITS.split(text) if part]


def country_names() -> dict[str, str]:
    """Country code -> its name in the active language: workbooks show names, never codes."""
    return {code: str(label) for code, label in Country.choices}


def _new_workbook() -> Workbook:
    return Workbook(write_only=True)


# --- Score matrix -------------------------------------------------------------------------------


def score_rows_count(edition: Edition) -> int:
    return Score.objects.filter(assignment__round__edition=edition).count()


def juror_pseudonyms(edition: Edition) -> dict[int, str]:
    """Stable labels "Juror 1", "Juror 2"… by the order in which jurors joined the edition."""
    ids = (
        EditionRole.objects.filter(edition=edition, role=Role.JUROR)
        .order_by("created_at", "id")
        .values_list("user_id", flat=True)
    )
    return {juror_id: _("Juror %(number)s") % {"number": n} for n, juror_id in enumerate(ids, start=1)}


def workbook_score_matrix(
    out: IO[bytes], *, edition: Edition, anonymise: bool = False, progress: Progress = None
) -> int:
    """One row per score; then projects × jurors with each finalised review's weighted total.
    `anonymise` (the jurors' copy in a blind edition) hides organisations and juror names."""
    wb = _new_workbook()
    tz_name = edition.timezone
    columns = [
        (_("Reference"), 16, None),
        (_("Project"), 40, None),
    ]
    if not anonymise:
        columns.append((_("Organisation"), 30, None))
    columns += [
        (_("Category"), 22, None),
        (_("Round"), 18, None),
        (_("Juror"), 26, None),
        (_("Criterion"), 28, None),
        (_("Score"), 9, NUMBER_FORMAT),
        (_("Comment"), 50, None),
        (_("Finalised at (%(zone)s)") % {"zone": tz_name}, 20, DATETIME_FORMAT),
    ]
    sheet = Sheet(wb, _sheet_title(_("Scores"), set()), columns)
    pseudonyms = juror_pseudonyms(edition) if anonymise else {}
    criteria = {c.pk: c for c in Criterion.objects.filter(edition=edition)}
    # Names in the reader's language, looked up once: resolving a translated name per row (in SQL or
    # through the translated attribute) costs a third of the sheet's speed at 200,000 rows.
    categories = {c.pk: c.name for c in Category.objects.filter(edition=edition)}
    round_names = {r.pk: r.name for r in Round.objects.filter(edition=edition)}
    criterion_names = {pk: c.name for pk, c in criteria.items()}
    rows = (
        Score.objects.filter(assignment__round__edition=edition)
        .order_by(
            "assignment__round__number",
            "assignment__project__reference",
            "assignment__juror_id",
            "criterion__position",
            "criterion_id",
        )
        .values_list(
            "assignment__project_id",
            "assignment__project__reference",
            "assignment__project__title",
            "assignment__project__organisation_name",
            "assignment__project__category_id",
            "assignment__round_id",
            "assignment__juror_id",
            "assignment__juror__first_name",
            "assignment__juror__last_name",
            "assignment__juror__email",
            "criterion_id",
            "value",
            "comment",
            "assignment__status",
            "assignment__finalised_at",
        )
    )
    # project -> juror -> [sum(w*v), sum(w*max)] for the totals sheet (finalised reviews only).
    totals: dict[tuple, dict[int, list[float]]] = defaultdict(dict)
    jurors: dict[int, str] = {}
    count = 0
    last_finalised = last_local = None
    for (
        _project_id,
        reference,
        title,
        organisation,
        category_id,
        round_id,
        juror_id,
        first,
        last,
        email,
        criterion_id,
        value,
        comment,
        status,
        finalised_at,
    ) in rows.iterator(chunk_size=2000):
        criterion = criteria[criterion_id]
        category, round_name = categories.get(category_id, ""), round_names[round_id]
        if anonymise:
            juror_name = pseudonyms.get(juror_id, _("Juror"))
        else:
            juror_name = f"{first} {last}".strip() or email
        jurors[juror_id] = juror_name
        values = [reference, title]
        if not anonymise:
            values.append(organisation)
        if finalised_at != last_finalised:
            last_finalised, last_local = finalised_at, _local(finalised_at, edition)
        values += [category, round_name, juror_name, criterion_names[criterion_id], value, comment, last_local]
        sheet.append(values)
        if status == AssignmentStatus.COMPLETED:
            acc = totals[(round_name, reference, title)].setdefault(juror_id, [0.0, 0.0])
            acc[0] += float(criterion.weight * value)
            acc[1] += float(criterion.weight * criterion.max_value)
        count += 1
        if progress is not None and count % 5000 == 0:
            progress(count)
    sheet.finish()

    # Natural order: "Juror 2" before "Juror 10".
    juror_ids = sorted(jurors, key=lambda j: natural_key(jurors[j]))
    pivot = Sheet(
        wb,
        _sheet_title(_("Totals by juror"), {sheet.ws.title.lower()}),
        [(_("Round"), 18, None), (_("Reference"), 16, None), (_("Project"), 40, None)]
        + [(jurors[j], 14, NUMBER_FORMAT) for j in juror_ids]
        + [(_("Mean"), 10, NUMBER_FORMAT)],
    )
    for (round_name, reference, title), by_juror in totals.items():
        values = {j: 100.0 * num / den for j, (num, den) in by_juror.items() if den}
        mean = sum(values.values()) / len(values) if values else None
        pivot.append([round_name, reference, title] + [values.get(j) for j in juror_ids] + [mean])
    pivot.finish()
    wb.save(out)
    if progress is not None:
        progress(count)
    return count


# --- Juror progress -----------------------------------------------------------------------------


def workbook_juror_progress(out: IO[bytes], *, edition: Edition, anonymise: bool = False) -> int:
    wb = _new_workbook()
    tz_name = edition.timezone
    columns = [
        (_("Round"), 18, None),
        (_("Juror"), 28, None),
        (_("Email"), 30, None),
        (_("Organisation"), 30, None),
        (_("Country"), 14, None),
        (_("Assigned"), 10, None),
        (_("Completed"), 11, None),
        (_("In progress"), 11, None),
        (_("Not started"), 11, None),
        (_("Recused"), 10, None),
        (_("Completed (%)"), 13, PERCENT_FORMAT),
        (_("Last finalised (%(zone)s)") % {"zone": tz_name}, 20, DATETIME_FORMAT),
    ]
    sheet = Sheet(wb, _sheet_title(_("Juror progress"), set()), columns)
    countries = country_names()
    rows = (
        Assignment.objects.filter(round__edition=edition)
        .values(
            "round__number",
            "juror_id",
            "juror__first_name",
            "juror__last_name",
            "juror__email",
            "juror__organisation",
            "juror__country",
            round__name=localized("round__name"),
        )
        .annotate(
            assigned=Count("id", filter=~Q(status=AssignmentStatus.RECUSED)),
            completed=Count("id", filter=Q(status=AssignmentStatus.COMPLETED)),
            in_progress=Count("id", filter=Q(status=AssignmentStatus.IN_PROGRESS)),
            pending=Count("id", filter=Q(status=AssignmentStatus.PENDING)),
            recused=Count("id", filter=Q(status=AssignmentStatus.RECUSED)),
            last=Max("finalised_at"),
        )
        .order_by("round__number", name_order("juror__last_name"), name_order("juror__first_name"), "juror_id")
    )
    for row in rows:
        name = f"{row['juror__first_name']} {row['juror__last_name']}".strip() or row["juror__email"]
        sheet.append(
            [
                row["round__name"],
                name,
                row["juror__email"],
                row["juror__organisation"],
                countries.get(row["juror__country"], row["juror__country"]),
                row["assigned"],
                row["completed"],
                row["in_progress"],
                row["pending"],
                row["recused"],
                (row["completed"] / row["assigned"]) if row["assigned"] else None,
                _local(row["last"], edition),
            ]
        )
    sheet.finish()
    wb.save(out)
    return sheet.rows


# --- Applications list --------------------------------------------------------------------------

APPLICATION_FIELDS = [
    "reference",
    "status",
    "category",
    "title",
    "organisation_name",
    "organisation_type",
    "country",
    "city_region",
    "summary",
    "problem",
    "solution",
    "results",
    "innovation",
    "citizen_involvement",
    "sustainability",
    "budget_eur",
    "funding_sources",
    "start_date",
    "end_date",
    "website",
    "partners",
    "consent_rules",
    "consent_privacy",
    "ineligibility_reason",
    "submitted_at",
    "updated_at",
]
_WIDE = {
    "summary",
    "problem",
    "solution",
    "results",
    "innovation",
    "citizen_involvement",
    "sustainability",
    "partners",
    "funding_sources",
}


def workbook_applications(out: IO[bytes], *, edition: Edition, progress: Progress = None) -> int:
    """Every application field, one row per project, plus its team and the owner's login."""
    wb = _new_workbook()
    fields = {f.name: f for f in Project._meta.get_fields() if hasattr(f, "verbose_name")}
    columns = []
    for name in APPLICATION_FIELDS:
        label = str(fields[name].verbose_name)
        if name in {"submitted_at", "updated_at"}:
            label = f"{label} ({edition.timezone})"
        fmt = (
            NUMBER_FORMAT
            if name == "budget_eur"
            else DATETIME_FORMAT
            if name.endswith("_at")
            else "yyyy-mm-dd"
            if name.endswith("_date")
            else None
        )
        columns.append((label.capitalize(), 50 if name in _WIDE else 18, fmt))
    columns += [(_("Submitted by"), 30, None), (_("Team"), 50, None), (_("Attachments"), 12, None)]
    sheet = Sheet(wb, _sheet_title(_("Applications"), set()), columns)
    team: dict[int, list[str]] = defaultdict(list)
    for project_id, name, role, email in (
        TeamMember.objects.filter(project__edition=edition)
        .order_by("project_id", "position", "id")
        .values_list("project_id", "name", "role", "email")
    ):
        team[project_id].append(", ".join(part for part in (name, role, email) if part))
    projects = (
        Project.objects.filter(edition=edition)
        .select_related("category", "owner")
        .annotate(attachment_count=Count("attachments"))
        .order_by("reference", "id")
    )
    for count, project in enumerate(projects.iterator(chunk_size=1000), start=1):
        values = []
        for name in APPLICATION_FIELDS:
            value = getattr(project, name)
            if name == "category":
                value = project.category.name if project.category else ""
            elif name in {"status", "organisation_type", "country"}:
                value = getattr(project, f"get_{name}_display")()
            elif name in {"submitted_at", "updated_at"}:
                value = _local(value, edition)
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            values.append(value)
        values += [project.owner.email, "; ".join(team.get(project.pk, [])), project.attachment_count]
        sheet.append(values)
        if progress is not None and count % 500 == 0:
            progress(count)
    sheet.finish()
    wb.save(out)
    return sheet.rows


# --- Ranking workbook ---------------------------------------------------------------------------


def workbook_ranking(out: IO[bytes], *, edition: Edition, round: Round, bootstrap: bool = True) -> int:
    """One sheet per category in official order, and a summary sheet with the agreement, the
    plan's connectivity and the decision band. The numbers are the presenter's rows, the same as
    the page's and the API's; no juror is named (the jury may read it). ``bootstrap`` is kept for
    older callers: the probabilities come from the model's posterior and are always included."""
    if is_ranked(round):
        return _workbook_ballots(out, edition=edition, round=round)
    method_labels = dict(AggregationMethod.choices)
    wb = _new_workbook()
    used: set[str] = set()
    summary = Sheet(wb, _sheet_title(_("Summary"), used), [(_("Item"), 34, None), (_("Value"), 60, None)])
    rankings = [ranking_for(category=category, round=round) for category in edition.categories.all()]
    summary.append([_("Edition"), edition.name])
    summary.append([_("Round"), round.name])
    method = rankings[0].method if rankings else edition.aggregation_method
    summary.append([_("Official method"), str(method_labels.get(method, method))])
    summary.append(
        [
            _("Exported at (%(zone)s)") % {"zone": edition.timezone},
            timezone.localtime(timezone.now(), edition.tz).strftime("%Y-%m-%d %H:%M"),
        ]
    )
    if rankings:
        summary.append(
            [
                _("Probabilities"),
                _("%(draws)s draws from the model's posterior, seed %(seed)s")
                % {"draws": rankings[0].n_draws, "seed": rankings[0].seed},
            ]
        )
    for ranking in rankings:
        agreement = "" if ranking.agreement is None else f"{ranking.agreement:.2f}"
        verdict = str(AGREEMENT_VERDICTS.get(ranking.agreement_verdict, ""))
        summary.append(
            [
                _("Agreement in %(category)s (%(method)s)")
                % {"category": ranking.category.name, "method": ranking.agreement_method},
                f"{agreement} ({verdict})" if agreement and verdict else agreement or _("not enough reviews"),
            ]
        )
        if not ranking.connected:
            summary.append(
                [
                    _("Judging plan in %(category)s") % {"category": ranking.category.name},
                    _("not connected: leniency is compared only within each group of jurors"),
                ]
            )
        references = {row.project.pk: row.project.reference for row in ranking.rows}
        analysis = ranking.category_analysis or {}
        summary.append(
            [
                _("Decision band in %(category)s (0.1 < P < 0.9)") % {"category": ranking.category.name},
                ", ".join(references.get(pk) or str(pk) for pk in analysis.get("band", [])) or _("no project"),
            ]
        )
    summary.finish()

    rows_written = 0
    countries = country_names()
    for ranking in rankings:
        others = [m for m in ranking.methods if m != ranking.method]
        final = round.kind == RoundKind.FINAL
        columns = [
            (_("Rank"), 7, None),
            (_("Reference"), 16, None),
            (_("Project"), 40, None),
            (_("Organisation"), 30, None),
            (_("Country"), 14, None),
            (
                _("Official score (%(method)s)") % {"method": method_labels.get(ranking.method, ranking.method)},
                14,
                NUMBER_FORMAT,
            ),
        ]
        columns += [(str(method_labels.get(m, m)), 13, NUMBER_FORMAT) for m in others]
        columns += [
            (_("± standard error (calibrated score)"), 13, NUMBER_FORMAT),
            (_("Expected rank"), 10, NUMBER_FORMAT),
            (_("Rank interval (80 %)"), 12, None),
        ]
        columns += [(_("Mean: %(criterion)s") % {"criterion": c.name}, 13, NUMBER_FORMAT) for c in ranking.criteria]
        columns += [
            (_("Reviews"), 10, None),
            (_("Spread (SD)"), 11, NUMBER_FORMAT),
            (_("Lowest total"), 11, NUMBER_FORMAT),
            (_("Highest total"), 11, NUMBER_FORMAT),
            (_("Flags"), 34, None),
            (_("Probability of winning") if final else _("Finalist probability"), 12, PERCENT_FORMAT),
            (_("Status"), 12, None),
            (_("Override reason"), 40, None),
        ]
        sheet = Sheet(wb, _sheet_title(ranking.category.name, used), columns)
        for row in ranking_rows(ranking):
            country = countries.get(row.country, row.country)
            values = [row.rank_label, row.reference, row.title, row.organisation_name, country, row.official_score]
            values += [score for _method, score, _rank in row.others]
            values += [
                row.score_se,
                row.expected_rank,
                "" if row.rank_low is None else f"{row.rank_low}–{row.rank_high}",
            ]
            values += row.criterion_means
            values += [
                row.reviews_label,
                row.spread_sd,
                row.spread_min,
                row.spread_max,
                "; ".join(label for _code, label in row.flag_labels),
                row.finalist_probability,
                row.result_label,
                row.override_reason,
            ]
            sheet.append(values)
        sheet.finish()
        flags_col = get_column_letter(len(columns) - 3)
        last_col = get_column_letter(len(columns))
        if sheet.rows:
            sheet.ws.conditional_formatting.add(
                f"A2:{last_col}{sheet.rows + 1}",
                FormulaRule(formula=[f"LEN(${flags_col}2)>0"], fill=FLAG_FILL),
            )
        rows_written += sheet.rows
    wb.save(out)
    return rows_written


def _workbook_ballots(out: IO[bytes], *, edition: Edition, round: Round) -> int:
    """The ranking workbook of a ranked final round: a summary with each category's turnout and
    outcome, then a sheet per category with one row per finalist in Schulze order: its place,
    Borda points, the place each ballot gives it and the pairwise preferences. Ballots are
    headed by the jurors' pseudonyms, as in the jurors' copy of the score matrix: like the rest
    of this workbook, which the jury may read, it names no juror."""
    wb = _new_workbook()
    used: set[str] = set()
    summary = Sheet(wb, _sheet_title(_("Summary"), used), [(_("Item"), 34, None), (_("Value"), 60, None)])
    summary.append([_("Edition"), edition.name])
    summary.append([_("Round"), round.name])
    summary.append(
        [
            _("Official method"),
            _("Ranked ballots, Schulze method on margins (Borda points for comparison only)"),
        ]
    )
    summary.append(
        [
            _("Exported at (%(zone)s)") % {"zone": edition.timezone},
            timezone.localtime(timezone.now(), edition.tz).strftime("%Y-%m-%d %H:%M"),
        ]
    )
    category_ids = set(
        Assignment.objects.filter(round=round).values_list("project__category_id", flat=True).distinct().order_by()
    )
    categories = [c for c in edition.categories.order_by("position", "name", "id") if c.pk in category_ids]
    counts = [ballot_count(round=round, category=category) for category in categories]
    winners = {
        r.category_id: r
        for r in Result.objects.filter(category__in=categories, kind=ResultKind.WINNER).select_related("project")
    }
    pseudonyms = juror_pseudonyms(edition)
    for count in counts:
        name, tally = count.category.name, count.tally
        by_id = count.by_id
        summary.append(
            [
                _("Ballots in %(category)s") % {"category": name},
                _("%(cast)s of %(eligible)s panel members have cast their ballot.")
                % {"cast": count.cast, "eligible": count.eligible_jurors},
            ]
        )
        if not count.cast:
            outcome = _("No ballot has been cast in this category yet.")
        elif tally.tie:
            outcome = _("Tie for first place, left for the jury chair to decide with a reason: %(projects)s") % {
                "projects": ", ".join(by_id[pk].title for pk in tally.winners)
            }
        else:
            outcome = _("Schulze winner: %(project)s.") % {"project": by_id[tally.winner].title}
        summary.append([_("Outcome in %(category)s") % {"category": name}, outcome])
        recorded = winners.get(count.category.pk)
        if recorded is not None:
            text = _("Winner recorded: %(project)s.") % {"project": recorded.project.title}
            if recorded.override_reason:
                text += " " + _("Reason: %(reason)s") % {"reason": recorded.override_reason}
            summary.append([_("Recorded winner in %(category)s") % {"category": name}, text])
    summary.finish()

    rows_written = 0
    for count in counts:
        tally = count.tally
        ids = tally.candidates
        by_id = count.by_id
        jurors = sorted(count.ballots, key=lambda j: natural_key(pseudonyms.get(j, "")))
        columns = [
            (_("Place"), 7, None),
            (_("Tie"), 7, None),
            (_("Reference"), 16, None),
            (_("Project"), 40, None),
            (_("Organisation"), 30, None),
            (_("Borda points"), 10, None),
            (_("First places"), 10, None),
        ]
        columns += [
            (_("Place on the ballot of %(juror)s") % {"juror": pseudonyms.get(j, _("Juror"))}, 12, None) for j in jurors
        ]
        columns += [
            (_("Preferred to %(reference)s") % {"reference": by_id[pk].reference or by_id[pk].title}, 14, None)
            for pk in ids
        ]
        sheet = Sheet(wb, _sheet_title(count.category.name, used), columns)
        index = {pk: i for i, pk in enumerate(ids)}
        for group in tally.order:
            for pk in sorted(group, key=lambda pk: (by_id[pk].reference, pk)):
                project = by_id[pk]
                values = [
                    tally.rank_of(pk),
                    _("yes") if len(group) > 1 else "",
                    project.reference,
                    project.title,
                    project.organisation_name,
                    tally.borda[pk],
                    tally.first_places[pk],
                ]
                values += [count.ballots[j].get(pk) for j in jurors]
                values += [None if other == pk else tally.d[index[pk]][index[other]] for other in ids]
                sheet.append(values)
        sheet.finish()
        rows_written += sheet.rows
    wb.save(out)
    return rows_written


EXPORT_ROW_COUNTS: dict[str, Callable[[Edition], int]] = {
    "score_matrix": score_rows_count,
    "score_matrix_blind": score_rows_count,
    "applications": lambda edition: Project.objects.filter(edition=edition).count(),
}
