"""Attachments through the API: the same limits as the form hold for a script (issue #8)."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from submissions.enums import ProjectStatus
from submissions.models import Attachment
from submissions.services import attachment_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% plan of the bus stops\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64


def _url(project, suffix=""):
    return f"/api/v1/projects/{project.pk}/attachments/{suffix}"


def _file(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_api_attachment_upload_stores_the_file_and_reads_it_back(world, api):
    client = api(world.personas["applicant"])
    response = client.upload(_url(world.project), {"file": _file("budget plan.pdf", PDF)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "budget plan.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.project_id == world.project.pk
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF
    listing = client.get(_url(world.project)).json()
    assert [item["name"] for item in listing] == ["budget plan.pdf"]
    download = client.get(_url(world.project, f"{body['id']}/download/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="budget plan.pdf"' in download["Content-Disposition"]


def test_api_attachment_type_is_read_from_the_content_not_the_name(world, api):
    client = api(world.personas["applicant"])
    response = client.upload(_url(world.project), {"file": _file("invoice.pdf", EXE)})
    assert response.status_code == 400
    assert response.json()["detail"] == [
        "“invoice.pdf” is not a PDF, PNG or JPEG file. Only these types are accepted, whatever the file name says."
    ]
    assert Attachment.objects.count() == 0


def test_api_attachment_png_sent_with_a_wrong_header_is_stored_as_png(world, api):
    client = api(world.personas["applicant"])
    response = client.upload(_url(world.project), {"file": _file("photo.pdf", PNG, "application/pdf")})
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"
    assert Attachment.objects.get().file.name.endswith(".png")


def test_api_attachment_over_the_size_limit_is_refused_in_the_callers_language(world, api, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    applicant = world.personas["applicant"]
    applicant.language = "sk"
    applicant.save(update_fields=["language"])
    client = api(applicant, language="sk")
    response = client.upload(_url(world.project), {"file": _file("big.pdf", PDF + b"0" * 2000)})
    assert response.status_code == 400
    message = response.json()["detail"][0]
    assert "big.pdf" in message
    assert "1,0" in message or "1.0" in message
    assert "too large" not in message  # translated, not English
    assert Attachment.objects.count() == 0


def test_api_attachment_count_limit_holds(world, api, settings):
    settings.ATTACHMENT_MAX_COUNT = 2
    client = api(world.personas["applicant"])
    for n in range(2):
        assert client.upload(_url(world.project), {"file": _file(f"f{n}.pdf", PDF)}).status_code == 201
    response = client.upload(_url(world.project), {"file": _file("third.pdf", PDF)})
    assert response.status_code == 400
    assert response.json()["detail"] == [
        "An application may have at most 2 attachments. Remove one before adding another."
    ]
    assert Attachment.objects.filter(project=world.project).count() == 2


def test_api_attachment_empty_or_missing_file_is_a_clear_400(world, api):
    client = api(world.personas["applicant"])
    empty = client.upload(_url(world.project), {"file": _file("empty.pdf", b"")})
    assert empty.status_code == 400
    assert empty.json()["detail"] == ["“empty.pdf” is empty."]
    missing = client.upload(_url(world.project), {})
    assert missing.status_code == 400
    assert "file" in missing.json()["errors"]
    as_json = client.post(_url(world.project), {"file": "not a file"})
    assert as_json.status_code == 415
    assert Attachment.objects.count() == 0


def test_api_attachment_upload_to_someone_elses_project_is_404_and_stores_nothing(world, api):
    client = api(world.personas["other_applicant"])
    response = client.upload(_url(world.project), {"file": _file("plan.pdf", PDF)})
    assert response.status_code == 404
    assert Attachment.objects.count() == 0


def test_api_attachment_upload_to_a_submitted_project_is_refused_with_the_reason(world, api):
    world.project.status = ProjectStatus.SUBMITTED
    world.project.save()
    client = api(world.personas["applicant"])
    response = client.upload(_url(world.project), {"file": _file("late.pdf", PDF)})
    assert response.status_code == 400
    assert response.json()["detail"] == [
        "This application is “Submitted” and cannot be changed. Reopen it as a draft first."
    ]
    assert Attachment.objects.count() == 0


def test_api_attachment_upload_after_the_deadline_is_refused(world, api):
    world.edition.submissions_close_at = timezone.now() - timedelta(hours=1)
    world.edition.save()
    client = api(world.personas["applicant"])
    response = client.upload(_url(world.project), {"file": _file("late.pdf", PDF)})
    assert response.status_code == 400
    assert "deadline" in response.json()["detail"][0]
    assert Attachment.objects.count() == 0


def _stored(world, name="plan.pdf"):
    return attachment_add(actor=world.personas["applicant"], project=world.project, upload=_file(name, PDF))


def test_api_attachment_delete_by_the_team_removes_row_and_file(world, api, django_capture_on_commit_callbacks):
    attachment = _stored(world)
    storage, name = attachment.file.storage, attachment.file.name
    client = api(world.personas["applicant"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(_url(world.project, f"{attachment.pk}/"))
    assert response.status_code == 204
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(name)


def test_api_attachment_delete_by_another_team_changes_nothing(world, api):
    attachment = _stored(world)
    response = api(world.personas["other_applicant"]).delete(_url(world.project, f"{attachment.pk}/"))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_api_attachment_of_another_project_under_this_url_is_404(world, api):
    attachment = _stored(world)
    client = api(world.personas["other_applicant"])
    response = client.get(_url(world.other_project, f"{attachment.pk}/download/"))
    assert response.status_code == 404


def test_api_attachment_name_hidden_from_jurors_in_a_blind_review(world, api):
    attachment = _stored(world, "City of Brno budget.pdf")
    world.edition.blind_review = True
    world.edition.save()
    juror = api(world.personas["juror"])
    listing = juror.get(_url(world.project)).json()
    assert [item["name"] for item in listing] == [f"attachment-{attachment.pk}"]
    download = juror.get(_url(world.project, f"{attachment.pk}/download/"))
    assert download.status_code == 200
    assert "Brno" not in download["Content-Disposition"]
    owner = api(world.personas["applicant"]).get(_url(world.project)).json()
    assert [item["name"] for item in owner] == ["City of Brno budget.pdf"]


def test_api_attachment_conflicted_juror_gets_404(world, api):
    attachment = _stored(world)
    client = api(world.personas["conflicted_juror"])
    assert client.get(_url(world.project)).status_code == 404
    assert client.get(_url(world.project, f"{attachment.pk}/download/")).status_code == 404


def test_api_attachment_mass_assignment_changes_nothing_the_server_owns(world, api):
    client = api(world.personas["applicant"])
    response = client.upload(
        _url(world.project),
        {
            "file": _file("plan.pdf", PDF),
            "project": world.other_project.pk,
            "content_type": "text/html",
            "size": 1,
            "name": "../../etc/passwd",
        },
    )
    assert response.status_code == 201
    stored = Attachment.objects.get()
    assert (stored.project_id, stored.content_type, stored.size, stored.original_name) == (
        world.project.pk,
        "application/pdf",
        len(PDF),
        "plan.pdf",
    )
    assert stored.file.name.startswith("attachments/") and ".." not in stored.file.name


@pytest.mark.parametrize("n", [1, 4])
def test_api_attachments_list_query_count_constant(world, api, django_assert_num_queries, n):
    for i in range(n):
        _stored(world, f"file{i}.pdf")
    client = api(world.personas["applicant"])
    with django_assert_num_queries(4):
        response = client.get(_url(world.project))
    assert len(response.json()) == n


def test_blind_attachment_name_agrees_on_page_download_and_api(world, api, client):
    """One rule (submissions/blind.py): the scoring page, the page's download and the API give a
    juror of a blind review the same neutral name, and none of them the file's own name."""
    attachment = _stored(world, "City of Brno budget.pdf")
    world.edition.blind_review = True
    world.edition.save()
    juror = api(world.personas["juror"])
    api_name = juror.get(_url(world.project)).json()[0]["name"]
    api_download = juror.get(_url(world.project, f"{attachment.pk}/download/"))["Content-Disposition"]
    page = client.get(reverse("scoring:score", args=[world.assignment.pk])).content.decode()
    link = reverse("scoring:attachment", args=[world.assignment.pk, attachment.pk])
    page_name = re.search(rf'<a href="{re.escape(link)}">([^<]*)</a>', page).group(1)
    page_download = client.get(link)["Content-Disposition"]

    assert api_name == page_name == f"attachment-{attachment.pk}"
    assert f'filename="{page_name}"' in page_download
    assert f'filename="{api_name}"' in api_download
    assert "Brno" not in page and "Brno" not in page_download and "Brno" not in api_download
