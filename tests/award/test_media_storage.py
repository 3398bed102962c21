"""MEDIA_STORAGE / AWS_* environment variables -> STORAGES["default"]."""

import pytest

from award.env import media_storage

S3_VARIABLES = [
    "MEDIA_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_LOCATION",
]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_media_storage_is_the_local_folder_by_default():
    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_media_storage_bucket_name_alone_selects_private_s3(monkeypatch):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "award-media")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("AWS_S3_ADDRESSING_STYLE", "path")
    storage = media_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "award-media"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None and options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert options["access_key"] is None  # boto3's own chain (instance role) applies


def test_media_storage_s3_without_bucket_or_unknown_kind_fails_loudly(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    with pytest.raises(RuntimeError, match="AWS_STORAGE_BUCKET_NAME"):
        media_storage()
    monkeypatch.setenv("MEDIA_STORAGE", "ftp")
    with pytest.raises(RuntimeError, match="'local' or 's3'"):
        media_storage()
