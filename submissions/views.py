from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from award.audit_text import audit_sentences
from award.downloads import stored_file_response
from award.enums import Country, OrganisationType
from award.models import AuditEntry, Edition
from award.rubric import effective_weights
from award.selectors import edition_current, edition_for_organiser, editions_organised_by
from award.views_helpers import error_messages
from submissions import rules, services
from submissions.enums import ProjectStatus
from submissions.forms import (
    AttachmentForm,
    BulkEligibilityForm,
    EligibilityForm,
    OrganiserReopenForm,
    ProjectForm,
    ScreeningFilterForm,
    TeamFormSet,
)
from submissions.models import Attachment, Project
from submissions.selectors import (
    editions_open_for_submission,
    projects_for_screening,
    projects_owned_by,
    projects_visible_to,
    screening_counts,
    screening_neighbours,
)
from submissions.signals import job_starters, pdf_renderers
from submissions.validators import attachment_max_bytes, attachment_max_count

SCREENING_PAGE_SIZE = 25


def _problem(request, message: str, *, status: int = 400, back: str = ""):
    return render(request, "submissions/problem.html", {"message": message, "back": back}, status=status)


def _status_url(request, project: Project) -> str:
    return request.build_absolute_uri(reverse("submissions:status", args=[project.pk]))


# --- The public call -------------------------------------------------------------------------


def call_current(request):
    edition = editions_open_for_submission().first() or edition_current()
    if edition is not None and not edition.call_is_public:
        edition = Edition.objects.filter(call_opened_at__isnull=False).order_by("-year", "-id").first()
    if edition is None:
        raise Http404(_("There is no edition yet."))
    return redirect("submissions:call", slug=edition.slug)


def _rubric_with_weights(edition: Edition) -> list[tuple]:
    """(criterion, its effective weight in percent) in rubric order, as applicants see it."""
    criteria = list(edition.criteria.all())
    shares = effective_weights(criteria)
    return [(criterion, shares.get(criterion.pk)) for criterion in criteria]


def call(request, slug: str):
    edition = get_object_or_404(Edition, slug=slug)
    # A call not yet opened from the set-up checklist is not public: its organisers preview it.
    if not edition.call_is_public and not editions_organised_by(request.user).filter(pk=edition.pk).exists():
        raise Http404
    my_projects = []
    if request.user.is_authenticated:
        my_projects = list(projects_owned_by(request.user).filter(edition=edition))
    return render(
        request,
        "submissions/call.html",
        {
            "edition": edition,
            "categories": list(edition.categories.all()),
            "rubric": _rubric_with_weights(edition),
            "rounds": list(edition.rounds.all()),
            "is_open": edition.submissions_are_open(),
            "not_yet_open": timezone.now() < edition.submissions_open_at,
            "my_projects": my_projects,
            "max_mb": attachment_max_bytes() // (1024 * 1024),
            "max_count": attachment_max_count(),
            "countries": [label for value, label in Country.choices if value in edition.eligible_countries],
            "organisation_types": [
                label for value, label in OrganisationType.choices if value in edition.eligible_organisation_types
            ],
        },
    )


# --- The team's application -----------------------------------------------------------------


@login_required
@require_POST
def project_new(request, slug: str):
    edition = get_object_or_404(Edition, slug=slug)
    try:
        project = services.project_create(actor=request.user, edition=edition)
    except ValidationError as error:
        return _problem(request, " ".join(error_messages(error)), back=reverse("submissions:call", args=[slug]))
    messages.success(request, _("Your draft application is ready. Save as often as you like."))
    return redirect("submissions:edit", pk=project.pk)


def _team_initial(project: Project) -> list[dict]:
    return [{"name": m.name, "role": m.role, "email": m.email} for m in project.team.all()]


