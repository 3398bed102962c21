"""The stage side of the ceremony for organisers: the presenter view (in a second window, it
follows the presentation) and the ceremony script (who hands over each prize, how names are
said, the sponsors' slides)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from award.limits import SHORT_TEXT
from award.models import Edition
from award.selectors import edition_for_organiser
from award.views_helpers import run_service
from scoring.models import CeremonySponsor
from scoring.results.ceremony import Ceremony, ceremony_for
from scoring.results.ceremony_services import (
    ceremony_cues_save,
    ceremony_sponsor_add,
    ceremony_sponsor_move,
    ceremony_sponsor_remove,
)


def _script_url(edition: Edition) -> str:
    return reverse("results:ceremony_script", kwargs={"edition": edition.slug})


@login_required
def presenter(request, edition: str):
    """The presenter's window: the current and the next slide, the names to read with their
    pronunciation, who hands over the prize; it follows the presentation's window."""
    edition = edition_for_organiser(request.user, slug=edition)
    return render(
        request,
        "scoring/results/ceremony_presenter.html",
        {"edition": edition, "ceremony": ceremony_for(edition), "is_public": edition.results_are_public()},
    )


class SponsorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=SHORT_TEXT)
    kind = forms.ChoiceField(label=_("Kind"), choices=CeremonySponsor.Kind.choices)
    before_category = forms.TypedChoiceField(
        label=_("Slide shown"), coerce=int, required=False, empty_value=None, choices=()
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 2 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in edition.categories.order_by("position", "name")}
        self.fields["before_category"].choices = [("", _("After the title slide"))] + [
            (pk, _("Before the category “%(category)s”") % {"category": c.name}) for pk, c in self.categories.items()
        ]


def _script_entries(ceremony: Ceremony) -> list[dict]:
    """The projects of the ceremony once each, in slide order, with what their notes say."""
    seen: dict[int, dict] = {}
    for group in ceremony.categories:
        for entry in group.finalists:
            seen.setdefault(entry.project.pk, {"entry": entry, "category": group.category, "special": []})
    for entry in ceremony.special:
        row = seen.setdefault(entry.project.pk, {"entry": entry, "category": None, "special": []})
        row["special"].append(entry.title)
        row["handed_over_by"] = entry.handed_over_by
    return list(seen.values())


@login_required
def script(request, edition: str):
    edition = edition_for_organiser(request.user, slug=edition)
    if request.method == "POST":
        ceremony = ceremony_for(edition, pictures=False)
        entries = _script_entries(ceremony)

        def save():
            return ceremony_cues_save(
                edition=edition,
                actor=request.user,
                category_handovers={
                    g.category.pk: request.POST.get(f"handover-category-{g.category.pk}", "")
                    for g in ceremony.categories
                },
                pronunciations={
                    row["entry"].project.pk: request.POST.get(f"pronunciation-{row['entry'].project.pk}", "")
                    for row in entries
                },
                project_handovers={
                    row["entry"].project.pk: request.POST.get(f"handover-project-{row['entry'].project.pk}", "")
                    for row in entries
                    if row["special"]
                },
            )

        return run_service(
            request, save, success_url=_script_url(edition), success_message=_("The ceremony notes are saved.")
        )
    return _script_page(request, edition, SponsorForm(edition=edition))


def _script_page(request, edition: Edition, sponsor_form: SponsorForm, status: int = 200):
    ceremony = ceremony_for(edition, pictures=False)
    return render(
        request,
        "scoring/results/ceremony_script.html",
        {
            "edition": edition,
            "ceremony": ceremony,
            "entries": _script_entries(ceremony),
            "sponsors": list(CeremonySponsor.objects.filter(edition=edition).select_related("before_category")),
            "sponsor_form": sponsor_form,
            "is_public": edition.results_are_public(),
        },
        status=status,
    )


@login_required
@require_POST
def sponsor_add(request, edition: str):
    edition = edition_for_organiser(request.user, slug=edition)
    form = SponsorForm(request.POST, request.FILES, edition=edition)
    if not form.is_valid():
        return _script_page(request, edition, form, status=400)
    data = form.cleaned_data
    return run_service(
        request,
        lambda: ceremony_sponsor_add(
            edition=edition,
            actor=request.user,
            name=data["name"],
            kind=data["kind"],
            before_category=form.categories.get(data["before_category"]),
            logo=data.get("logo"),
        ),
        success_url=_script_url(edition),
        success_message=lambda sponsor: _("“%(name)s” has its slide.") % {"name": sponsor.name},
    )


@login_required
@require_POST
def sponsor_move(request, edition: str, pk: int):
    edition = edition_for_organiser(request.user, slug=edition)
    sponsor = get_object_or_404(CeremonySponsor, edition=edition, pk=pk)
    up = request.POST.get("direction") == "up"
    return run_service(
        request,
        lambda: ceremony_sponsor_move(sponsor=sponsor, actor=request.user, up=up),
        success_url=_script_url(edition),
    )


@login_required
@require_POST
def sponsor_remove(request, edition: str, pk: int):
    edition = edition_for_organiser(request.user, slug=edition)
    sponsor = get_object_or_404(CeremonySponsor, edition=edition, pk=pk)
    return run_service(
        request,
        lambda: ceremony_sponsor_remove(sponsor=sponsor, actor=request.user),
        success_url=_script_url(edition),
        success_message=_("The slide is removed."),
    )
