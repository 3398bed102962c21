"""The category dossier as a background export job (a PDF, not a workbook)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.enums import ExportKind
from reports.models import ExportJob
from reports.services import dossier_start, export_start
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, name="Smart City")


def test_dossier_job_needs_a_category_in_the_database(edition, category):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(edition=edition, kind=ExportKind.DOSSIER)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(edition=edition, kind=ExportKind.APPLICATIONS, category=category)
    assert ExportJob.objects.create(edition=edition, kind=ExportKind.DOSSIER, category=category).pk


def test_export_start_refuses_a_dossier_without_its_editions_category(edition, category, organiser):
    foreign = CategoryFactory(edition=EditionFactory())
    with pytest.raises(ValueError):
        export_start(edition=edition, kind=ExportKind.DOSSIER, actor=organiser)
    with pytest.raises(ValueError):
        export_start(edition=edition, kind=ExportKind.DOSSIER, actor=organiser, category=foreign)
    with pytest.raises(ValueError):
        export_start(edition=edition, kind=ExportKind.APPLICATIONS, actor=organiser, category=category)
    assert not ExportJob.objects.exists()


def test_dossier_start_counts_the_submitted_projects(edition, category, organiser):
    ProjectFactory(edition=edition, category=category, status="submitted")
    ProjectFactory(edition=edition, category=category, status="eligible")
    ProjectFactory(edition=edition, category=category, status="draft")
    job = dossier_start(edition=edition, category=category, actor=organiser)
    assert (job.kind, job.category, job.total, job.status) == ("dossier", category, 2, "queued")
    assert job.content_type == "application/pdf"


def test_dossier_is_not_an_excel_download(client_for, edition, organiser):
    response = client_for(organiser).get(reverse("reports:excel", args=[edition.slug, "dossier"]))
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_reports_page_lists_a_dossier_job_with_its_category(client_for, edition, category, organiser):
    category.name = "Mobility of tomorrow"
    category.save(update_fields=["name"])
    ExportJob.objects.create(edition=edition, kind=ExportKind.DOSSIER, category=category)
    body = client_for(organiser).get(reverse("reports:home", args=[edition.slug])).content.decode()
    assert "Category dossier (PDF): Mobility of tomorrow" in body
    # The dossier is started per category from the screening page, not offered as a workbook.
    assert reverse("reports:excel", args=[edition.slug, "dossier"]) not in body
