"""The printed side of the ceremony: an envelope card per category (the winner inside) and per
special award, and the run of show, the order of the evening with the names to read. Both are
small documents (a page per category, a few pages of running order), rendered on request."""

from __future__ import annotations

from django.template.loader import render_to_string

from award.models import Edition
from reports.pdf import pdf_render
from scoring.results.ceremony import Ceremony, ceremony_for


def _cards(ceremony: Ceremony) -> list[dict]:
    cards = []
    for group in ceremony.categories:
        for entry in group.winners:
            cards.append({"heading": group.category.name, "entry": entry, "handed_over_by": group.handed_over_by})
    for entry in ceremony.special:
        cards.append({"heading": entry.title, "entry": entry, "handed_over_by": entry.handed_over_by})
    return cards


def envelope_cards_pdf(edition: Edition) -> bytes:
    ceremony = ceremony_for(edition, pictures=False)
    html = render_to_string("reports/ceremony_envelopes.html", {"edition": edition, "cards": _cards(ceremony)})
    return pdf_render(html)


def run_of_show_rows(ceremony: Ceremony) -> list[dict]:
    """The evening in slide order: what is on screen, what to read, who comes on stage."""
    rows: list[dict] = [{"kind": "title", "label": ceremony.edition.name}]
    rows += [{"kind": "sponsor", "label": s.name, "sponsor": s} for s in ceremony.sponsors]
    for group in ceremony.categories:
        rows += [{"kind": "sponsor", "label": s.name, "sponsor": s} for s in group.sponsors]
        rows.append({"kind": "category", "label": group.category.name, "handed_over_by": group.handed_over_by})
        rows += [{"kind": "finalist", "label": e.project.title, "entry": e} for e in group.finalists]
        if group.winners:
            rows.append(
                {
                    "kind": "winner",
                    "label": group.category.name,
                    "entries": group.winners,
                    "handed_over_by": group.handed_over_by,
                }
            )
    if ceremony.special:
        rows.append({"kind": "special_heading", "label": ""})
        rows += [
            {"kind": "special", "label": e.title, "entries": [e], "handed_over_by": e.handed_over_by}
            for e in ceremony.special
        ]
    rows.append({"kind": "closing", "label": ""})
    for number, row in enumerate(rows, start=1):
        row["number"] = number
    return rows


def run_of_show_pdf(edition: Edition) -> bytes:
    ceremony = ceremony_for(edition, pictures=False)
    html = render_to_string(
        "reports/ceremony_run_of_show.html", {"edition": edition, "rows": run_of_show_rows(ceremony)}
    )
    return pdf_render(html)
