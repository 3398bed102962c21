"""One small page per set-up step, each with "Save and continue". Only the edition's organisers
(and the system's administrator) reach them: anyone else gets a 404, as if there were no such
edition. Each page shows the steps with what is still missing in each."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from award import rubric_templates
from award.downloads import stored_file_response
from award.models import Criterion, Edition
from award.rubric import effective_weights
from award.selectors import edition_for_organiser, editions_organised_by
from award.setup import services
from award.setup.forms import (
    LANGUAGE_CODES,
    BasicsForm,
    BrandingForm,
    CategoryFormSet,
    CriterionForm,
    EditionCreateForm,
    RoundFormSet,
    RulesForm,
    SignatoryFormSet,
    signatory_initial,
)
from award.setup.readiness import STEPS, edition_languages, edition_readiness, language_names, translation_gaps
from award.views_helpers import error_messages, run_service

NEXT_STEP = {step: STEPS[i + 1][0] for i, (step, _label) in enumerate(STEPS[:-1])}


def _edition(request, slug: str) -> Edition:
    if not request.user.is_authenticated:
        raise Http404
    return edition_for_organiser(request.user, slug=slug)


def _page(request, edition: Edition, step: str, context: dict, *, status: int = 200, readiness=None) -> HttpResponse:
    readiness = readiness or edition_readiness(edition)
    with_gaps = readiness.steps_with_gaps()
    steps = [
        {
            "key": key,
            "label": label,
            "url": reverse(f"setup:{key}", args=[edition.slug]),
            "current": key == step,
            "missing": key in with_gaps,
        }
        for key, label in STEPS
    ]
    return render(
        request,
        f"award/setup/{step}.html",
        {
            "edition": edition,
            "step": step,
            "steps": steps,
            "gaps": readiness.for_step(step),
            "readiness": readiness,
            "languages": edition_languages(edition),
            "language_names": language_names(),
            **context,
        },
        status=status,
    )


def _continue(request, edition: Edition, step: str):
    if request.POST.get("then") == "stay":
        return redirect(f"setup:{step}", edition.slug)
    return redirect(f"setup:{NEXT_STEP.get(step, 'checklist')}", edition.slug)


def _refused(request, error: ValidationError) -> None:
    for message in error_messages(error):
        messages.error(request, message)


# --- The list and the administrator's new edition ------------------------------------------


@login_required
def index(request):
    editions = editions_organised_by(request.user).order_by("-year", "-id")
    if not request.user.is_superuser and not editions.exists():
        raise Http404
    page = Paginator(editions, 20).get_page(request.GET.get("page"))
    return render(request, "award/setup/index.html", {"page": page})


@login_required
def edition_new(request):
    if not request.user.is_superuser:
        raise Http404
    form = EditionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = services.edition_create(
                actor=request.user,
                name=data["name"],
                slug=data["slug"],
                year=data["year"],
                organiser=data["organiser"],
                submissions_open_at=data["submissions_open_at"],
                submissions_close_at=data["submissions_close_at"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The edition is created; its organiser can now set it up."))
            return redirect("setup:basics", edition.slug)
    return render(request, "award/setup/new.html", {"form": form}, status=400 if form.errors else 200)


# --- Step 1 ------------------------------------------------------------------------------------


@login_required
def basics(request, slug: str):
    edition = _edition(request, slug)
    form = BasicsForm(request.POST or None, instance=edition)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edition_basics_save(actor=request.user, edition=edition, changes=form.changes())
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                return _continue(request, edition, "basics")
        edition.refresh_from_db()
        return _page(request, edition, "basics", {"form": form}, status=400)
    return _page(request, edition, "basics", {"form": form})


# --- Step 2 ------------------------------------------------------------------------------------


@login_required
def categories(request, slug: str):
    edition = _edition(request, slug)
    languages = edition_languages(edition)
    queryset = edition.categories.order_by("position", "id")
    formset = CategoryFormSet(
        request.POST or None, queryset=queryset, prefix="categories", form_kwargs={"languages": languages}
    )
    if request.method == "POST":
        if formset.is_valid():
            rows, removed = [], []
            for form in formset.forms:
                if form.cleaned_data.get("DELETE"):
                    if form.instance.pk:
                        removed.append(form.instance)
                    continue
                if not form.instance.pk and not form.has_changed():
                    continue
                rows.append((form.instance if form.instance.pk else None, form.values()))
            try:
                services.categories_save(actor=request.user, edition=edition, rows=rows, removed=removed)
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                return _continue(request, edition, "categories")
        return _page(request, edition, "categories", {"formset": formset, "templates": []}, status=400)
    templates = rubric_templates.available_category_templates()
    return _page(request, edition, "categories", {"formset": formset, "templates": templates})


# --- Step 3 ------------------------------------------------------------------------------------


def _apply_template(request, slug: str, apply, *, step: str, success_message: str):
    """POST a template's key to one of award.rubric_templates' services and come back to the step."""
    edition = _edition(request, slug)
    key = request.POST.get("template", "")[:100]
    return run_service(
        request,
        lambda: apply(edition=edition, template=key, actor=request.user),
        success_url=reverse(f"setup:{step}", args=[edition.slug]),
        success_message=success_message,
    )


@login_required
@require_POST
def rubric_template(request, slug: str):
    """Replace the rubric by a template's criteria."""
    return _apply_template(
        request,
        slug,
        rubric_templates.rubric_apply_template,
        step="rubric",
        success_message=_("The rubric now follows the template. Adjust it as you need."),
    )


