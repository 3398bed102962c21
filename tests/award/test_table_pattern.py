"""Every data table on a page follows the one shared pattern of the frame (issue 14): a
`table.data` inside a labelled, focusable `.table-wrap` region. static/js/frame.js labels its
cells from the header, and below 600 px static/css/app.css shows its rows as cards."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
# Documents rendered to PDF by WeasyPrint, and the HTML emails' layout (mail programs need
# layout tables), not pages in the browser.
NOT_PAGES = {"reports/application_base.html", "reports/ceremony_run_of_show.html", "award/email/layout.html"}
WRAPPED_TABLE = re.compile(
    r'<div class="table-wrap" role="region" tabindex="0" aria-(?:label|labelledby)="(?:\{%.*?%\}|\{\{.*?\}\}|[^"{])+">\s*<table class="data[ "]'
)


def test_every_table_on_a_page_is_a_labelled_data_table():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in NOT_PAGES:
            continue
        text = path.read_text(encoding="utf-8")
        tables = len(re.findall(r"<table\b", text))
        wrapped = len(WRAPPED_TABLE.findall(text))
        if tables != wrapped:
            offenders.append(f"{name}: {tables} tables, {wrapped} in the shared pattern")
    assert offenders == [], "wrap each table as in templates/scoring/jurors.html:\n" + "\n".join(offenders)
