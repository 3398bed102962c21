"""The ceremony presentation: per category the finalists one by one, then the winner revealed.

Everything the slides show is gathered here in a fixed number of queries (categories, results,
image attachments), and each finalist's picture is scaled down with Pillow and embedded as a
`data:` URL, so that once the page is loaded nothing else is fetched: the laptop on stage may
lose the network. The caller checks the embargo (organisers only before publication).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.core.cache import cache

from award.enums import Country
from award.models import Category, Edition
from scoring.enums import ResultKind
from scoring.models import CeremonyCue, CeremonySponsor, Result
from scoring.results.selectors import published_results_of
from submissions.models import Attachment, Project

logger = logging.getLogger(__name__)

IMAGE_TYPES = ("image/png", "image/jpeg")
# A projector is 16:9 and rarely more than 1920 wide; the picture fills about two thirds of it.
IMAGE_BOX = (1280, 720)
JPEG_QUALITY = 80
# Refuse to decode pictures bigger than this (a decompression bomb would otherwise eat the RAM).
MAX_PIXELS = 64_000_000
# Scaling a 12-megapixel photo takes about half a second; an attachment's file never changes
# (a new upload is a new row with a new random name), so the result can be kept for a day.
PICTURE_CACHE_SECONDS = 24 * 3600


@dataclass
class CeremonyEntry:
    project: Project
    country_name: str
    picture: str | None  # a data: URL
    title: str = ""  # the special award's title
    citation: str = ""
    is_winner: bool = False
    pronunciation: str = ""  # the presenter's notes
    handed_over_by: str = ""


@dataclass
class CeremonyCategory:
    category: Category
    finalists: list[CeremonyEntry] = field(default_factory=list)
    winners: list[CeremonyEntry] = field(default_factory=list)
    handed_over_by: str = ""
    sponsors: list[CeremonySponsor] = field(default_factory=list)  # their slides come first


@dataclass
class Ceremony:
    edition: Edition
    categories: list[CeremonyCategory]
    special: list[CeremonyEntry]
    sponsors: list[CeremonySponsor] = field(default_factory=list)  # after the title slide


def picture_data_url(attachment: Attachment) -> str | None:
    """The attachment scaled into IMAGE_BOX as a data: URL, read through the storage API;
    None if it is not a readable PNG or JPEG (the slide then shows a placeholder)."""
    from PIL import Image, ImageOps

    try:
        with attachment.file.open("rb") as handle:
            with Image.open(handle) as image:
                if image.format not in {"PNG", "JPEG"}:
                    return None
                if image.width * image.height > MAX_PIXELS:
                    return None
                # Decoding a JPEG at a reduced scale is several times faster than resizing afterwards.
                image.draft("RGB", IMAGE_BOX)
                image = ImageOps.exif_transpose(image)
                image.thumbnail(IMAGE_BOX)
                has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
                out = io.BytesIO()
                if has_alpha:
                    image.convert("RGBA").save(out, "PNG", optimize=True)
                    mime = "image/png"
                else:
                    image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
                    mime = "image/jpeg"
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        logger.warning("Ceremony: attachment %s is not a readable image", attachment.pk)
        return None
    return f"data:{mime};base64,{base64.b64encode(out.getvalue()).decode('ascii')}"


def cached_picture(attachment: Attachment) -> str | None:
    key = f"ceremony-picture:v1:{attachment.pk}:{attachment.file.name}:{attachment.size}"
    picture = cache.get(key)
    if picture is None:
        picture = picture_data_url(attachment) or ""  # "" remembers an unreadable file too
        cache.set(key, picture, PICTURE_CACHE_SECONDS)
    return picture or None


def _pictures(projects: list[Project]) -> dict[int, str]:
    """The first readable PNG or JPEG attachment of each project, in one query."""
    pictures: dict[int, str] = {}
    attachments = Attachment.objects.filter(
        project_id__in=[p.pk for p in projects], content_type__in=IMAGE_TYPES
    ).order_by("project_id", "uploaded_at", "id")
    for attachment in attachments:
        if attachment.project_id in pictures:
            continue
        picture = cached_picture(attachment)
        if picture:
            pictures[attachment.project_id] = picture
    return pictures


def ceremony_for(edition: Edition, *, pictures: bool = True) -> Ceremony:
    """The slides' content: categories in order with finalists (by reference, the winner among
    them) and winners, then the special awards. Categories without results are left out. Once the
    results are published the decisions are the sealed ones (``published_results_of``).
    ``pictures=False`` for what shows none (the script page, the printouts): scaling a cold
    picture takes about half a second, too much to spend in a request for nothing."""
    groups, _sealed = published_results_of(edition)
    countries = dict(Country.choices)
    projects = {r.project.pk: r.project for g in groups for r in (*g.finalists, *g.winners, *g.special)}
    pictures = _pictures(list(projects.values())) if pictures else {}
    project_cues: dict[int, CeremonyCue] = {}
    category_cues: dict[int, CeremonyCue] = {}
    for cue in CeremonyCue.objects.filter(edition=edition):
        if cue.project_id:
            project_cues[cue.project_id] = cue
        else:
            category_cues[cue.category_id] = cue
    sponsors = list(CeremonySponsor.objects.filter(edition=edition))

    def entry(result: Result, **extra) -> CeremonyEntry:
        project = result.project
        cue = project_cues.get(project.pk)
        return CeremonyEntry(
            project=project,
            country_name=str(countries.get(project.country, project.country)),
            picture=pictures.get(project.pk),
            pronunciation=cue.pronunciation if cue else "",
            handed_over_by=cue.handed_over_by if cue and result.kind == ResultKind.SPECIAL else "",
            **extra,
        )

    categories = []
    special = []
    for group in groups:
        winner_ids = {r.project_id for r in group.winners}
        finalists = {r.project_id: r for r in group.finalists}
        # A winner named against the ranking may not have been a finalist; it is presented as one.
        for result in group.winners:
            finalists.setdefault(result.project_id, result)
        ordered = sorted(finalists.values(), key=lambda r: (r.project.reference or "", r.project.title, r.project_id))
        if ordered:
            cue = category_cues.get(group.category.pk)
            categories.append(
                CeremonyCategory(
                    category=group.category,
                    finalists=[entry(r, is_winner=r.project_id in winner_ids) for r in ordered],
                    winners=[entry(r, is_winner=True) for r in group.winners],
                    handed_over_by=cue.handed_over_by if cue else "",
                    sponsors=[s for s in sponsors if s.before_category_id == group.category.pk],
                )
            )
        special.extend(entry(r, title=r.title, citation=r.citation) for r in group.special)
    # A sponsor placed before a category that has no slides is shown after the title slide.
    shown = {group.category.pk for group in categories}
    opening = [s for s in sponsors if s.before_category_id not in shown]
    return Ceremony(edition=edition, categories=categories, special=special, sponsors=opening)


def static_text(path: str) -> str:
    """A static file's text for the self-contained offline copy."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"
