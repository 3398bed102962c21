"""Attachments and the account export on an S3-compatible bucket (a real HTTP server on loopback)."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.services import attachment_add
from tests.submissions.conftest import PDF_BYTES, upload
from tests.submissions.test_views import edit_url, form_data

pytestmark = pytest.mark.django_db


def test_attachment_is_stored_in_the_bucket_and_served_only_to_its_team(
    s3_media, client_for, draft, confirmed_applicant, other_applicant
):
    client = client_for(confirmed_applicant)
    response = client.post(edit_url(draft), form_data(draft, upload=upload("plan.pdf", PDF_BYTES)))
    assert response.status_code == 302
    attachment = draft.attachments.get()
    objects = s3_media.objects()
    assert list(objects) == [f"media/{attachment.file.name}"]
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".pdf")
    assert objects[f"media/{attachment.file.name}"] == PDF_BYTES
    # Private object: only the owner (the bucket's account) holds a grant, nobody else can read it.
    grants = s3_media.acl_grants(f"media/{attachment.file.name}")
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert not any("AllUsers" in g["Grantee"].get("URI", "") for g in grants)

    url = reverse("submissions:attachment", args=[draft.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES

    other_applicant.email_confirmed_at = timezone.now()
    other_applicant.save()
    response = client_for(other_applicant).get(url)
    assert response.status_code == 404


def test_removed_attachment_leaves_the_bucket(
    s3_media, client_for, draft, confirmed_applicant, django_capture_on_commit_callbacks
):
    attachment = attachment_add(actor=confirmed_applicant, project=draft, upload=upload("a.pdf", PDF_BYTES))
    assert len(s3_media.objects()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(confirmed_applicant).post(
            edit_url(draft), form_data(draft, delete_attachment=str(attachment.pk))
        )
    assert response.status_code == 302
    assert s3_media.objects() == {}


def test_missing_object_is_404_not_500(s3_media, client_for, draft, confirmed_applicant):
    attachment = attachment_add(actor=confirmed_applicant, project=draft, upload=upload("a.pdf", PDF_BYTES))
    s3_media.client.delete_object(Bucket=s3_media.name, Key=f"media/{attachment.file.name}")
    response = client_for(confirmed_applicant).get(reverse("submissions:attachment", args=[draft.pk, attachment.pk]))
    assert response.status_code == 404


def test_account_export_reads_attachments_from_the_bucket(s3_media, client_for, draft, confirmed_applicant):
    attachment_add(actor=confirmed_applicant, project=draft, upload=upload("budget plan.pdf", PDF_BYTES))
    response = client_for(confirmed_applicant).get(reverse("account_data"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    data = json.loads(archive.read("data.json"))
    path = data["projects"][0]["attachments"][0]["path_in_zip"]
    assert archive.read(path) == PDF_BYTES
    # Already-compressed files are stored as they are (deflating them again was the slow part).
    assert archive.getinfo(path).compress_type == zipfile.ZIP_STORED
    assert archive.getinfo("data.json").compress_type == zipfile.ZIP_DEFLATED
