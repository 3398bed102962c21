"""Pages of the jury side for the organiser: jurors (list, edit, import, invitations),
assignments, progress and reopening a review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from award.models import Round
from award.selectors import (
    edition_current_organised_by,
    edition_for_organiser,
    editions_organised_by,
    rounds_organised_by,
)
from award.views_helpers import posted_id, run_service, site_base_url
from scoring.ballot.selectors import finalist_ballot_rows, is_ranked
from scoring.enums import AssignmentStatus
from scoring.jury.assignments import (
    assignment_add,
    assignment_remove,
    assignment_swap,
    assignments_generate,
    conflict_set,
)
from scoring.jury.errors import ScoringError
from scoring.jury.forms import (
    AssignmentAddForm,
    AssignmentSwapForm,
    ConflictSetForm,
    JurorForm,
    JurorImportForm,
    ReasonForm,
    juror_users,
)
from scoring.jury.jurors import (
    juror_invite,
    juror_profile_save,
    jurors_invite_pending,
    jury_chair_set,
    reminder_recipients,
    reminders_send,
)
from scoring.jury.jurors_import import jurors_import, jurors_import_preview
from scoring.jury.scores import assignment_reopen
from scoring.models import Assignment
from scoring.selectors import (
    jurors_of,
    round_project_rows,
    round_projects,
    round_projects_filtered,
    round_summary,
)

IMPORT_SALT = "scoring.jurors_import"
ROUND_PAGE_SIZE = 25


# --- Organiser --------------------------------------------------------------------------------


@login_required
def manage_current(request):
    # The jury's work is on the edition being judged, even when the next call is already open.
    edition = edition_current_organised_by(request.user)
    if edition is None:
        raise Http404
    return redirect("scoring:jurors", slug=edition.slug)


def _edition_for_organiser(request, slug: str):
    return edition_for_organiser(request.user, slug=slug)


def _round_for_organiser(request, pk: int) -> Round:
    return get_object_or_404(rounds_organised_by(request.user), pk=pk)


@login_required
def jurors(request, slug: str):
    edition = _edition_for_organiser(request, slug)
    if request.method == "POST" and request.POST.get("action") == "invite_pending":
        return run_service(
            request,
            lambda: jurors_invite_pending(actor=request.user, edition=edition, site_url=site_base_url(request)),
            success_url=reverse("scoring:jurors", kwargs={"slug": edition.slug}),
            success_message=lambda count: (
                ngettext(
                    "An invitation has been sent to %(count)s juror.",
                    "Invitations have been sent to %(count)s jurors.",
                    count,
                )
                % {"count": count}
            ),
        )
    form = JurorForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = juror_invite(
            actor=request.user,
            edition=edition,
            site_url=site_base_url(request),
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=data["organisation"],
            country=data["country"],
            panels=list(data["panels"]),
            expertise=list(data["expertise"]),
            nominated_by=data["nominated_by"],
        )
        messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": role.user.email})
        return redirect("scoring:jurors", slug=edition.slug)
    return render(
        request,
        "scoring/jurors.html",
        {
            "edition": edition,
            "roles": (roles := list(jurors_of(edition))),
            "not_invited": sum(1 for role in roles if role.invited_at is None),
            "form": form,
            "rounds": list(edition.rounds.all()),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def juror_chair(request, slug: str, role_pk: int):
    """Appoint the juror as the jury chair (chair=1) or remove them (chair=0)."""
    edition = _edition_for_organiser(request, slug)
    role = get_object_or_404(jurors_of(edition), pk=role_pk)
    is_chair = request.POST.get("chair") == "1"
    jury_chair_set(actor=request.user, role=role, is_chair=is_chair)
    name = role.user.display_name
    if is_chair:
        messages.success(request, _("%(name)s is now the jury chair.") % {"name": name})
    else:
        messages.success(request, _("%(name)s is no longer the jury chair.") % {"name": name})
    return redirect("scoring:jurors", slug=edition.slug)


@login_required
def juror_edit(request, slug: str, role_pk: int):
    edition = _edition_for_organiser(request, slug)
    role = get_object_or_404(jurors_of(edition), pk=role_pk)
    user = role.user
    initial = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation,
        "country": user.country,
        "panels": list(role.panels.all()),
        "expertise": list(role.expertise.all()),
        "nominated_by": role.nominated_by,
    }
    form = JurorForm(request.POST or None, edition=edition, initial=initial)
    form.fields["email"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        juror_profile_save(
            actor=request.user,
            edition=edition,
            email=user.email,
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=data["organisation"],
            country=data["country"],
            panels=list(data["panels"]),
            expertise=list(data["expertise"]),
            nominated_by=data["nominated_by"],
        )
        messages.success(request, _("The juror's profile is saved."))
        return redirect("scoring:jurors", slug=edition.slug)
    return render(
        request,
        "scoring/juror_edit.html",
        {"edition": edition, "role": role, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def jurors_import_view(request, slug: str):
    edition = _edition_for_organiser(request, slug)
    context = {"edition": edition}
    if request.method == "POST" and "confirm" in request.POST:
        try:
            rows = signing.loads(request.POST.get("rows", ""), salt=IMPORT_SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, _("The preview has expired. Please upload the file again."))
            return redirect("scoring:jurors_import", slug=edition.slug)
        count = jurors_import(actor=request.user, edition=edition, rows=rows, site_url=site_base_url(request))
        messages.success(
            request,
            ngettext("%(count)s juror imported and invited.", "%(count)s jurors imported and invited.", count)
            % {"count": count},
        )
        return redirect("scoring:jurors", slug=edition.slug)
    form = JurorImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rows = jurors_import_preview(edition=edition, file=form.cleaned_data["file"])
            except ScoringError as error:
                form.add_error("file", error.messages)
            else:
                status = 200
                valid = [row.data for row in rows if row.ok]
                context.update(
                    rows=rows,
                    valid_count=len(valid),
                    error_count=len(rows) - len(valid),
                    signed_rows=signing.dumps(valid, salt=IMPORT_SALT),
                )
    context["form"] = form
    return render(request, "scoring/jurors_import.html", context, status=status)


def _generated_message(report) -> str:
    return ngettext(
        "%(created)s assignment created; the loads differ by at most %(spread)s.",
        "%(created)s assignments created; the loads differ by at most %(spread)s.",
        report.created,
    ) % {"created": report.created, "spread": report.load_spread}


def _connectivity_messages(request, report) -> None:
    """The plan's connectivity after generating (issue 15, item 4): the calibrated ranking can put
    jurors' leniencies on one scale only within a group of projects linked by shared jurors."""
    if report.links:
        messages.info(
            request,
            ngettext(
                "%(links)s extra review was assigned so that groups of projects with no juror in common are linked.",
                "%(links)s extra reviews were assigned so that groups of projects with no juror in common are linked.",
                report.links,
            )
            % {"links": report.links},
        )
    if report.connected:
        messages.info(
            request,
            _("The judging plan is connected: all projects of the round are linked through shared jurors."),
        )
    else:
        count = len(report.components)
        messages.warning(
            request,
            ngettext(
                "The judging plan falls into %(count)s group that share no juror (projects per group: %(sizes)s). "
                "Jurors' leniency can be compared only within a group.",
                "The judging plan falls into %(count)s groups that share no juror (projects per group: %(sizes)s). "
                "Jurors' leniency can be compared only within a group.",
                count,
            )
            % {"count": count, "sizes": ", ".join(str(projects) for projects, _jurors in report.components)},
        )


