"""The organisers' ceremony script: who hands over each prize, how names are pronounced, and
the sponsors' and partners' slides in the order the organisers choose."""

from __future__ import annotations

import base64
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from award.limits import SHORT_TEXT
from award.models import Category, Edition, User
from award.rules import require_organiser
from award.services import audit_log
from award.setup.services import image_kind
from scoring.models import CeremonyCue, CeremonySponsor
from submissions.models import Project

SPONSOR_LOGO_MAX_BYTES = 2 * 1024 * 1024
# A logo on a 16:9 slide is at most about half the screen wide; bigger would only weigh more.
SPONSOR_LOGO_BOX = (960, 480)


def _clean_note(value: str) -> str:
    value = (value or "").strip()
    if len(value) > SHORT_TEXT:
        raise ValidationError(
            _("A note can be at most %(limit)s characters long.") % {"limit": SHORT_TEXT}, code="too_long"
        )
    return value


@transaction.atomic
def ceremony_cues_save(
    *,
    edition: Edition,
    actor: User,
    category_handovers: dict[int, str],
    pronunciations: dict[int, str],
    project_handovers: dict[int, str],
) -> int:
    """Store the presenter's notes of the edition's categories and projects (a blank note is
    removed); returns how many notes changed. Ids of another edition are refused."""
    require_organiser(actor, edition)
    categories = set(Category.objects.filter(edition=edition, pk__in=category_handovers).values_list("pk", flat=True))
    project_ids = {*pronunciations, *project_handovers}
    projects = set(Project.objects.filter(edition=edition, pk__in=project_ids).values_list("pk", flat=True))
    if categories != set(category_handovers) or projects != project_ids:
        raise ValidationError(_("These notes are not of this edition."), code="invalid")
    existing = {(c.category_id, c.project_id): c for c in CeremonyCue.objects.filter(edition=edition)}
    wanted: dict[tuple[int | None, int | None], dict[str, str]] = {}
    for pk, text in category_handovers.items():
        wanted[(pk, None)] = {"pronunciation": "", "handed_over_by": _clean_note(text)}
    for pk in project_ids:
        wanted[(None, pk)] = {
            "pronunciation": _clean_note(pronunciations.get(pk, "")),
            "handed_over_by": _clean_note(project_handovers.get(pk, "")),
        }
    changed = 0
    for (category_id, project_id), values in wanted.items():
        cue = existing.get((category_id, project_id))
        blank = not any(values.values())
        if cue is None and not blank:
            CeremonyCue.objects.create(edition=edition, category_id=category_id, project_id=project_id, **values)
            changed += 1
        elif cue is not None and blank:
            cue.delete()
            changed += 1
        elif cue is not None and any(getattr(cue, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(cue, name, value)
            cue.save(update_fields=list(values))
            changed += 1
    if changed:
        audit_log(actor=actor, action="ceremony.cues_saved", target=edition, edition=edition, data={"changed": changed})
    return changed


def sponsor_logo_data_url(upload: UploadedFile) -> str:
    """The uploaded PNG or JPEG scaled into SPONSOR_LOGO_BOX, as a data: URL (PNG keeps a
    transparent background, which most logos have)."""
    from PIL import Image

    image_kind(upload, max_bytes=SPONSOR_LOGO_MAX_BYTES)
    upload.seek(0)
    with Image.open(upload) as image:
        image.thumbnail(SPONSOR_LOGO_BOX)
        out = io.BytesIO()
        image.convert("RGBA").save(out, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@transaction.atomic
def ceremony_sponsor_add(
    *,
    edition: Edition,
    actor: User,
    name: str,
    kind: str,
    before_category: Category | None = None,
    logo: UploadedFile | None = None,
) -> CeremonySponsor:
    require_organiser(actor, edition)
    if before_category is not None and before_category.edition_id != edition.pk:
        raise ValidationError(_("This category is not of this edition."), code="invalid")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the sponsor's or partner's name."), code="required")
    if kind not in CeremonySponsor.Kind.values:
        raise ValidationError(_("Choose sponsor or partner."), code="invalid")
    position = (CeremonySponsor.objects.filter(edition=edition).aggregate(last=Max("position"))["last"] or 0) + 1
    sponsor = CeremonySponsor(
        edition=edition,
        name=name[:SHORT_TEXT],
        kind=kind,
        before_category=before_category,
        logo=sponsor_logo_data_url(logo) if logo else "",
        position=position,
    )
    sponsor.save()
    audit_log(
        actor=actor, action="ceremony.sponsor_added", target=sponsor, edition=edition, data={"name": sponsor.name}
    )
    return sponsor


@transaction.atomic
def ceremony_sponsor_move(*, sponsor: CeremonySponsor, actor: User, up: bool) -> None:
    """Swap the sponsor with its neighbour above (or below) in the organisers' order."""
    require_organiser(actor, sponsor.edition)
    ordered = list(CeremonySponsor.objects.select_for_update().filter(edition=sponsor.edition))
    index = next(i for i, s in enumerate(ordered) if s.pk == sponsor.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    audit_log(
        actor=actor,
        action="ceremony.sponsor_moved",
        target=sponsor,
        edition=sponsor.edition,
        data={"up": up, "position": other + 1},
    )


@transaction.atomic
def ceremony_sponsor_remove(*, sponsor: CeremonySponsor, actor: User) -> None:
    require_organiser(actor, sponsor.edition)
    audit_log(
        actor=actor,
        action="ceremony.sponsor_removed",
        target=sponsor,
        edition=sponsor.edition,
        data={"name": sponsor.name},
    )
    sponsor.delete()
