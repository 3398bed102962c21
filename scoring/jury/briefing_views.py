"""The jury briefing's pages: the juror reads and acknowledges it (and may declare a conflict
from it); the organisers write its instructions in the edition's five languages."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.models import Edition
from award.rubric import effective_weights
from award.rules import is_juror, is_organiser
from award.selectors import edition_for_organiser
from award.views_helpers import run_service
from scoring.jury.assignments import OPEN_STATUSES
from scoring.jury.briefing import briefing_acknowledge, briefing_acknowledged, briefing_update
from scoring.selectors import assignments_for


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def briefing(request, slug: str):
    edition = get_object_or_404(Edition, slug=slug)
    juror = is_juror(request.user, edition)
    if not juror and not is_organiser(request.user, edition):
        raise Http404
    if request.method == "POST":
        if not juror:
            raise Http404
        return run_service(
            request,
            lambda: briefing_acknowledge(actor=request.user, edition=edition),
            success_url=_next_url(request, reverse("scoring:dashboard")),
            success_message=_("Thank you. You can now score your projects."),
        )
    criteria = list(edition.criteria.all())
    shares = effective_weights(criteria)
    open_assignments = (
        list(assignments_for(request.user, edition).filter(status__in=OPEN_STATUSES)[:50]) if juror else []
    )
    return render(
        request,
        "scoring/briefing.html",
        {
            "edition": edition,
            "rubric": [(c, shares.get(c.pk)) for c in criteria],
            "is_juror": juror,
            "acknowledged": juror and briefing_acknowledged(request.user, edition),
            "open_assignments": open_assignments,
            "next": _next_url(request, ""),
        },
    )


class BriefingForm(forms.Form):
    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for code in settings.MODELTRANSLATION_LANGUAGES:
            self.fields[code] = forms.CharField(
                label=gettext_lazy("Instructions for jurors (%(language)s)") % {"language": names.get(code, code)},
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 6, "lang": code}),
                initial=getattr(edition, f"juror_briefing_{code}") or "",
            )


@login_required
def briefing_edit(request, slug: str):
    edition = edition_for_organiser(request.user, slug=slug)
    form = BriefingForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        return run_service(
            request,
            lambda: briefing_update(actor=request.user, edition=edition, texts=form.cleaned_data),
            success_url=reverse("scoring:briefing_edit", kwargs={"slug": edition.slug}),
            success_message=_("The jury briefing is saved."),
        )
    return render(
        request,
        "scoring/briefing_edit.html",
        {"edition": edition, "form": form},
        status=400 if request.method == "POST" else 200,
    )
