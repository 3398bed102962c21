"""Certificates, certificate batches and exports through the API (issues #6 and #7)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.enums import CertificateKind, JobStatus
from reports.models import Certificate, CertificateBatch, ExportJob
from submissions.enums import ProjectStatus

pytestmark = pytest.mark.django_db


def _publish(edition, when=None):
    edition.results_published_at = when or timezone.now() - timedelta(days=1)
    edition.save()


def _certificate(world, **fields):
    values = {
        "edition": world.edition,
        "kind": CertificateKind.PARTICIPANT,
        "project": world.project,
        "category": world.category,
        "recipient_name": "City of Brno",
        "project_title": "Bus stops",
        "reference": "V4A-2026-0001",
    }
    values.update(fields)
    return Certificate.objects.create(**values)


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_api_certificates_mine_only_after_publication(world, api):
    mine = _certificate(world)
    _certificate(world, project=world.other_project, recipient_name="Other town", reference="V4A-2026-0099")
    client = api(world.personas["applicant"])
    assert client.get("/api/v1/certificates/").json()["results"] == []
    assert client.get(f"/api/v1/certificates/{mine.code}/pdf/").status_code == 404
    _publish(world.edition)
    body = client.get("/api/v1/certificates/").json()
    assert [(c["code"], c["recipient_name"], c["revoked"]) for c in body["results"]] == [
        (mine.code, "City of Brno", False)
    ]


def test_api_certificate_pdf_download_states_the_recipient(world, api):
    certificate = _certificate(world)
    _publish(world.edition)
    response = api(world.personas["applicant"]).get(f"/api/v1/certificates/{certificate.code}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "City of Brno" in text
    assert "Bus stops" in text


def test_api_certificate_of_another_team_is_404(world, api):
    certificate = _certificate(world)
    _publish(world.edition)
    client = api(world.personas["other_applicant"])
    assert client.get(f"/api/v1/certificates/{certificate.code}/").status_code == 404
    assert client.get(f"/api/v1/certificates/{certificate.code}/pdf/").status_code == 404


def test_api_certificate_verify_is_public_and_says_revoked(world, api, client):
    certificate = _certificate(world)
    anonymous = api(None)
    body = anonymous.get(f"/api/v1/certificates/{certificate.code}/verify/").json()
    assert body["valid"] is True
    assert body["revoked"] is False
    assert body["recipient_name"] == "City of Brno"
    assert body["project_title"] == "Bus stops"
    assert body["edition_name"] == world.edition.name
    assert "project" not in body and "edition" not in body  # nothing to look up further
    organiser = api(world.personas["organiser"])
    revoked = organiser.post(f"/api/v1/certificates/{certificate.code}/revoke/", {"reason": "Issued by mistake"})
    assert revoked.status_code == 200
    assert revoked.json()["revoked"] is True
    body = api(None).get(f"/api/v1/certificates/{certificate.code}/verify/").json()
    assert (body["valid"], body["revoked"], body["revoked_reason"]) == (False, True, "Issued by mistake")
    # A revoked certificate is not printed again.
    _publish(world.edition)
    assert api(world.personas["applicant"]).get(f"/api/v1/certificates/{certificate.code}/pdf/").status_code == 404


def test_api_certificate_verify_unknown_code_is_404_json(world, api):
    response = api(None).get("/api/v1/certificates/no-such-code/verify/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_certificate_revoke_needs_a_reason(world, api):
    certificate = _certificate(world)
    response = api(world.personas["organiser"]).post(
        f"/api/v1/certificates/{certificate.code}/revoke/", {"reason": " "}
    )
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_api_certificate_batch_start_poll_download(world, api, django_capture_on_commit_callbacks):
    world.project.status = ProjectStatus.ELIGIBLE
    world.project.save()
    client = api(world.personas["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/certificate-batches/",
            {"edition": world.edition.pk, "kinds": ["participant"], "status": "done", "created_by": 1},
        )
    assert response.status_code == 201, response.content
    batch_id = response.json()["id"]
    polled = client.get(f"/api/v1/certificate-batches/{batch_id}/").json()
    assert (polled["status"], polled["percent"], polled["total"], polled["kinds"]) == ("done", 100, 1, ["participant"])
    assert polled["pdf_url"].endswith(f"/api/v1/certificate-batches/{batch_id}/pdf/")
    pdf = client.get(f"/api/v1/certificate-batches/{batch_id}/pdf/")
    assert pdf.status_code == 200
    assert "Bus stops" in _pdf_text(b"".join(pdf.streaming_content))
    archive = client.get(f"/api/v1/certificate-batches/{batch_id}/zip/")
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert len(names) == 1 and names[0].endswith(".pdf")
    assert Certificate.objects.filter(edition=world.edition, kind="participant", project=world.project).count() == 1
    assert CertificateBatch.objects.get(pk=batch_id).created_by == world.personas["organiser"]


def test_api_certificate_batch_not_ready_and_bad_kinds(world, api):
    client = api(world.personas["organiser"])
    bad = client.post("/api/v1/certificate-batches/", {"edition": world.edition.pk, "kinds": ["diploma"]})
    assert bad.status_code == 400
    assert "kinds" in bad.json()["errors"]
    empty = client.post("/api/v1/certificate-batches/", {"edition": world.edition.pk, "kinds": []})
    assert empty.status_code == 400
    queued = client.post("/api/v1/certificate-batches/", {"edition": world.edition.pk, "kinds": ["juror"]}).json()
    assert queued["status"] == "queued" and queued["pdf_url"] is None
    waiting = client.get(f"/api/v1/certificate-batches/{queued['id']}/pdf/")
    assert waiting.status_code == 404
    assert waiting.json() == {"detail": "The file is not ready yet."}


def test_api_certificate_batch_for_another_edition_is_refused(world, api):
    response = api(world.personas["other_organiser"]).post(
        "/api/v1/certificate-batches/", {"edition": world.edition.pk, "kinds": ["juror"]}
    )
    assert response.status_code == 404  # another edition: as if it did not exist
    assert not CertificateBatch.objects.exists()


def test_api_certificate_batch_email_queues_each_certificate_once(world, api, django_capture_on_commit_callbacks):
    from django.core import mail

    from reports.certificates import verify_url

    world.project.status = ProjectStatus.ELIGIBLE
    world.project.save()
    world.project.owner.language = "sk"
    world.project.owner.save()
    client = api(world.personas["organiser"])
    not_ready = client.post(
        "/api/v1/certificate-batches/", {"edition": world.edition.pk, "kinds": ["participant"]}
    ).json()["id"]
    refused = client.post(f"/api/v1/certificate-batches/{not_ready}/email/")
    assert (refused.status_code, refused.json()) == (
        409,
        {"detail": "The certificates can be emailed once the batch is ready."},
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = client.post(
            "/api/v1/certificate-batches/", {"edition": world.edition.pk, "kinds": ["participant", "juror"]}
        ).json()["id"]
    url = f"/api/v1/certificate-batches/{batch}/email/"
    # Queued, not yet sent (the worker has not run): the answer says how many will go out.
    response = client.post(url)
    assert response.status_code == 202, response.content
    body = response.json()
    jurors = 4  # juror, other_juror, the conflicted juror and the chair
    assert (body["batch"], body["queued"], body["waiting"], body["sent"]) == (batch, 1 + jurors, 0, 0)
    assert body["detail"] == f"{1 + jurors} certificates are being emailed to their recipients."
    assert body["emails_queued_at"] is not None and mail.outbox == []
    # A second call while they are on their way queues nothing twice.
    again = client.post(url)
    assert again.status_code == 200
    assert (again.json()["queued"], again.json()["waiting"]) == (0, 1 + jurors)
    # Sent by the worker (tasks run at once here): one email each, in the recipient's language.
    Certificate.objects.update(email_queued_at=None)  # as if the worker lost the earlier queue
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url)
    assert sent.status_code == 202 and sent.json()["queued"] == 1 + jurors
    assert len(mail.outbox) == 1 + jurors
    team = next(m for m in mail.outbox if m.to == [world.project.owner.email])
    certificate = Certificate.objects.get(project=world.project, kind="participant")
    assert verify_url(certificate, "http://testserver") in team.body
    assert "Tím V4 Smart Project Award" in team.body  # Slovak
    ((name, pdf, mimetype),) = team.attachments
    assert mimetype == "application/pdf" and name.endswith(".pdf") and "Bus stops" in _pdf_text(pdf)
    # Everything sent: calling again mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url)
    assert (done.status_code, done.json()["queued"], done.json()["sent"]) == (200, 0, 1 + jurors)
    assert done.json()["detail"] == "Every certificate of this batch has been emailed already."
    assert len(mail.outbox) == 1 + jurors


def test_api_certificate_batch_email_is_refused_to_others(world, api):
    batch = CertificateBatch.objects.create(edition=world.edition, kinds=["juror"], status=JobStatus.DONE)
    url = f"/api/v1/certificate-batches/{batch.pk}/email/"
    for persona, expected in (("juror", 403), ("applicant", 403), ("other_organiser", 404), ("anonymous", 401)):
        assert api(world.personas[persona]).post(url).status_code == expected
    batch.refresh_from_db()
    assert batch.emails_queued_at is None and not Certificate.objects.exists()


def test_api_export_start_poll_download(world, api, django_capture_on_commit_callbacks):
    world.other_project.title = "Other lights"
    client = api(world.personas["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/exports/", {"edition": world.edition.pk, "kind": "applications", "status": "done"}
        )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    polled = client.get(f"/api/v1/exports/{job_id}/").json()
    assert (polled["status"], polled["percent"], polled["kind"]) == ("done", 100, "applications")
    assert polled["download_url"].endswith(f"/api/v1/exports/{job_id}/download/")
    download = client.get(f"/api/v1/exports/{job_id}/download/")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = {cell.value for row in workbook.active.iter_rows() for cell in row}
    assert "Bus stops" in cells and "Other lights" in cells
    assert ExportJob.objects.get(pk=job_id).created_by == world.personas["organiser"]


@pytest.mark.parametrize("kind", ["ranking", "score_matrix", "score_matrix_blind", "juror_progress", "applications"])
def test_api_export_every_kind_finishes(world, api, django_capture_on_commit_callbacks, kind):
    client = api(world.personas["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post("/api/v1/exports/", {"edition": world.edition.pk, "kind": kind}).json()["id"]
    job = ExportJob.objects.get(pk=job_id)
    assert job.status in {JobStatus.DONE, JobStatus.FAILED}
    polled = client.get(f"/api/v1/exports/{job_id}/").json()
    assert polled["finished"] is True
    if job.status == JobStatus.DONE:
        assert client.get(f"/api/v1/exports/{job_id}/download/").status_code == 200


def test_api_export_unknown_kind_is_400(world, api):
    response = api(world.personas["organiser"]).post(
        "/api/v1/exports/", {"edition": world.edition.pk, "kind": "passwords"}
    )
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    assert not ExportJob.objects.exists()


def test_api_exports_of_another_edition_are_invisible(world, api):
    job = ExportJob.objects.create(edition=world.edition, kind="applications", status=JobStatus.DONE)
    client = api(world.personas["other_organiser"])
    assert client.get("/api/v1/exports/").json()["results"] == []
    assert client.get(f"/api/v1/exports/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/exports/{job.pk}/download/").status_code == 404


@pytest.mark.parametrize("n", [1, 4])
def test_api_certificates_list_query_count_constant(world, api, django_assert_num_queries, n):
    _publish(world.edition)
    for i in range(n):
        _certificate(world, award_title=f"Award {i}")
    client = api(world.personas["organiser"])
    with django_assert_num_queries(4):
        response = client.get("/api/v1/certificates/")
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 4])
def test_api_jobs_lists_query_count_constant(world, api, django_assert_num_queries, n):
    for _i in range(n):
        ExportJob.objects.create(edition=world.edition, kind="applications")
        CertificateBatch.objects.create(edition=world.edition, kinds=["juror"])
    client = api(world.personas["organiser"])
    with django_assert_num_queries(4):
        exports = client.get("/api/v1/exports/")
    with django_assert_num_queries(4):
        batches = client.get("/api/v1/certificate-batches/")
    assert len(exports.json()["results"]) == n
    assert len(batches.json()["results"]) == n


def test_api_dossier_start_poll_download(world, api, django_capture_on_commit_callbacks):
    for project in (world.project, world.other_project):
        project.status = ProjectStatus.SUBMITTED
        project.save(update_fields=["status"])
    client = api(world.personas["organiser"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/exports/", {"edition": world.edition.pk, "kind": "dossier", "category": world.category.pk}
        )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    polled = client.get(f"/api/v1/exports/{job_id}/").json()
    assert (polled["status"], polled["percent"], polled["kind"], polled["category"]) == (
        "done",
        100,
        "dossier",
        world.category.pk,
    )
    assert (polled["done"], polled["total"]) == (2, 2)
    assert polled["download_url"].endswith(f"/api/v1/exports/{job_id}/download/")
    download = client.get(f"/api/v1/exports/{job_id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert ".pdf" in download["Content-Disposition"]
    text = _pdf_text(b"".join(download.streaming_content))
    assert "Bus stops" in text and "Other lights" in text


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "dossier"},
        {"kind": "dossier", "category": "other"},
        {"kind": "dossier", "category": 2**31 - 1},
        {"kind": "applications", "category": "own"},
    ],
    ids=["no-category", "other-editions-category", "unknown-category", "category-on-a-workbook"],
)
def test_api_dossier_category_must_be_of_the_edition(world, api, body):
    body = {**body, "edition": world.edition.pk}
    body["category"] = {"other": world.other_category.pk, "own": world.category.pk}.get(
        body.get("category"), body.get("category")
    )
    body = {key: value for key, value in body.items() if value is not None}
    response = api(world.personas["organiser"]).post("/api/v1/exports/", body)
    assert response.status_code == 400
    assert "category" in response.json()["errors"]
    assert not ExportJob.objects.exists()


def test_api_dossier_for_another_edition_is_refused(world, api):
    response = api(world.personas["other_organiser"]).post(
        "/api/v1/exports/", {"edition": world.edition.pk, "kind": "dossier", "category": world.category.pk}
    )
    assert response.status_code == 404  # another edition: as if it did not exist
    assert not ExportJob.objects.exists()
