"""Attachment checks. The type is read from the file's first bytes, never from its name or
the browser's Content-Type, so an HTML page renamed to `.pdf` is refused."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ATTACHMENT_MAX_BYTES_DEFAULT = 20 * 1024 * 1024
ATTACHMENT_MAX_COUNT_DEFAULT = 10

# (signature, content type, extension)
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]


def attachment_max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES_DEFAULT))


def attachment_max_count() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_COUNT", ATTACHMENT_MAX_COUNT_DEFAULT))


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def attachment_validate(upload: UploadedFile) -> tuple[str, str]:
    """Return (content type, extension) of an acceptable upload or raise ValidationError."""
    limit = attachment_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s). Each file may be at most %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size or 0), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name}, code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff_content_type(head)
    if found is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, PNG or JPEG file. Only these types are accepted, whatever the file name says.")
            % {"name": upload.name},
            code="bad_type",
        )
    return found