@login_required
@require_POST
def categories_template(request, slug: str):
    """Add a template's categories."""
    return _apply_template(
        request,
        slug,
        rubric_templates.categories_apply_template,
        step="categories",
        success_message=_("The template's categories are added."),
    )


@login_required
def rubric(request, slug: str):
    edition = _edition(request, slug)
    languages = edition_languages(edition)
    criteria = list(edition.criteria.order_by("position", "id"))
    weights = effective_weights(criteria)
    names = language_names()
    rows = []
    for criterion in criteria:
        gaps = translation_gaps(criterion, languages)
        fields = translation_gaps(criterion, languages, labels=False)
        rows.append(
            {
                "criterion": criterion,
                "percent": weights.get(criterion.pk),
                "status": [
                    (code, names[code], gaps.get(code, []), " ".join(fields.get(code, []))) for code in languages
                ],
            }
        )
    return _page(
        request,
        edition,
        "rubric",
        {"rows": rows, "templates": rubric_templates.available_templates(edition, request.user)},
    )


@login_required
def criterion_edit(request, slug: str, pk: int | None = None):
    edition = _edition(request, slug)
    criterion = get_object_or_404(Criterion, edition=edition, pk=pk) if pk is not None else None
    form = CriterionForm(request.POST or None, instance=criterion, languages=edition_languages(edition))
    # The other criteria's weights, for this one's effective weight shown live as the weight is typed.
    others = list(edition.criteria.exclude(pk=getattr(criterion, "pk", None)).values_list("weight", flat=True))
    own = criterion.weight if criterion is not None else Criterion._meta.get_field("weight").default
    whole = sum(others, Decimal(0)) + Decimal(own)
    live = {"others": sum(others, Decimal(0)), "percent": Decimal(own) * 100 / whole if whole > 0 else None}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.criterion_save(actor=request.user, edition=edition, criterion=criterion, values=form.values())
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                if request.POST.get("then") == "another":
                    return redirect("setup:criterion_new", edition.slug)
                return redirect("setup:rubric", edition.slug)
        context = {"form": form, "criterion": criterion, "live": live}
        return _page(request, edition, "criterion", context, status=400)
    return _page(request, edition, "criterion", {"form": form, "criterion": criterion, "live": live})


@login_required
@require_POST
def criterion_move(request, slug: str, pk: int):
    edition = _edition(request, slug)
    criterion = get_object_or_404(Criterion, edition=edition, pk=pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    url = reverse("setup:rubric", args=[edition.slug]) + f"#criterion-{criterion.pk}"
    return run_service(
        request,
        lambda: services.criterion_move(actor=request.user, edition=edition, criterion=criterion, offset=offset),
        success_url=url,
    )


@login_required
@require_POST
def criterion_remove(request, slug: str, pk: int):
    edition = _edition(request, slug)
    criterion = get_object_or_404(Criterion, edition=edition, pk=pk)
    return run_service(
        request,
        lambda: services.criterion_remove(actor=request.user, edition=edition, criterion=criterion),
        success_url=reverse("setup:rubric", args=[edition.slug]),
        success_message=_("The criterion is removed."),
    )


@login_required
@require_POST
def criteria_order(request, slug: str):
    """The drag-and-drop's target (static/js/setup-rubric.js): the whole new order at once."""
    edition = _edition(request, slug)
    raw = request.POST.getlist("order")
    if not all(item.isascii() and item.isdigit() and len(item) <= 18 for item in raw):
        return JsonResponse({"error": _("The order is not a list of criteria.")}, status=400)
    try:
        services.criteria_reorder(actor=request.user, edition=edition, order=[int(item) for item in raw])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error_messages(error))}, status=409)
    return JsonResponse({"ok": True})


# --- Step 4 ------------------------------------------------------------------------------------


