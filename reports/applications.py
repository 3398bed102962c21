"""Application documents: the one-project summary (attached to the confirmation email) and
the printable dossier of a category (one project per section)."""

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import translation

from award.models import Category, Edition
from reports.pdf import pdf_render
from submissions.models import Project


def _language(language: str | None) -> str:
    return language or translation.get_language() or "en"


def application_summary_html(project: Project, *, language: str | None = None) -> str:
    language = _language(language)
    with translation.override(language):
        return render_to_string(
            "reports/application_summary.html",
            {
                "projects": [project],
                "edition": project.edition,
                "title": project.reference or project.title,
                "language": language,
            },
        )


def application_summary_pdf(project: Project, *, language: str | None = None) -> bytes:
    return pdf_render(application_summary_html(project, language=language))


def application_dossier_pdf(
    *, edition: Edition, category: Category, projects: Sequence[Project], language: str | None = None
) -> bytes:
    language = _language(language)
    with translation.override(language):
        html = render_to_string(
            "reports/application_dossier.html",
            {"projects": projects, "edition": edition, "category": category, "language": language},
        )
    return pdf_render(html)
