import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Certificate
from reports.services import certificates_issue
from tests.factories import ProjectFactory
from tests.reports.conftest import INJECTION

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["score_matrix", "score_matrix_blind", "juror_progress", "applications"])
def test_organiser_downloads_workbooks(client_for, edition, scored, organiser, kind):
    response = client_for(organiser).get(reverse("reports:excel", args=[edition.slug, kind]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'attachment; filename="' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.active.max_row >= 2


def test_ranking_download_needs_a_round(client_for, edition, open_round, scored, organiser):
    client = client_for(organiser)
    response = client.get(reverse("reports:excel", args=[edition.slug, "ranking"]) + f"?round={open_round.number}")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Summary", "Smart City"]
    response = client.get(reverse("reports:excel", args=[edition.slug, "ranking"]) + "?round=abc", follow=True)
    assert "Choose a round for the ranking workbook." in response.content.decode()
    assert client.get(reverse("reports:excel", args=[edition.slug, "ranking"]) + "?round=99").status_code == 404
    assert client.get(reverse("reports:excel", args=[edition.slug, "nonsense"])).status_code == 404


def test_revoke_needs_a_reason_and_is_organiser_only(client_for, edition, scored, organiser, juror):
    certificate = certificates_issue(edition=edition, kinds=["winner"], actor=organiser)[0]
    url = reverse("reports:certificate_revoke", args=[edition.slug, certificate.code])
    assert client_for(juror).post(url, {"reason": "x"}).status_code == 404
    client = client_for(organiser)
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "Give a reason for revoking the certificate." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    client.post(url, {"reason": "Wrong project"})
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Wrong project" and certificate.revoked_at is not None


@pytest.mark.parametrize("extra", [0, 6])
def test_reports_page_query_count_is_constant(client_for, edition, scored, organiser, extra, django_assert_num_queries):
    for _ in range(extra):
        ProjectFactory(edition=edition, category=scored["category"], status="eligible")
    certificates_issue(edition=edition, kinds=["participant", "juror", "winner"], actor=organiser)
    client = client_for(organiser)
    client.get(reverse("reports:home", args=[edition.slug]))  # warm the session
    with django_assert_num_queries(11):
        response = client.get(reverse("reports:home", args=[edition.slug]))
    body = response.content.decode()
    assert INJECTION in body.replace("&quot;", '"') or "Mesto Žilina" in body
    assert "<img" not in body


def test_export_whose_file_is_gone_from_storage_is_a_404(client_for, edition, organiser):
    from django.core.files.base import ContentFile

    from reports.enums import ExportKind, JobStatus
    from reports.models import ExportJob

    job = ExportJob.objects.create(
        edition=edition, kind=ExportKind.APPLICATIONS, created_by=organiser, status=JobStatus.DONE
    )
    job.file.save("applications.xlsx", ContentFile(b"PK"), save=True)
    client = client_for(organiser)
    url = reverse("reports:export_file", args=[edition.slug, job.pk])
    assert b"".join(client.get(url).streaming_content) == b"PK"
    job.file.storage.delete(job.file.name)  # the row outlived its object (a restore without media)
    response = client.get(url)
    assert response.status_code == 404
    assert ExportJob.objects.filter(pk=job.pk).exists()


def test_revoke_reason_over_the_limit_is_refused_not_cut(client_for, edition, scored, organiser):
    limit = Certificate._meta.get_field("revoked_reason").max_length
    certificate = certificates_issue(edition=edition, kinds=["winner"], actor=organiser)[0]
    client = client_for(organiser)
    page = client.get(reverse("reports:home", args=[edition.slug])).content.decode()
    assert f'name="reason" required maxlength="{limit}"' in page
    url = reverse("reports:certificate_revoke", args=[edition.slug, certificate.code])
    response = client.post(url, {"reason": "r" * (limit + 1)}, follow=True)
    assert f"at most {limit} characters (it has {limit + 1})" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.revoked_reason == ""