def _report_generation(request, report) -> None:
    _connectivity_messages(request, report)
    _report_gaps(request, report)


def _report_gaps(request, report) -> None:
    for project, available, needed in report.uncovered:
        messages.error(
            request,
            # Two counts: the plural follows "available"; "needed" stands after a colon, free of any noun.
            ngettext(
                "%(project)s cannot get enough jurors (needed: %(needed)s): only %(available)s juror has no conflict of interest with it.",
                "%(project)s cannot get enough jurors (needed: %(needed)s): only %(available)s jurors have no conflict of interest with it.",
                available,
            )
            % {"project": project.reference or project.title, "needed": needed, "available": available},
        )
    for project, available, _needed in report.warnings:
        messages.warning(
            request,
            ngettext(
                "The panel of %(project)s has only %(available)s juror without a conflict; jurors from other panels were added.",
                "The panel of %(project)s has only %(available)s jurors without a conflict; jurors from other panels were added.",
                available,
            )
            % {"project": project.reference or project.title, "available": available},
        )


def _int_param(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def _round_board(request, rnd, *, review_statuses: bool = True) -> dict:
    """The summary, the filter and one page of projects of the organiser's round pages: the
    pages stay small and fast however many projects the round has. Without ``review_statuses``
    (the progress of a ranked round) the page is not filtered by a review's status."""
    params = request.GET
    status = params.get("status") or ""
    if status not in AssignmentStatus.values or not review_statuses:
        status = ""
    filters = {
        "status": status,
        "juror": _int_param(params.get("juror")),
        "category": _int_param(params.get("category")),
        "search": (params.get("q") or "").strip()[:100],
    }
    page = Paginator(round_projects_filtered(rnd, **filters), ROUND_PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    for key in ("page", "change"):
        query.pop(key, None)
    return {
        "overview": round_summary(rnd),
        "filters": filters,
        "filtered": any(filters.values()),
        "statuses": AssignmentStatus.choices if review_statuses else [],
        "categories": list(rnd.edition.categories.order_by("position", "pk")),
        "page_obj": page,
        "rows": round_project_rows(rnd, page.object_list),
        "query": query.urlencode(),
    }


@login_required
def assignments(request, pk: int):
    rnd = _round_for_organiser(request, pk)
    edition = rnd.edition
    jurors_qs = juror_users(edition)
    forms = {
        "add_form": AssignmentAddForm(projects=round_projects(rnd), jurors=jurors_qs, prefix="add"),
        "conflict_form": ConflictSetForm(projects=round_projects(rnd), jurors=jurors_qs, prefix="conflict"),
    }

    def page(status: int = 200):
        board = _round_board(request, rnd)
        # The add and conflict forms offer the projects of this page only (a round may hold 2,000).
        shown = round_projects(rnd).filter(pk__in=[row["project"].pk for row in board["rows"]])
        for form in forms.values():
            if not form.is_bound:
                form.fields["project"].queryset = shown
        change = _int_param(request.GET.get("change"))
        context = {
            "round": rnd,
            "edition": edition,
            **board,
            "change": change,
            "swap_jurors": list(jurors_qs) if change else [],
        }
        return render(request, "scoring/assignments.html", {**context, **forms}, status=status)

    if request.method != "POST":
        return page()
    here = reverse("scoring:assignments", kwargs={"pk": rnd.pk})
    action = request.POST.get("action")
    if action == "generate":
        return run_service(
            request,
            lambda: assignments_generate(actor=request.user, round=rnd),
            success_url=here,
            success_message=_generated_message,
            after=lambda report: _report_generation(request, report),
            failure_page=page,
        )
    # The two form actions: the form's context name, its class, the service and what to say.
    form_actions = {
        "add": (
            AssignmentAddForm,
            lambda data: assignment_add(actor=request.user, round=rnd, **data),
            _("The assignment is added."),
        ),
        "conflict": (
            ConflictSetForm,
            lambda data: conflict_set(actor=request.user, **data),
            _("The conflict of interest is recorded; any assignment of the pair is withdrawn."),
        ),
    }
    if action in form_actions:
        form_class, service, done = form_actions[action]
        form = forms[f"{action}_form"] = form_class(
            request.POST, projects=round_projects(rnd), jurors=jurors_qs, prefix=action
        )
        if not form.is_valid():
            return page(400)
        return run_service(
            request, lambda: service(form.cleaned_data), success_url=here, success_message=done, failure_page=page
        )
    if action in {"remove", "swap"}:
        assignment = get_object_or_404(
            Assignment.objects.filter(round=rnd).select_related("juror", "project", "round__edition"),
            pk=posted_id(request, "assignment"),
        )
        if action == "remove":
            return run_service(
                request,
                lambda: assignment_remove(actor=request.user, assignment=assignment),
                success_url=here,
                success_message=_("The assignment is removed."),
                failure_page=page,
            )
        swap = AssignmentSwapForm(request.POST, jurors=jurors_qs)

        def swap_juror():
            if not swap.is_valid():
                raise ScoringError(_("Choose the juror who should take over."), code="invalid")
            return assignment_swap(actor=request.user, assignment=assignment, juror=swap.cleaned_data["juror"])

        return run_service(
            request,
            swap_juror,
            success_url=here,
            success_message=_("The assignment is given to another juror."),
            failure_page=page,
        )
    messages.error(request, _("Unknown action."))
    return page(400)


@login_required
def progress(request, pk: int):
    rnd = _round_for_organiser(request, pk)
    if request.method == "POST":
        # Reminders are sent from their preview only.
        return redirect("scoring:reminders", pk=rnd.pk)
    ranked = is_ranked(rnd)
    board = _round_board(request, rnd, review_statuses=not ranked)
    if ranked:
        # A ballot ranks every finalist of a category at once: a finalist has no review state.
        finalist_ballot_rows(rnd, board["rows"])
    context = {"round": rnd, "edition": rnd.edition, **board}
    return render(request, "scoring/progress.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request, pk: int):
    """GET: who would get a reminder and the email that the first one (or the one chosen) would
    read; POST: send them."""
    from award.emails import email_render
    from scoring.emails import REMINDER, reminder_count, reminder_kind, reminder_values

    rnd = _round_for_organiser(request, pk)
    if request.method == "POST":
        count = reminders_send(actor=request.user, round=rnd, site_url=site_base_url(request))
        messages.success(
            request,
            ngettext("Reminders sent to %(count)s juror.", "Reminders sent to %(count)s jurors.", count)
            % {"count": count},
        )
        return redirect("scoring:progress", pk=rnd.pk)
    recipients = list(reminder_recipients(rnd))
    chosen = None
    if recipients:
        wanted = request.GET.get("juror")
        chosen = next((r for r in recipients if str(r.pk) == wanted), recipients[0])
    preview = None
    if chosen is not None:
        values = reminder_values(chosen, rnd, site_url=site_base_url(request))
        if values is not None:
            preview = email_render(
                kind=reminder_kind(rnd),
                edition=rnd.edition,
                language=chosen.language or "en",
                values=values,
                count=reminder_count(rnd, values),
                site_url=site_base_url(request),
            )
    context = {
        "round": rnd,
        "edition": rnd.edition,
        "recipients": recipients,
        "chosen": chosen,
        "preview": preview,
        "ranked": reminder_kind(rnd) is not REMINDER,
    }
    return render(request, "scoring/reminders.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request, pk: int):
    """GET: the reopen form for the one review chosen on the progress page; POST: reopen it."""
    assignment = get_object_or_404(
        Assignment.objects.filter(round__edition__in=editions_organised_by(request.user)).select_related(
            "round__edition", "juror", "project"
        ),
        pk=pk,
    )
    rnd = assignment.round
    form = ReasonForm(request.POST or None)

    def page(status: int = 200):
        context = {"round": rnd, "edition": rnd.edition, "assignment": assignment, "form": form}
        return render(request, "scoring/reopen.html", context, status=status)

    if request.method != "POST":
        return page()
    form.is_valid()
    return run_service(
        request,
        lambda: assignment_reopen(
            actor=request.user, assignment=assignment, reason=form.cleaned_data.get("reason", "")
        ),
        success_url=reverse("scoring:progress", kwargs={"pk": rnd.pk}),
        success_message=_("The review is reopened; the juror can change it again."),
        failure_page=page,
    )
