"""Pages of the jury side for the juror: the dashboard, the scoring page, conflicts,
attachments and accepting an invitation. The organiser's pages are in manage_views."""

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.db.models import prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from award.downloads import stored_file_response
from award.enums import Role
from award.errors import status_for
from award.models import EditionRole, User
from award.rubric import review_total
from award.selectors import edition_current
from award.views_helpers import error_messages
from scoring.ballot.selectors import is_ranked
from scoring.home import juror_dashboard, juror_next_up
from scoring.jury.assignments import (
    conflict_declare,
)
from scoring.jury.briefing import BriefingRequired, briefing_acknowledged, briefing_url
from scoring.jury.errors import ScoringError
from scoring.jury.forms import (
    ConflictDeclareForm,
    ScoreForm,
)
from scoring.jury.jurors import invitation_accept
from scoring.jury.scores import StaleVersionError, assignment_finalise, score_save
from scoring.rules import can_score, can_view_assignment, scoring_is_open
from scoring.selectors import assignment_for_juror
from submissions.blind import attachment_name, hidden_fields

# --- Juror ------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    edition = edition_current()
    context = juror_dashboard(request.user, edition) if edition is not None else {"groups": [], "total": 0}
    return render(request, "scoring/dashboard.html", {"panel": context, "edition": edition})


def _score_context(request, assignment, form, *, editable: bool, status=200, acknowledged: bool | None = None):
    """The scoring page; `editable` is can_score(), which the caller has already worked out."""
    edition = assignment.round.edition
    project = assignment.project
    blind = edition.blind_review
    hidden = hidden_fields(blind=blind)
    if acknowledged is None:
        acknowledged = getattr(assignment, "briefing_acknowledged", None)
    if acknowledged is None:
        acknowledged = briefing_acknowledged(request.user, edition)
    criteria = form.criteria
    typed = {c.pk: _decimal_or_none(form[f"value_{c.pk}"].value()) for c in criteria}
    # As the page's script shows it: only once every criterion has a value within its range.
    in_range = {c.pk: v for c in criteria if (v := typed[c.pk]) is not None and c.min_value <= v <= c.max_value}
    total = review_total(criteria, in_range)
    form.taps_enabled = editable and acknowledged
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
            "hidden": hidden,
            "team": [] if "team" in hidden else list(project.team.all()),
            "attachments": list(project.attachments.all()),
            "editable": editable and acknowledged,
            "acknowledged": acknowledged,
            "briefing_url": briefing_url(edition),
            "total": total,
            "round_open": assignment.round.is_open(),
            # After finalising: the next project and what is left (one query, only then).
            "next_up": juror_next_up(request.user, edition, exclude=assignment.pk) if assignment.is_locked else None,
        },
        status=status,
    )


def _decimal_or_none(value) -> Decimal | None:
    """A value as the page holds it (typed by the juror, maybe with a decimal comma), or None."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


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
    ranked = is_ranked(assignment.round)
    if ranked and request.method == "POST":
        # A ranked final round is decided by the ballot, not by scores.
        return redirect("scoring:ballot", round=assignment.round_id, category=assignment.project.category.slug)
    if request.method != "POST":
        # can_score(), now that can_view_assignment holds
        editable = scoring_is_open(assignment) and not ranked
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
        status = status_for(error)
        if wants_json:
            payload = {"ok": False, "stale": isinstance(error, StaleVersionError), "errors": _service_errors(error)}
            if isinstance(error, BriefingRequired):
                payload["briefing"] = error.url
            return JsonResponse(payload, status=status)
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
        # The page again, locked, with the next project and what is left (issue 18).
        return redirect("scoring:score", pk=assignment.pk)
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
    return {"__all__": error_messages(error)}


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
    name = attachment_name(item, blind=assignment.round.edition.blind_review)
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