@login_required
def rounds(request, slug: str):
    edition = _edition(request, slug)
    languages = edition_languages(edition)
    rules_form = RulesForm(request.POST or None, instance=edition, prefix="rules")
    formset = RoundFormSet(
        request.POST or None,
        queryset=edition.rounds.order_by("number"),
        prefix="rounds",
        form_kwargs={"languages": languages, "edition_timezone": edition.timezone},
    )
    if request.method == "POST":
        if rules_form.is_valid() and formset.is_valid():
            rows, removed = [], []
            for form in formset.forms:
                if form.cleaned_data.get("DELETE"):
                    if form.instance.pk:
                        removed.append(form.instance)
                    continue
                if not form.instance.pk and not form.has_changed():
                    continue
                rows.append((form.instance if form.instance.pk else None, form.values()))
            try:
                services.rounds_save(
                    actor=request.user, edition=edition, rules=rules_form.values(), rows=rows, removed=removed
                )
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                return _continue(request, edition, "rounds")
        edition.refresh_from_db()
        return _page(request, edition, "rounds", {"rules_form": rules_form, "formset": formset}, status=400)
    return _page(request, edition, "rounds", {"rules_form": rules_form, "formset": formset})


# --- Step 5 ------------------------------------------------------------------------------------


@login_required
def signatories(request, slug: str):
    edition = _edition(request, slug)
    languages = edition_languages(edition)
    stored = [p for p in (edition.signatories or []) if isinstance(p, dict)]
    formset = SignatoryFormSet(
        request.POST or None,
        request.FILES or None,
        initial=signatory_initial(edition),
        prefix="signatories",
        languages=languages,
    )
    if request.method == "POST":
        if formset.is_valid():
            people = []
            for index, form in enumerate(formset.forms):
                data = form.cleaned_data
                if not data or data.get("remove") or not (data.get("name") or "").strip():
                    continue
                if data.get("signature"):
                    image = services.signature_data_url(data["signature"])
                else:
                    # The image already stored for this row: the row's place in the stored list.
                    image = stored[index].get("image", "") if index < len(stored) else ""
                people.append(
                    {
                        "name": data["name"],
                        "titles": {code: data.get(f"title_{code}", "") for code in LANGUAGE_CODES},
                        "image": image,
                    }
                )
            try:
                services.signatories_save(actor=request.user, edition=edition, people=people)
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                return _continue(request, edition, "signatories")
        return _page(request, edition, "signatories", {"formset": formset, "stored": stored}, status=400)
    images = [p.get("image", "") for p in stored]
    return _page(request, edition, "signatories", {"formset": formset, "stored": stored, "images": images})


# --- Step 6 ------------------------------------------------------------------------------------


@login_required
def branding(request, slug: str):
    edition = _edition(request, slug)
    initial = {"brand_primary": edition.brand_primary, "brand_secondary": edition.brand_secondary}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.branding_save(
                    actor=request.user,
                    edition=edition,
                    primary=data["brand_primary"],
                    secondary=data["brand_secondary"],
                    logo=data.get("logo"),
                    remove_logo=data.get("remove_logo", False),
                )
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Saved."))
                return _continue(request, edition, "branding")
        return _page(request, edition, "branding", {"form": form}, status=400)
    return _page(request, edition, "branding", {"form": form})


def edition_logo(request, slug: str):
    """The logo of a public edition (or, before its call opens, for its organisers)."""
    edition = get_object_or_404(Edition, slug=slug)
    if not edition.call_is_public and not editions_organised_by(request.user).filter(pk=edition.pk).exists():
        raise Http404
    if not edition.logo:
        raise Http404
    kind = "image/png" if edition.logo.name.lower().endswith(".png") else "image/jpeg"
    response = stored_file_response(edition.logo, content_type=kind)
    response["Content-Disposition"] = "inline"
    return response


# --- The checklist and opening the call ------------------------------------------------------


@login_required
def checklist(request, slug: str):
    edition = _edition(request, slug)
    readiness = edition_readiness(edition)
    grouped = [
        {"key": key, "label": label, "gaps": readiness.for_step(key), "url": reverse(f"setup:{key}", args=[slug])}
        for key, label in STEPS[:-1]
    ]
    return _page(request, edition, "checklist", {"grouped": grouped}, readiness=readiness)


@login_required
@require_POST
def call_open(request, slug: str):
    edition = _edition(request, slug)
    return run_service(
        request,
        lambda: services.edition_call_open(actor=request.user, edition=edition),
        success_url=reverse("submissions:call", args=[edition.slug]),
        failure_url=reverse("setup:checklist", args=[edition.slug]),
        success_message=_("The call is open: this is its public page."),
    )
