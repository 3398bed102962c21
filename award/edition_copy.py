"""Next year's edition from this year's (issue 16, item 3).

The copy takes the set-up: the edition's settings, rules, branding and signatories, its
categories, rubric and rounds, with every date moved by whole years on the edition's own
calendar (9:00 in Bratislava stays 9:00 in Bratislava, across a change of summer time), and the
juror pool as jurors still to be invited. Nothing of the applicants, projects, assignments,
scores or results is copied. The organiser who copies becomes the new edition's organiser.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from award.enums import Role
from award.models import Category, Criterion, Edition, EditionRole, Round, User
from award.rules import require_organiser
from award.selectors import edition_for_organiser
from award.services import audit_log
from award.views_helpers import run_service

LANGUAGES = ("en", "sk", "cs", "pl", "hu")

# Edition fields that are the edition's identity or state, not its set-up: never copied. The new
# edition's call opens through its set-up checklist, and its results are published only through
# results_publish, with the organiser's sign-off and a sealed snapshot (a copied publication date
# would make them public next year with neither).
NOT_COPIED = {
    "id",
    "slug",
    "year",
    "name",
    *(f"name_{code}" for code in LANGUAGES),
    "created_at",
    "reference_counter",
    "call_opened_at",
    "results_published_at",
}


def moved_by_years(value: dt.datetime | None, years: int, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The same wall-clock time on the same day `years` later in the edition's time zone
    (29 February becomes 28 February)."""
    if value is None:
        return None
    local = value.astimezone(tz).replace(tzinfo=None)
    try:
        moved = local.replace(year=local.year + years)
    except ValueError:
        moved = local.replace(year=local.year + years, day=28)
    return moved.replace(tzinfo=tz)


def _year_replaced(text: str, old: int, new: int) -> str:
    if str(old) in text:
        return re.sub(rf"(?<!\d){old}(?!\d)", str(new), text)
    return f"{text} {new}".strip() if text else text


def _free_slug(base: str) -> str:
    base = slugify(base)[:45] or "edition"
    slug, n = base, 2
    while Edition.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _copied_fields(instance: models.Model, skip: set[str]) -> dict:
    """Every plain column, translations by their language columns (`name_sk`, …): the original
    column follows English on save, whatever language the organiser is working in."""
    translated = set(translator.get_options_for_model(type(instance)).all_fields)
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key and not f.is_relation and f.name not in skip and f.name not in translated
    }


def _moved(values: dict, model: type[models.Model], years: int, tz) -> dict:
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateTimeField) and f.attname in values and not f.auto_now_add:
            values[f.attname] = moved_by_years(values[f.attname], years, tz)
    return values


@transaction.atomic
def edition_copy(*, source: Edition, actor: User, year: int | None = None, name: str = "") -> Edition:
    """Create next year's edition from `source` (see the module's docstring); returns it."""
    require_organiser(actor, source)
    year = year or source.year + 1
    if year <= source.year:
        raise ValidationError(
            {"year": [gettext("The new edition's year must come after %(year)s.") % {"year": source.year}]}
        )
    years = year - source.year
    tz = source.tz

    values = _moved(_copied_fields(source, NOT_COPIED), Edition, years, tz)
    names = {
        f"name_{code}": _year_replaced(getattr(source, f"name_{code}") or "", source.year, year) for code in LANGUAGES
    }
    if name.strip():
        names["name_en"] = name.strip()
    values["reference_counter"] = 0
    edition = Edition(year=year, slug=_free_slug(_year_replaced(source.slug, source.year, year)), **values, **names)
    edition.full_clean(exclude=["logo"])
    edition.save()

    categories = {}
    for category in source.categories.order_by("position", "id"):
        categories[category.pk] = Category.objects.create(
            edition=edition, **_copied_fields(category, {"id", "edition"})
        )
    # One save each, not bulk_create: save() keeps the plain `name` column in English (i18n.py).
    for criterion in source.criteria.order_by("position", "id"):
        Criterion.objects.create(edition=edition, **_copied_fields(criterion, {"id", "edition"}))
    for rnd in source.rounds.order_by("number"):
        Round.objects.create(
            edition=edition, **_moved(_copied_fields(rnd, {"id", "edition", "frozen"}), Round, years, tz)
        )

    EditionRole.objects.create(edition=edition, user=actor, role=Role.ORGANISER)
    # The juror pool, to invite again: jurors of the new edition with no invitation sent yet,
    # on the same panels and with the same expertise (the copied categories), nominations kept.
    # Not the chair: the jury elects or the organisers appoint a chair each year.
    old_roles = list(
        source.roles.filter(role=Role.JUROR).exclude(user__is_active=False).order_by("id").select_related("user")
    )
    new_roles = EditionRole.objects.bulk_create(
        EditionRole(edition=edition, user_id=r.user_id, role=Role.JUROR, nominated_by=r.nominated_by) for r in old_roles
    )
    new_by_old = {old.pk: new.pk for old, new in zip(old_roles, new_roles, strict=True)}
    for relation in ("panels", "expertise"):
        through = getattr(EditionRole, relation).through
        through.objects.bulk_create(
            through(editionrole_id=new_by_old[role_id], category_id=categories[category_id].pk)
            for role_id, category_id in through.objects.filter(editionrole_id__in=new_by_old).values_list(
                "editionrole_id", "category_id"
            )
        )

    audit_log(
        actor=actor,
        action="edition.copy",
        target=edition,
        edition=edition,
        data={
            "source": source.pk,
            "source_name": source.name,
            "years": years,
            "categories": len(categories),
            "criteria": edition.criteria.count(),
            "rounds": edition.rounds.count(),
            "jurors": len(new_roles),
        },
    )
    audit_log(actor=actor, action="edition.copied_to", target=source, edition=source, data={"copy": edition.pk})
    return edition


# --- The page ---------------------------------------------------------------------------------


class EditionCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new edition"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Name of the new edition (in English)"),
        max_length=200,
        required=False,
        help_text=_("Leave it empty to take this edition's name with the new year, in every language."),
    )


@login_required
def edition_copy_view(request, slug: str):
    source = edition_for_organiser(request.user, slug=slug)
    form = EditionCopyForm(request.POST or None, initial={"year": source.year + 1})
    tz = source.tz

    def page(status: int = 200):
        context = {
            "source": source,
            "form": form,
            "opens": moved_by_years(source.submissions_open_at, 1, tz),
            "closes": moved_by_years(source.submissions_close_at, 1, tz),
            "counts": {
                "categories": source.categories.count(),
                "criteria": source.criteria.count(),
                "rounds": source.rounds.count(),
                "jurors": source.roles.filter(role=Role.JUROR).count(),
            },
        }
        return render(request, "award/edition_copy.html", context, status=status)

    if request.method != "POST":
        return page()
    if not form.is_valid():
        return page(400)

    def copied(edition: Edition) -> str:
        return gettext(
            "%(edition)s is created from %(source)s. Check each step of the set-up and open the call when it is "
            "complete; its jurors have not been invited yet: send the invitations from the jurors page."
        ) % {"edition": edition.name, "source": source.name}

    return run_service(
        request,
        lambda: edition_copy(
            source=source, actor=request.user, year=form.cleaned_data["year"], name=form.cleaned_data["name"]
        ),
        # The new edition is private until its call opens: the organiser lands on its set-up
        # checklist, which says what to review and links every step (and the jurors page).
        success_url=lambda edition: reverse("setup:checklist", kwargs={"slug": edition.slug}),
        success_message=copied,
        failure_page=page,
    )
