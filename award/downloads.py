"""Serving a stored file (local disk or S3) as a download, for pages and the API alike."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file_response(field: FieldFile, *, content_type: str, filename: str | None = None) -> FileResponse:
    """The file as an attachment; a file missing from storage is a 404, not a 500 (the row can
    outlive its object, e.g. after a restore without media). DRF answers Http404 as 404 too."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename or field.name.rsplit("/", 1)[-1], content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