@login_required
def project_edit(request, pk: int):
    project = get_object_or_404(projects_owned_by(request.user), pk=pk)
    if not rules.can_edit(request.user, project):
        if project.status == ProjectStatus.DRAFT:
            messages.error(
                request, _("The deadline has passed: the application can no longer be changed or submitted.")
            )
        return redirect("submissions:status", pk=project.pk)

    if request.method != "POST":
        form = ProjectForm(instance=project, edition=project.edition)
        team = TeamFormSet(prefix="team", initial=_team_initial(project))
        upload_form = AttachmentForm()
        return _edit_page(request, project, form, team, upload_form)

    form = ProjectForm(request.POST, instance=Project.objects.get(pk=project.pk), edition=project.edition)
    team = TeamFormSet(request.POST, prefix="team", initial=_team_initial(project))
    upload_form = AttachmentForm(request.POST, request.FILES)
    general_errors: list[str] = []
    form.is_valid()
    try:
        project = services.project_update(
            actor=request.user,
            project=project,
            changes=form.valid_changes(),
            expected_version=form.cleaned_data.get("version"),
        )
    except services.StaleApplicationError as error:
        return _stale_page(request, project, form, team, upload_form, error)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            general_errors += error_messages(error)

    if team.is_valid():
        members = [f.cleaned_data for f in team.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            services.project_team_replace(actor=request.user, project=project, members=members)
        except ValidationError as error:
            general_errors += error_messages(error)

    delete_id = request.POST.get("delete_attachment")
    if delete_id:
        attachment = project.attachments.filter(pk=delete_id if delete_id.isdigit() else 0).first()
        if attachment is None:
            raise Http404
        try:
            services.attachment_delete(actor=request.user, attachment=attachment)
            messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
        except ValidationError as error:
            general_errors += error_messages(error)

    if upload_form.is_valid() and upload_form.cleaned_data.get("upload"):
        upload = upload_form.cleaned_data["upload"]
        try:
            services.attachment_add(actor=request.user, project=project, upload=upload)
            messages.success(request, _("“%(name)s” was attached.") % {"name": upload.name})
        except ValidationError as error:
            upload_form.add_error("upload", error)

    has_errors = bool(form.errors or not team.is_valid() or upload_form.errors or general_errors)
    if not has_errors and request.POST.get("action") == "submit":
        try:
            project = services.project_submit(
                actor=request.user, project=project, status_url=_status_url(request, project)
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                general_errors.append(
                    _(
                        "The application is not complete yet. Everything you typed was saved; see the messages next to the fields."
                    )
                )
            else:
                general_errors += error_messages(error)
            has_errors = True
        else:
            messages.success(
                request,
                _("Thank you! Your application %(reference)s was submitted. A confirmation is on its way by email.")
                % {"reference": project.reference},
            )
            return redirect("submissions:status", pk=project.pk)

    if has_errors:
        if request.POST.get("action") != "submit" and not general_errors:
            general_errors.append(
                _("Some entries could not be saved; see the messages next to them. Everything else was saved.")
            )
        project.refresh_from_db()
        # What was valid is saved and the version moved on: the page, which keeps the refused
        # entries as typed, must post the new version next time or its own next save is "stale".
        form.data = form.data.copy()
        form.data["version"] = project.version
        if team.is_valid():
            team = TeamFormSet(prefix="team", initial=_team_initial(project))
        return _edit_page(request, project, form, team, upload_form, general_errors=general_errors, status=400)

    messages.success(request, _("Draft saved."))
    return redirect(reverse("submissions:edit", args=[project.pk]) + request.POST.get("anchor", ""))


def _stale_page(request, project, form, team, upload_form, error):
    """A save from an older copy of the application (the back button, a second tab): nothing is
    saved (neither the fields, nor the team, nor an attachment) and the page says which fields
    differ from what is stored now. The form keeps what the user typed, so they can copy it, and
    keeps the old version, so that pressing Save again is refused again rather than overwriting."""
    project.refresh_from_db()
    labels = [str(form.fields[name].label) for name in error.changed if name in form.fields]
    if team.is_valid():
        sent = [
            (f.cleaned_data.get("name") or "", f.cleaned_data.get("role") or "", f.cleaned_data.get("email") or "")
            for f in team.forms
            if f.cleaned_data and f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
        ]
        if sent != [(m.name, m.role, m.email) for m in project.team.all()]:
            labels.append(_("Team"))
    general_errors = [str(error.messages[0])]
    if labels:
        general_errors.append(
            _("What you sent differs from the stored application in: %(fields)s.") % {"fields": ", ".join(labels)}
        )
    general_errors.append(
        _(
            "Your text is still in the form below: copy what you want to keep, then open the latest "
            "version of the application and make your changes there."
        )
    )
    return _edit_page(
        request,
        project,
        form,
        team,
        upload_form,
        general_errors=general_errors,
        status=409,
        stale=True,
        stored_now=[(form.fields[name].label, getattr(project, name)) for name in error.changed if name in form.fields],
    )


def _edit_page(request, project, form, team, upload_form, *, general_errors=(), status=200, stale=False, stored_now=()):
    sections = [
        ("organisation", _("Organisation")),
        ("project", _("Project")),
        ("description", _("Description")),
        ("budget", _("Budget and dates")),
        ("team", _("Team")),
        ("attachments", _("Attachments")),
        ("consent", _("Consent and submission")),
    ]
    return render(
        request,
        "submissions/edit.html",
        {
            "project": project,
            "edition": project.edition,
            "form": form,
            "team": team,
            "upload_form": upload_form,
            "attachments": list(project.attachments.all()),
            "general_errors": general_errors,
            "stale": stale,
            "stored_now": stored_now,
            "sections": sections,
            "max_mb": attachment_max_bytes() // (1024 * 1024),
            "max_count": attachment_max_count(),
        },
        status=status,
    )


@login_required
def project_status(request, pk: int):
    project = get_object_or_404(projects_owned_by(request.user), pk=pk)
    results = []
    if project.edition.results_are_public():
        # Results belong to the scoring app, which is read through the reverse relation only.
        results = [award.get_kind_display() for award in project.awards.all()]
    return render(
        request,
        "submissions/status.html",
        {
            "project": project,
            "edition": project.edition,
            "results_public": project.edition.results_are_public(),
            "attachments": list(project.attachments.all()),
            "team_members": list(project.team.all()),
            "can_edit": rules.can_edit(request.user, project),
            "can_reopen": rules.can_reopen_as_team(request.user, project),
            "can_withdraw": rules.can_withdraw(request.user, project),
            "before_deadline": rules.before_deadline(project),
            "results": results,
            "has_pdf": "application_summary" in pdf_renderers,
        },
    )


@login_required
@require_POST
def project_reopen(request, pk: int):
    project = get_object_or_404(projects_owned_by(request.user), pk=pk)
    try:
        services.project_reopen(actor=request.user, project=project)
    except ValidationError as error:
        return _problem(request, " ".join(error_messages(error)), back=reverse("submissions:status", args=[pk]))
    messages.success(request, _("The application is a draft again. Remember to submit it before the deadline."))
    return redirect("submissions:edit", pk=pk)


@login_required
def project_withdraw(request, pk: int):
    project = get_object_or_404(projects_owned_by(request.user), pk=pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm the withdrawal."))
            return render(request, "submissions/withdraw.html", {"project": project}, status=400)
        try:
            services.project_withdraw(actor=request.user, project=project)
        except ValidationError as error:
            return _problem(request, " ".join(error_messages(error)), back=reverse("submissions:status", args=[pk]))
        messages.success(request, _("Your application was withdrawn."))
        return redirect("submissions:status", pk=pk)
    if not rules.can_withdraw(request.user, project):
        return redirect("submissions:status", pk=pk)
    return render(request, "submissions/withdraw.html", {"project": project})


@login_required
def project_summary_pdf(request, pk: int):
    project = get_object_or_404(projects_visible_to(request.user), pk=pk)
    renderer = pdf_renderers.get("application_summary")
    if renderer is None:
        raise Http404
    pdf = renderer(project)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = project.reference or f"draft-{project.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    attachment = get_object_or_404(
        Attachment.objects.filter(project__in=projects_visible_to(request.user).values("pk")),
        pk=attachment_pk,
        project_id=pk,
    )
    return stored_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- Organiser screening ----------------------------------------------------------------------


def _organised_edition(request, slug: str) -> Edition:
    return edition_for_organiser(request.user, slug=slug)


@login_required
def screening_current(request):
    edition = editions_organised_by(request.user).order_by("-year", "-id").first()
    if edition is None:
        raise Http404
    return redirect("submissions:screening", slug=edition.slug)


# The list's filter and order, carried from the list to the detail page and the bulk action.
LIST_KEYS = ("q", "category", "country", "organisation_type", "status", "sort")


def _list_query(request) -> str:
    query = QueryDict(mutable=True)
    for key in LIST_KEYS:
        for value in request.GET.getlist(key):
            if value:
                query.appendlist(key, value)
    return query.urlencode()


def _screening_filtered(request, edition: Edition, *, with_counts: bool = True):
    """(filter form, filtered and ordered queryset, ordering) from the list's query string."""
    filters = ScreeningFilterForm(_list_params(request), edition=edition)
    params = filters.cleaned_data if filters.is_valid() else {}
    category = params.get("category")
    ordering = params.get("sort") or "reference"
    qs = projects_for_screening(
        edition,
        search=(params.get("q") or "").strip(),
        category=category.pk if category else None,
        country=params.get("country") or "",
        organisation_type=params.get("organisation_type") or "",
        status=params.get("status") or "",
        ordering=ordering,
        with_counts=with_counts,
    )
    return filters, qs, ordering


def _list_params(request):
    params = QueryDict(_list_query(request))
    return params or None


@login_required
def screening_list(request, slug: str):
    edition = _organised_edition(request, slug)
    return _screening_list_page(request, edition)


def _screening_list_page(request, edition: Edition, *, bulk_form=None, status: int | None = None):
    filters, qs, ordering = _screening_filtered(request, edition)
    page = Paginator(qs, SCREENING_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    columns = [
        ("reference", _("Reference")),
        ("title", _("Title")),
        ("organisation", _("Organisation")),
        ("country", _("Country")),
        ("category", _("Category")),
        ("status", _("Status")),
        ("submitted", _("Submitted")),
    ]
    if status is None:
        status = 200 if filters.is_bound is False or filters.is_valid() else 400
    return render(
        request,
        "submissions/screening_list.html",
        {
            "edition": edition,
            "filters": filters,
            "page": page,
            "counts": screening_counts(qs),
            "columns": columns,
            "ordering": ordering,
            "query": query.urlencode(),
            "list_query": _list_query(request),
            "sort_query": sort_query.urlencode(),
            "categories": list(edition.categories.all()),
            "can_dossier": "application_dossier" in job_starters,
            "bulk_form": bulk_form or BulkEligibilityForm(),
            "ticked": request.POST.getlist("ids") if request.method == "POST" else [],
        },
        status=status,
    )


@login_required
@require_POST
def screening_bulk(request, slug: str):
    """One decision and one reason for many applications: the ticked ones, or every one the
    list's filter (in the query string) matches. Only applications of this edition that reached
    the organisers are reachable: other ids are ignored, as if they did not exist."""
    edition = _organised_edition(request, slug)
    form = BulkEligibilityForm(request.POST)
    if not form.is_valid():
        return _screening_list_page(request, edition, bulk_form=form, status=400)
    filters, qs, _ordering = _screening_filtered(request, edition, with_counts=False)
    if form.cleaned_data["scope"] == BulkEligibilityForm.SCOPE_ALL:
        if filters.is_bound and not filters.is_valid():
            form.add_error(None, _("The filter is not valid; correct it before choosing every application it matches."))
            return _screening_list_page(request, edition, bulk_form=form, status=400)
        projects = list(qs)
    else:
        projects = list(projects_for_screening(edition, with_counts=False).filter(pk__in=form.cleaned_data["ids"]))
    if not projects:
        form.add_error(None, _("None of the chosen applications is on the list; nothing was changed."))
        return _screening_list_page(request, edition, bulk_form=form, status=400)
    eligible = form.cleaned_data["decision"] == "eligible"
    try:
        changed, skipped = services.projects_eligibility_set(
            actor=request.user,
            projects=projects,
            eligible=eligible,
            reason=form.cleaned_data["reason"],
            status_url_for=lambda project: _status_url(request, project),
        )
    except ValidationError as error:
        for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
        return _screening_list_page(request, edition, bulk_form=form, status=400)
    if changed:
        count = len(changed)
        if eligible:
            text = ngettext(
                "%(count)s application was marked eligible; its team is told by email.",
                "%(count)s applications were marked eligible; their teams are told by email.",
                count,
            )
        else:
            text = ngettext(
                "%(count)s application was marked not eligible; its team is told by email.",
                "%(count)s applications were marked not eligible; their teams are told by email.",
                count,
            )
        messages.success(request, text % {"count": count})
    if skipped:
        # The first few by name; a hundred references would bury the message.
        details = "; ".join(f"{project.reference or project.pk}: {why}" for project, why in skipped[:10])
        if len(skipped) > 10:
            details += "; …"
        messages.warning(
            request,
            ngettext(
                "%(count)s application was left as it was: %(details)s",
                "%(count)s applications were left as they were: %(details)s",
                len(skipped),
            )
            % {"count": len(skipped), "details": details},
        )
    query = request.GET.copy()
    return redirect(reverse("submissions:screening", args=[edition.slug]) + ("?" + query.urlencode() if query else ""))


def _screening_project(request, slug: str, pk: int) -> Project:
    edition = _organised_edition(request, slug)
    return get_object_or_404(projects_for_screening(edition), pk=pk)


def _screening_detail_page(request, project, *, eligibility_form=None, reopen_form=None, status=200):
    history = AuditEntry.objects.filter(target_type="submissions.project", target_id=str(project.pk)).select_related(
        "actor"
    )[:50]
    _filters, qs, _ordering = _screening_filtered(request, project.edition, with_counts=False)
    previous_id, next_id, position, total = screening_neighbours(qs, project.pk)
    return render(
        request,
        "submissions/screening_detail.html",
        {
            "project": project,
            "edition": project.edition,
            "team_members": list(project.team.all()),
            "attachments": list(project.attachments.all()),
            "eligibility_form": eligibility_form or EligibilityForm(initial={"reason": project.ineligibility_reason}),
            "reopen_form": reopen_form or OrganiserReopenForm(),
            "history": audit_sentences(history),
            "can_reopen": project.status == ProjectStatus.SUBMITTED,
            "can_decide": project.status in {ProjectStatus.SUBMITTED, ProjectStatus.ELIGIBLE, ProjectStatus.INELIGIBLE},
            "has_pdf": "application_summary" in pdf_renderers,
            "list_query": _list_query(request),
            "previous_id": previous_id,
            "next_id": next_id,
            "position": position,
            "total": total,
        },
        status=status,
    )


def _detail_url(edition: Edition, pk: int, list_query: str) -> str:
    url = reverse("submissions:screening_detail", args=[edition.slug, pk])
    return url + ("?" + list_query if list_query else "")


@login_required
def screening_detail(request, slug: str, pk: int):
    project = _screening_project(request, slug, pk)
    return _screening_detail_page(request, project)


@login_required
@require_POST
def screening_eligibility(request, slug: str, pk: int):
    project = _screening_project(request, slug, pk)
    form = EligibilityForm(request.POST)
    if form.is_valid():
        # The next application is taken before the decision: under a status filter the decided
        # one leaves the list.
        _filters, qs, _ordering = _screening_filtered(request, project.edition, with_counts=False)
        _previous, next_id, _position, _total = screening_neighbours(qs, project.pk)
        try:
            services.project_eligibility_set(
                actor=request.user,
                project=project,
                eligible=form.cleaned_data["decision"] == "eligible",
                reason=form.cleaned_data["reason"],
                status_url=_status_url(request, project),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The decision was saved and the team was told by email."))
            target = next_id if request.POST.get("then") == "next" and next_id else pk
            return redirect(_detail_url(project.edition, target, _list_query(request)))
    return _screening_detail_page(request, project, eligibility_form=form, status=400)


@login_required
@require_POST
def screening_reopen(request, slug: str, pk: int):
    project = _screening_project(request, slug, pk)
    form = OrganiserReopenForm(request.POST)
    if form.is_valid():
        until = timezone.now() + timedelta(days=form.cleaned_data["days"])
        try:
            services.project_reopen(
                actor=request.user, project=project, until=until, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The application is a draft again; the team can change and submit it."))
            return redirect(_detail_url(project.edition, pk, _list_query(request)))
    return _screening_detail_page(request, project, reopen_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def screening_dossier(request, slug: str, category_slug: str):
    """Queue the category's dossier and show the job's progress page: the PDF grows with the
    category, so it is never rendered in the request. The screening page posts here; a GET (an
    old bookmark, a link preview) starts nothing and leads back to the screening page's form."""
    edition = _organised_edition(request, slug)
    category = get_object_or_404(edition.categories, slug=category_slug)
    if request.method == "GET":
        return redirect(reverse("submissions:screening", args=[edition.slug]) + "#dossiers")
    starter = job_starters.get("application_dossier")
    if starter is None:
        raise Http404
    job_url = starter(edition=edition, category=category, actor=request.user)
    messages.info(request, _("The dossier is being prepared in the background."))
    return redirect(job_url)
