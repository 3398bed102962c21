"""The set-up's writes: one service per step, each in one transaction with an audit entry.

Once the call is open, a change that would leave the edition half-configured (the last category
removed, a text emptied in a language of the call) is refused and rolled back: what is public
stays complete."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from award.enums import FinalMode, Role
from award.models import Category, Criterion, Edition, EditionRole, Round, User
from award.rules import require_organiser
from award.services import audit_log
from award.setup.readiness import edition_readiness


def _keep_public_complete(edition: Edition) -> None:
    """Inside the step's transaction: refuse (and so roll back) a change that leaves an open
    call with a blocking gap."""
    if edition.call_opened_at is None:
        return
    edition.refresh_from_db()
    blocking = edition_readiness(edition).blocking
    # A deadline passing is time, not a change: it does not block editing an open call.
    blocking = [gap for gap in blocking if gap.code != "deadline_passed"]
    if blocking:
        raise ValidationError(
            [_("The call is open, so this change cannot be saved: it would leave the edition incomplete.")]
            + [gap.message for gap in blocking]
        )


def _changed(obj, changes: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# --- The administrator: an edition's shell and its organisers ------------------------------


@transaction.atomic
def edition_create(*, actor: User, name: str, slug: str, year: int, organiser: User, **fields: Any) -> Edition:
    """The system's administrator creates an edition (not yet public) and appoints its first
    organiser, who then sets it up in the app."""
    if not actor.is_superuser:
        raise ValidationError(_("Only the system's administrator can create an edition."), code="forbidden")
    if Edition.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another edition already has this web address.")})
    edition = Edition(name_en=name, slug=slug, year=year, call_opened_at=None, **fields)
    edition.full_clean(exclude=["name"])
    edition.save()
    EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)
    audit_log(
        actor=actor, action="edition.create", target=edition, edition=edition, data={"organiser": organiser.email}
    )
    return edition


# --- Step 1: basics and timeline -----------------------------------------------------------


@transaction.atomic
def edition_basics_save(*, actor: User, edition: Edition, changes: dict[str, Any]) -> Edition:
    require_organiser(actor, edition)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if "languages" in changes:
        changes["languages"] = ["en", *[code for code in changes["languages"] if code != "en"]]
    changed = _changed(edition, changes)
    if changed:
        edition.save()
        audit_log(actor=actor, action="setup.basics", target=edition, edition=edition, data={"fields": changed})
    _keep_public_complete(edition)
    return edition


# --- Step 2: categories ----------------------------------------------------------------------


def _unique_slug(edition: Edition, text: str, taken: set[str]) -> str:
    base = slugify(text)[:40] or "category"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def categories_save(
    *,
    actor: User,
    edition: Edition,
    rows: Iterable[tuple[Category | None, dict[str, Any]]],
    removed: Iterable[Category] = (),
) -> list[Category]:
    """Save the categories in the order given (new ones have None), remove `removed`."""
    require_organiser(actor, edition)
    removed = list(Category.objects.filter(edition=edition, pk__in=[c.pk for c in removed if c.pk]))
    for category in removed:
        try:
            category.delete()
        except ProtectedError:
            raise ValidationError(
                _("“%(name)s” has applications, so it cannot be removed.") % {"name": category.name_en}
            ) from None
    taken = set(Category.objects.filter(edition=edition).values_list("slug", flat=True))
    saved, changes_log = [], []
    for position, (category, values) in enumerate(rows):
        if category is None:
            category = Category(edition=edition, slug=_unique_slug(edition, values.get("name_en", ""), taken))
        else:
            # From the database: a form has already written its values onto its own instance.
            category = Category.objects.filter(edition=edition, pk=category.pk).first()
            if category is None:
                continue
        changed = _changed(category, {**values, "position": position})
        if changed or category.pk is None:
            category.save()
            changes_log.append(category.slug)
        saved.append(category)
    if changes_log or removed:
        audit_log(
            actor=actor,
            action="setup.categories",
            target=edition,
            edition=edition,
            data={"saved": changes_log, "removed": [c.name_en for c in removed]},
        )
    _keep_public_complete(edition)
    return saved


# --- Step 3: the rubric ----------------------------------------------------------------------


@transaction.atomic
def criterion_save(*, actor: User, edition: Edition, criterion: Criterion | None, values: dict[str, Any]) -> Criterion:
    require_organiser(actor, edition)
    if criterion is None:
        last = Criterion.objects.filter(edition=edition).aggregate(last=Max("position"))["last"]
        criterion = Criterion(edition=edition, position=0 if last is None else last + 1)
    else:
        # From the database: a form has already written its values onto its own instance.
        criterion = Criterion.objects.select_for_update().filter(edition=edition, pk=criterion.pk).first()
        if criterion is None:
            raise ValidationError(_("This criterion is not in this edition."), code="not_found")
    if (
        criterion.pk
        and criterion.scores.exists()
        and any(
            getattr(criterion, name) != values[name] for name in ("min_value", "max_value", "step") if name in values
        )
    ):
        raise ValidationError(_("Jurors have scored this criterion: its range and step can no longer change."))
    changed = _changed(criterion, values)
    new = criterion.pk is None
    criterion.full_clean(exclude=["name", "guidance", "level_descriptors"])
    criterion.save()
    if changed or new:
        audit_log(
            actor=actor,
            action="setup.criterion.add" if new else "setup.criterion.change",
            target=criterion,
            edition=edition,
            data={"fields": changed},
        )
    _keep_public_complete(edition)
    return criterion


@transaction.atomic
def criterion_remove(*, actor: User, edition: Edition, criterion: Criterion) -> None:
    require_organiser(actor, edition)
    name = criterion.name_en
    try:
        criterion.delete()
    except ProtectedError:
        raise ValidationError(_("Jurors have scored “%(name)s”, so it cannot be removed.") % {"name": name}) from None
    audit_log(actor=actor, action="setup.criterion.remove", edition=edition, data={"name": name})
    _keep_public_complete(edition)


@transaction.atomic
def criteria_reorder(*, actor: User, edition: Edition, order: list[int]) -> None:
    """Put the rubric in the order of `order` (criterion ids, every one of the edition's once)."""
    require_organiser(actor, edition)
    criteria = {c.pk: c for c in Criterion.objects.select_for_update().filter(edition=edition)}
    if sorted(order) != sorted(criteria):
        raise ValidationError(_("The rubric changed meanwhile: reload the page and try again."), code="stale")
    moved = [c for position, pk in enumerate(order) if (c := criteria[pk]).position != position]
    for position, pk in enumerate(order):
        criteria[pk].position = position
    Criterion.objects.bulk_update(list(criteria.values()), ["position"])
    if moved:
        audit_log(actor=actor, action="setup.criteria.reorder", target=edition, edition=edition, data={"order": order})


def criterion_move(*, actor: User, edition: Edition, criterion: Criterion, offset: int) -> None:
    """Move one criterion up (-1) or down (+1): the keyboard's and the no-script way."""
    order = list(Criterion.objects.filter(edition=edition).order_by("position", "id").values_list("pk", flat=True))
    if criterion.pk not in order:
        raise ValidationError(_("This criterion is not in this edition."), code="not_found")
    at = order.index(criterion.pk)
    to = max(0, min(len(order) - 1, at + offset))
    order.insert(to, order.pop(at))
    criteria_reorder(actor=actor, edition=edition, order=order)


# --- Step 4: rounds and rules ----------------------------------------------------------------


def final_mode_change_refused(round_: Round, mode: str) -> str | None:
    """Why the round's final mode may not become ``mode`` now, or None. A ranked round whose
    ballots are cast, or a scored round whose scores are saved, keeps its mode: switching would
    drop the panel's work from the decision. (Reverse relations: scoring may not be imported.)"""
    if round_.pk is None or mode == round_.final_mode:
        return None
    if round_.final_mode == FinalMode.RANKED and round_.ballots.exists():
        return _("Ballots have been cast in “%(name)s”, so it must stay decided by ranked ballots.") % {
            "name": round_.name
        }
    if mode == FinalMode.RANKED and round_.assignments.filter(scores__isnull=False).exists():
        return _("Scores have been saved in “%(name)s”, so it cannot switch to a ranked ballot.") % {
            "name": round_.name
        }
    return None


@transaction.atomic
def rounds_save(
    *,
    actor: User,
    edition: Edition,
    rules: dict[str, Any],
    rows: Iterable[tuple[Round | None, dict[str, Any]]],
    removed: Iterable[Round] = (),
) -> Edition:
    require_organiser(actor, edition)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    changed_rules = _changed(edition, rules)
    if changed_rules:
        edition.save()
    removed = list(Round.objects.filter(edition=edition, pk__in=[r.pk for r in removed if r.pk]))
    for round_ in removed:
        if round_.assignments.exists():
            raise ValidationError(
                _("“%(name)s” has jury assignments, so it cannot be removed.") % {"name": round_.name_en}
            )
        round_.delete()
    mine = Round.objects.in_bulk([r.pk for r, _v in rows if r is not None and r.pk])
    mine = {pk: r for pk, r in mine.items() if r.edition_id == edition.pk}
    rows = [(None if r is None else mine.get(r.pk), v) for r, v in rows if r is None or r.pk in mine]
    # Renumber through free numbers first: two rows swapping numbers would meet the unique rule.
    kept = [r for r, _v in rows if r is not None]
    offset = 1000 + max([0, *[r.number for r in kept]])
    for round_ in kept:
        Round.objects.filter(pk=round_.pk).update(number=round_.number + offset)
    saved = []
    for number, (round_, values) in enumerate(sorted(rows, key=lambda row: row[1]["scoring_opens_at"]), start=1):
        if round_ is not None:
            # Locked against a ballot being cast meanwhile: the check and the switch are one step.
            round_ = Round.objects.select_for_update().get(pk=round_.pk)
            refused = final_mode_change_refused(round_, values.get("final_mode", round_.final_mode))
            if refused:
                raise ValidationError(refused, code="final_mode_locked")
        round_ = round_ or Round(edition=edition)
        _changed(round_, {**values, "number": number})
        round_.full_clean(exclude=["name", "edition"], validate_unique=False)
        round_.save()
        saved.append(round_.pk)
    audit_log(
        actor=actor,
        action="setup.rounds",
        target=edition,
        edition=edition,
        data={"rules": changed_rules, "rounds": saved, "removed": [r.name_en for r in removed]},
    )
    _keep_public_complete(edition)
    return edition


# --- Step 5: signatories ---------------------------------------------------------------------

SIGNATURE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
SIGNATURE_MAX_BYTES = 300 * 1024
LOGO_MAX_BYTES = 1024 * 1024


def image_kind(upload: UploadedFile, *, max_bytes: int) -> str:
    """The MIME type of an uploaded PNG or JPEG read from its first bytes (never from its name
    or the browser's word), after Pillow has opened it; ValidationError otherwise."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is too large: at most %(size)s KB.") % {"size": max_bytes // 1024}, code="invalid"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = next((mime for magic, mime in SIGNATURE_TYPES.items() if head.startswith(magic)), None)
    if kind is None:
        raise ValidationError(_("Upload a PNG or JPEG image."), code="invalid")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not a readable image."), code="invalid") from None
    finally:
        upload.seek(0)
    return kind


def signature_data_url(upload: UploadedFile) -> str:
    """A signature is stored inside the edition (a data: URL), the form the certificates embed."""
    kind = image_kind(upload, max_bytes=SIGNATURE_MAX_BYTES)
    return f"data:{kind};base64,{base64.b64encode(upload.read()).decode()}"


@transaction.atomic
def signatories_save(*, actor: User, edition: Edition, people: list[dict[str, Any]]) -> Edition:
    """`people`: name, titles (language -> title) and image (a data: URL or "") of each
    signatory, in order. Stored as the edition's signatories list: `title` stays the English
    title, which the certificates print, `titles` holds every language."""
    require_organiser(actor, edition)
    if len(people) > 4:
        raise ValidationError(_("A certificate has room for at most four signatures."))
    stored = []
    for person in people:
        name = (person.get("name") or "").strip()
        if not name:
            continue
        titles = {code: text.strip() for code, text in (person.get("titles") or {}).items() if (text or "").strip()}
        image = person.get("image") or ""
        if image and not image.startswith(("data:image/png;base64,", "data:image/jpeg;base64,")):
            image = ""
        stored.append({"name": name[:200], "title": titles.get("en", ""), "titles": titles, "image": image})
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if stored != edition.signatories:
        edition.signatories = stored
        edition.save(update_fields=["signatories"])
        audit_log(
            actor=actor,
            action="setup.signatories",
            target=edition,
            edition=edition,
            data={"names": [p["name"] for p in stored]},
        )
    _keep_public_complete(edition)
    return edition


# --- Step 6: branding ------------------------------------------------------------------------


@transaction.atomic
def branding_save(
    *,
    actor: User,
    edition: Edition,
    primary: str,
    secondary: str,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Edition:
    require_organiser(actor, edition)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    changed = _changed(edition, {"brand_primary": primary, "brand_secondary": secondary})
    if logo is not None:
        kind = image_kind(logo, max_bytes=LOGO_MAX_BYTES)
        extension = "png" if kind == "image/png" else "jpg"
        edition.logo.save(f"logo-{edition.slug}.{extension}", logo, save=False)
        changed.append("logo")
    elif remove_logo and edition.logo:
        edition.logo = ""
        changed.append("logo")
    if changed:
        edition.save()
        audit_log(actor=actor, action="setup.branding", target=edition, edition=edition, data={"fields": changed})
    return edition


# --- Opening the call ------------------------------------------------------------------------


@transaction.atomic
def edition_call_open(*, actor: User, edition: Edition) -> Edition:
    """Make the call public, once the checklist has nothing blocking."""
    require_organiser(actor, edition)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.call_opened_at is not None:
        raise ValidationError(_("The call is already open."), code="locked")
    blocking = edition_readiness(edition).blocking
    if blocking:
        raise ValidationError([_("The call cannot open yet:")] + [gap.message for gap in blocking], code="incomplete")
    edition.call_opened_at = timezone.now()
    edition.save(update_fields=["call_opened_at"])
    audit_log(actor=actor, action="setup.call_open", target=edition, edition=edition)
    return edition
