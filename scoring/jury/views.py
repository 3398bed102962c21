"""Pages of the jury side: the juror's dashboard and scoring page, and the organiser's juror,
assignment and progress pages."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db.models import prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from award.downloads import stored_file_response
from award.enums import Role
from award.models import EditionRole, Round, User
from award.selectors import edition_current, edition_current_organised_by, editions_organised_by
from scoring.home import juror_dashboard
from scoring.jury.assignments import (
    assignment_add,
    assignment_remove,
    assignment_swap,
    assignments_generate,
    conflict_declare,
    conflict_set,
)
from scoring.jury.errors import ScoringError
from scoring.jury.forms import (
    AssignmentAddForm,
    AssignmentSwapForm,
    ConflictDeclareForm,
    ConflictSetForm,
    JurorForm,
    JurorImportForm,
    ReasonForm,
    ScoreForm,
    juror_users,
)
from scoring.jury.jurors import invitation_accept, juror_invite, juror_profile_save, reminders_send
from scoring.jury.jurors_import import jurors_import, jurors_import_preview
from scoring.jury.scores import StaleVersionError, assignment_finalise, assignment_reopen, score_save
from scoring.models import Assignment
from scoring.rules import can_score, can_view_assignment, scoring_is_open
from scoring.selectors import assignment_for_juror, jurors_of, round_overview, round_projects

ERROR_STATUS = {"not_found": 404, "forbidden": 403, "conflicted": 403, "closed": 403, "locked": 409, "stale": 409}
IMPORT_SALT = "scoring.jurors_import"


def _status(error: ScoringError) -> int:
    return ERROR_STATUS.get(getattr(error, "code", None) or "", 400)


def _posted_id(request, name: str) -> int | None:
    """An id posted by a page, or None (then a lookup finds nothing: a 404) for anything that
    is not one: the ORM raises ValueError, a 500, for "1e309" or "abc"."""
    value = request.POST.get(name, "")
    if value.isascii() and value.isdigit() and len(value) <= 19 and int(value) < 2**63:
        return int(value)
    return None


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _messages_of(error) -> list[str]:
    return [str(m) for m in error.messages]


# --- Juror ------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    edition = edition_current()
    context = juror_dashboard(request.user, edition) if edition is not None else {"groups": [], "total": 0}
    return render(request, "scoring/dashboard.html", {"panel": context, "edition": edition})


def _score_context(request, assignment, form, *, editable: bool, status=200):
    """The scoring page; `editable` is can_score(), which the caller has already worked out."""
    edition = assignment.round.edition
    project = assignment.project
    blind = edition.blind_review
    return render(
        request,
        "scoring/score.html",
        {
            "assignment": assignment,
            "project": project,
            "edition": edition,
            "round": assignment.round,
            "form": form,
            "blind": blind,
            "team": [] if blind else list(project.team.all()),
            "attachments": list(project.attachments.all()),
            "editable": editable,
            "round_open": assignment.round.is_open(),
        },
        status=status,
    )


def _scores_of(assignment) -> dict:
    return {s.criterion_id: s for s in assignment.scores.all()}


@login_required
def score(request, pk: int):
    assignment = assignment_for_juror(request.user, pk)
    # The conflict check reads the team's addresses (here and again in score_save), the page
    # shows the team and the attachments, and the form and score_save both need the rubric:
    # one query each for all of them.
    prefetch_related_objects([assignment.project], "team", *(["attachments"] if request.method != "POST" else []))
    prefetch_related_objects([assignment.round.edition], "criteria")
    if not can_view_assignment(request.user, assignment):
        # A conflicted juror may not open the project at all.
        raise Http404
    criteria = list(assignment.round.edition.criteria.all())
    wants_json = request.headers.get("X-Autosave") == "1"
    if request.method != "POST":
        editable = scoring_is_open(assignment)  # can_score(), now that can_view_assignment holds
        form = ScoreForm(criteria=criteria, scores=_scores_of(assignment), assignment=assignment, disabled=not editable)
        return _score_context(request, assignment, form, editable=editable)

    form = ScoreForm(request.POST, criteria=criteria)
    finalise = "finalise" in request.POST
    too_long = _comments_too_long(form)
    if not form.is_valid() and (finalise or set(form.errors) != too_long):
        if wants_json:
            return JsonResponse({"ok": False, "errors": _form_errors(form)}, status=400)
        return _score_context(request, assignment, form, editable=scoring_is_open(assignment), status=400)
    try:
        values = form.score_inputs()
        # A comment over its limit (one stored before the limit applied, not yet shortened enough)
        # must not cost the juror the scores: everything else is saved, that comment is kept in
        # the database exactly as stored (comment=None; never cut), and the reply names it and
        # asks to shorten it. Its text stays in the page as typed. Finalising still refuses it.
        for cid in list(values):
            if f"comment_{cid}" in too_long:
                if values[cid].value is None:
                    # Clearing the score would delete the row and its stored comment with it.
                    del values[cid]
                else:
                    values[cid] = replace(values[cid], comment=None)
        kwargs = {
            "actor": request.user,
            "assignment": assignment,
            "expected_version": form.cleaned_data["version"],
            "values": values,
            "overall_comment": None if "overall_comment" in too_long else form.cleaned_data["overall_comment"],
        }
        saved = assignment_finalise(**kwargs) if finalise else score_save(**kwargs)
    except ScoringError as error:
        status = _status(error)
        if wants_json:
            return JsonResponse(
                {"ok": False, "stale": isinstance(error, StaleVersionError), "errors": _service_errors(error)},
                status=status,
            )
        form.add_service_errors(error)
        return _score_context(request, assignment, form, editable=can_score(request.user, assignment), status=status)
    if wants_json:
        local = timezone.localtime(timezone.now(), assignment.round.edition.tz)
        message = _("Saved at %(time)s") % {"time": formats.time_format(local, "H:i")}
        if too_long:
            message = " ".join(
                [message, _("A comment that is too long was not saved: shorten it (see the marked field).")]
            )
        return JsonResponse(
            {
                "ok": True,
                "version": saved.version,
                "status": saved.status,
                "message": message,
                # Fields the save left as stored, with why: the page marks them like errors.
                "warnings": {name: errors for name, errors in _form_errors(form).items() if name in too_long},
            }
        )
    if too_long:
        # The scores are saved; the page comes back with the comment as typed, marked, and the
        # new version (or the next save from this page would be refused as stale).
        form.data = form.data.copy()
        form.data["version"] = saved.version
        messages.warning(
            request, _("Your scores are saved. A comment that is too long was not saved: shorten it and save again.")
        )
        return _score_context(request, assignment, form, editable=can_score(request.user, assignment), status=400)
    if finalise:
        messages.success(request, _("Your review is finalised. Thank you!"))
        return redirect("scoring:dashboard")
    messages.success(request, _("Your draft is saved."))
    return redirect("scoring:score", pk=assignment.pk)


def _comments_too_long(form: ScoreForm) -> set[str]:
    """The comment fields whose only error is their length."""
    form.is_valid()
    return {
        name
        for name, errors in form.errors.as_data().items()
        if name in form.comment_names() and all(error.code == "max_length" for error in errors)
    }


def _form_errors(form) -> dict:
    return {key: [str(m) for m in errors] for key, errors in form.errors.items()}


def _service_errors(error) -> dict:
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in msgs] for key, msgs in error.message_dict.items()}
    return {"__all__": _messages_of(error)}


@login_required
def declare_conflict(request, pk: int):
    assignment = assignment_for_juror(request.user, pk)
    if not can_view_assignment(request.user, assignment):
        raise Http404
    form = ConflictDeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conflict_declare(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except ScoringError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thank you. The project has been withdrawn from your assignments."))
            return redirect("scoring:dashboard")
    return render(
        request,
        "scoring/conflict_declare.html",
        {"assignment": assignment, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def attachment(request, pk: int, attachment_pk: int):
    assignment = assignment_for_juror(request.user, pk)
    if not can_view_assignment(request.user, assignment):
        raise Http404
    item = get_object_or_404(assignment.project.attachments.all(), pk=attachment_pk)
    name = item.original_name if not assignment.round.edition.blind_review else _("attachment-%(n)s") % {"n": item.pk}
    return stored_file_response(item.file, filename=name, content_type=item.content_type)


def invitation_accept_view(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    role = (
        EditionRole.objects.filter(user=user, role=Role.JUROR)
        .select_related("edition", "user")
        .order_by("-created_at")
        .first()
        if user is not None
        else None
    )
    if role is None or not default_token_generator.check_token(user, token):
        return render(request, "scoring/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_accept(role=role, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to the jury! Your assignments are listed below."))
        return redirect("scoring:dashboard")
    return render(
        request,
        "scoring/invitation_accept.html",
        {"form": form, "role": role},
        status=400 if request.method == "POST" else 200,
    )


# --- Organiser --------------------------------------------------------------------------------


@login_required
def manage_current(request):
    # The jury's work is on the edition being judged, even when the next call is already open.
    edition = edition_current_organised_by(request.user)
    if edition is None:
        raise Http404
    return redirect("scoring:jurors", slug=edition.slug)


def _edition_for_organiser(request, slug: str):
    return get_object_or_404(editions_organised_by(request.user), slug=slug)


def _round_for_organiser(request, pk: int) -> Round:
    return get_object_or_404(
        Round.objects.select_related("edition").filter(edition__in=editions_organised_by(request.user)), pk=pk
    )


@login_required
def jurors(request, slug: str):
    edition = _edition_for_organiser(request, slug)
    form = JurorForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = juror_invite(
            actor=request.user,
            edition=edition,
            site_url=_site_url(request),
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation=data["organisation"],
            country=data["country"],
            panels=list(data["panels"]),
            expertise=list(data["expertise"]),
        )
        messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": role.user.email})
        return redirect("scoring:jurors", slug=edition.slug)
    return render(
        request,
        "scoring/jurors.html",
        {"edition": edition, "roles": list(jurors_of(edition)), "form": form, "rounds": list(edition.rounds.all())},
        status=400 if request.method == "POST" else 200,
    )


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
        count = jurors_import(actor=request.user, edition=edition, rows=rows, site_url=_site_url(request))
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


@login_required
def assignments(request, pk: int):
    rnd = _round_for_organiser(request, pk)
    edition = rnd.edition
    jurors_qs = juror_users(edition)
    add_form = AssignmentAddForm(projects=round_projects(rnd), jurors=jurors_qs, prefix="add")
    conflict_form = ConflictSetForm(projects=round_projects(rnd), jurors=jurors_qs, prefix="conflict")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "generate":
                report = assignments_generate(actor=request.user, round=rnd)
                messages.success(
                    request,
                    ngettext(
                        "%(created)s assignment created; the loads differ by at most %(spread)s.",
                        "%(created)s assignments created; the loads differ by at most %(spread)s.",
                        report.created,
                    )
                    % {"created": report.created, "spread": report.load_spread},
                )
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
                return redirect("scoring:assignments", pk=rnd.pk)
            if action == "add":
                add_form = AssignmentAddForm(request.POST, projects=round_projects(rnd), jurors=jurors_qs, prefix="add")
                if add_form.is_valid():
                    assignment_add(actor=request.user, round=rnd, **add_form.cleaned_data)
                    messages.success(request, _("The assignment is added."))
                    return redirect("scoring:assignments", pk=rnd.pk)
                status = 400
            elif action == "conflict":
                conflict_form = ConflictSetForm(
                    request.POST, projects=round_projects(rnd), jurors=jurors_qs, prefix="conflict"
                )
                if conflict_form.is_valid():
                    conflict_set(actor=request.user, **conflict_form.cleaned_data)
                    messages.success(
                        request, _("The conflict of interest is recorded; any assignment of the pair is withdrawn.")
                    )
                    return redirect("scoring:assignments", pk=rnd.pk)
                status = 400
            elif action in {"remove", "swap"}:
                assignment = get_object_or_404(
                    Assignment.objects.filter(round=rnd).select_related("juror", "project", "round__edition"),
                    pk=_posted_id(request, "assignment"),
                )
                if action == "remove":
                    assignment_remove(actor=request.user, assignment=assignment)
                    messages.success(request, _("The assignment is removed."))
                else:
                    swap = AssignmentSwapForm(request.POST, jurors=jurors_qs)
                    if not swap.is_valid():
                        raise ScoringError(_("Choose the juror who should take over."), code="invalid")
                    assignment_swap(actor=request.user, assignment=assignment, juror=swap.cleaned_data["juror"])
                    messages.success(request, _("The assignment is given to another juror."))
                return redirect("scoring:assignments", pk=rnd.pk)
            else:
                raise ScoringError(_("Unknown action."), code="invalid")
        except ScoringError as error:
            status = _status(error)
            for message in _messages_of(error):
                messages.error(request, message)
    overview = round_overview(rnd)
    return render(
        request,
        "scoring/assignments.html",
        {
            "round": rnd,
            "edition": edition,
            "overview": overview,
            "add_form": add_form,
            "conflict_form": conflict_form,
            "swap_jurors": list(jurors_qs),
        },
        status=status,
    )


@login_required
def progress(request, pk: int):
    rnd = _round_for_organiser(request, pk)
    if request.method == "POST":
        count = reminders_send(actor=request.user, round=rnd, site_url=_site_url(request))
        messages.success(
            request,
            ngettext("Reminders sent to %(count)s juror.", "Reminders sent to %(count)s jurors.", count)
            % {"count": count},
        )
        return redirect("scoring:progress", pk=rnd.pk)
    return render(
        request, "scoring/progress.html", {"round": rnd, "edition": rnd.edition, "overview": round_overview(rnd)}
    )


@login_required
@require_POST
def reopen(request, pk: int):
    assignment = get_object_or_404(
        Assignment.objects.filter(round__edition__in=editions_organised_by(request.user)).select_related(
            "round__edition"
        ),
        pk=pk,
    )
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        assignment_reopen(actor=request.user, assignment=assignment, reason=form.cleaned_data.get("reason", ""))
    except ScoringError as error:
        for message in _messages_of(error):
            messages.error(request, message)
        rnd = assignment.round
        return render(
            request,
            "scoring/progress.html",
            {"round": rnd, "edition": rnd.edition, "overview": round_overview(rnd)},
            status=_status(error),
        )
    messages.success(request, _("The review is reopened; the juror can change it again."))
    return redirect("scoring:progress", pk=assignment.round_id)
