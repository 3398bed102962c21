"""The voting page's pictures: each standing project's first PNG or JPEG attachment (the same
picture the ceremony shows), scaled down for a phone, encoded once and cached."""

from __future__ import annotations

import io
import logging

from django.core.cache import cache

from scoring.results.ceremony import IMAGE_TYPES, MAX_PIXELS
from submissions.models import Attachment

logger = logging.getLogger(__name__)
BOX = (640, 400)
CACHE_SECONDS = 24 * 3600


def pictures_for(project_ids: list[int]) -> dict[int, Attachment]:
    """{project id: its first image attachment}, one query."""
    found: dict[int, Attachment] = {}
    for attachment in Attachment.objects.filter(project_id__in=project_ids, content_type__in=IMAGE_TYPES).order_by(
        "project_id", "uploaded_at", "id"
    ):
        found.setdefault(attachment.project_id, attachment)
    return found


def thumbnail(attachment: Attachment) -> bytes | None:
    key = f"vote-picture:v1:{attachment.pk}:{attachment.file.name}:{attachment.size}"
    data = cache.get(key)
    if data is None:
        data = _scaled(attachment) or b""
        cache.set(key, data, CACHE_SECONDS)
    return data or None


def _scaled(attachment: Attachment) -> bytes | None:
    from PIL import Image, ImageOps

    try:
        with attachment.file.open("rb") as handle, Image.open(handle) as image:
            if image.format not in {"PNG", "JPEG"} or image.width * image.height > MAX_PIXELS:
                return None
            image.draft("RGB", BOX)
            image = ImageOps.exif_transpose(image)
            image.thumbnail(BOX)
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80, optimize=True, progressive=True)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        logger.warning("Vote: attachment %s is not a readable image", attachment.pk)
        return None
