"""The jury meeting view (issue 19, item 1): on a projector, per category the projects in
discussion order (the contested places of the decision band first, ``explain.discussion_order``,
then the rest in ranking order), and for the project under discussion its jurors' totals side
by side, their per-criterion scores and comments (juror names hidden unless the chair shows
them), a timer, the chair's notes, the decisions and, where the statute gives one, the chair's
veto.

Reads: the ranking (``ranking_for``: the round's inputs and its cached analysis), then a fixed
number of queries for the project under discussion; the count does not grow with the projects.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from award.collation import name_order
from award.enums import Role, RoundKind
from award.models import EditionRole, User
from award.services import audit_log
from award.views_helpers import run_service
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, MeetingNote, MeetingVeto, Result, Score
from scoring.ranking import explain
from scoring.ranking.engine import gc_paused, ranking_for
from scoring.ranking.presenter import RESULT_LABELS
from scoring.results import meeting
from scoring.results.ranking_views import number_formatter
from scoring.results.views import round_and_category
from scoring.rules import (
    can_record_meeting_decision,
    can_run_meeting,
    can_show_juror_names,
    can_veto,
    categories_readable,
    jurors_recused_for,
    meeting_recused,
)
from scoring.selectors import editions_ranked_for
from submissions.models import Project

NAMES_SESSION_KEY = "meeting_names_shown"
# The timer's target per project (the chair sees when the time is up): 5 minutes unless whoever
# runs the meeting picks another from TIMER_CHOICES (kept in their session, per edition).
TIMER_TARGET_SECONDS = 5 * 60
TIMER_CHOICES = (2, 3, 5, 8, 10, 15)  # minutes
TIMER_SESSION_KEY = "meeting_timer_minutes"


def _meeting(request, edition: str, round: int, category: str):
    edition = get_object_or_404(editions_ranked_for(request.user), slug=edition)
    rnd, cat = round_and_category(edition, round, category)
    if not can_run_meeting(request.user, edition, cat):
        raise Http404
    return edition, rnd, cat


def meeting_url(edition, rnd, category, project=None) -> str:
    kwargs = {"edition": edition.slug, "round": rnd.number, "category": category.slug}
    if project is None:
        return reverse("results:meeting", kwargs=kwargs)
    return reverse("results:meeting_project", kwargs=kwargs | {"project": project.pk})


def _timer_minutes(request, edition) -> int:
    minutes = request.session.get(TIMER_SESSION_KEY, {}).get(str(edition.pk))
    return minutes if minutes in TIMER_CHOICES else TIMER_TARGET_SECONDS // 60


def _names_shown(request, edition) -> bool:
    return edition.pk in request.session.get(NAMES_SESSION_KEY, [])


@login_required
@gc_paused()
def meeting_view(request, edition: str, round: int, category: str, project: int | None = None):
    edition, rnd, cat = _meeting(request, edition, round, category)
    user = request.user
    result = ranking_for(category=cat, round=rnd, seed=0)
    analysis = result.analysis
    summary = result.category_analysis or {}
    position = {row.project.pk: index for index, row in enumerate(result.rows)}
    outliers = [row.project.pk for row in result.rows if "outlier_review" in row.flags]
    first = [
        pid
        for pid in explain.discussion_order(
            category=summary, projects=analysis.projects if analysis else {}, outlier_projects=outliers
        )
        if pid in position
    ]
    discussed_first = set(first)
    order = first + [row.project.pk for row in result.rows if row.project.pk not in discussed_first]
    band = set(summary.get("band") or [])
    if project is None and order:
        project = order[0]
    if project is not None and project not in position:
        raise Http404
    items = []
    for number, pid in enumerate(order, start=1):
        row = result.rows[position[pid]]
        items.append(
            {
                "number": number,
                "project": row.project,
                "rank": row.rank,
                "p": explain.percent(row.p_top),
                "contested": pid in band,
                "first": pid in first,
                "result": str(RESULT_LABELS.get(row.result or "", "")),
                "current": pid == project,
                "url": meeting_url(edition, rnd, cat, row.project),
            }
        )
    timer_minutes = _timer_minutes(request, edition)
    context = {
        "edition": edition,
        "round": rnd,
        "category": cat,
        "categories": categories_readable(user, edition, edition.categories.order_by("position", "name")),
        "items": items,
        "is_final": rnd.kind == RoundKind.FINAL,
        "timer_target": timer_minutes * 60,
        "timer_minutes": timer_minutes,
        "timer_choices": TIMER_CHOICES,
        "names_shown": _names_shown(request, edition),
        "can_show_names": can_show_juror_names(user, edition, cat),
    }
    if project is not None:
        context |= _under_discussion(request, edition, rnd, cat, result.rows[position[project]], result, context)
    return render(request, "scoring/results/meeting.html", context)


def _under_discussion(request, edition, rnd, cat, row, result, context) -> dict:
    """The project under discussion: a fixed number of queries whatever the category's size."""
    user = request.user
    project = Project.objects.select_related("owner").get(pk=row.project.pk)
    project.edition = edition
    fmt = number_formatter()
    lines = sorted(row.reviews, key=lambda line: (line.total, line.juror_id))
    juror_ids = [line.juror_id for line in lines]
    names_shown = context["names_shown"]
    if names_shown:
        users = User.objects.in_bulk(juror_ids)
        labels = {j: users[j].display_name for j in juror_ids if j in users}
    else:
        # Numbered by ascending total for this project only: the label tells nothing across projects.
        labels = {j: _("Juror %(number)s") % {"number": n} for n, j in enumerate(juror_ids, start=1)}
    scores: dict[tuple[int, int], Score] = {}
    for score in Score.objects.filter(
        assignment__round=rnd, assignment__project=project, assignment__status=AssignmentStatus.COMPLETED
    ).select_related("assignment"):
        scores[(score.assignment.juror_id, score.criterion_id)] = score
    overall = dict(
        Assignment.objects.filter(
            round=rnd, project=project, status=AssignmentStatus.COMPLETED, juror_id__in=juror_ids
        ).values_list("juror_id", "overall_comment")
    )
    columns = [
        {"label": labels.get(line.juror_id, ""), "total": fmt(line.total), "comment": overall.get(line.juror_id, "")}
        for line in lines
    ]
    criteria_rows = []
    for criterion in result.criteria:
        cells = []
        for juror_id in juror_ids:
            score = scores.get((juror_id, criterion.pk))
            cells.append(
                {
                    "value": "–" if score is None else fmt(float(score.value), 1),
                    "comment": "" if score is None else score.comment,
                }
            )
        criteria_rows.append({"criterion": criterion, "cells": cells})
    panel = list(
        EditionRole.objects.filter(edition=edition, role=Role.JUROR)
        .filter(panels=cat)
        .select_related("user")
        .order_by(name_order("user__last_name"), name_order("user__first_name"), "user__pk")
        .distinct()
    )
    chairs = list(
        EditionRole.objects.filter(edition=edition, role=Role.JUROR, is_chair=True)
        .exclude(pk__in=[r.pk for r in panel])
        .select_related("user")
        .order_by(name_order("user__last_name"), "user__pk")
    )
    members = panel + chairs
    recused_ids = jurors_recused_for(project, members)
    recused = [
        {"name": role.user.display_name, "chair": role.is_chair} for role in members if role.user_id in recused_ids
    ]
    note = MeetingNote.objects.filter(round=rnd, project=project).first()
    decisions = list(Result.objects.filter(project=project).order_by("kind", "title", "pk"))
    vetoes = list(MeetingVeto.objects.filter(round=rnd, project=project).order_by("vetoed_at", "pk"))
    vetoed = {(v.kind, v.title) for v in vetoes}
    viewer_recused = meeting_recused(user, project)
    may_veto = can_veto(user, edition, cat, project)
    return {
        "current": row,
        "project": project,
        "p": explain.percent(row.p_top),
        "official": fmt(row.official_score),
        "columns": columns,
        "criteria_rows": criteria_rows,
        "recused": recused,
        "viewer_recused": viewer_recused,
        "can_decide": can_record_meeting_decision(user, edition, cat, project),
        "note": note.text if note else "",
        "decisions": [
            {
                "result": r,
                "label": r.title if r.kind == ResultKind.SPECIAL else r.get_kind_display(),
                "reason": r.citation if r.kind == ResultKind.SPECIAL else r.override_reason,
                "can_veto": may_veto and not rnd.frozen and (r.kind, r.title) not in vetoed,
            }
            for r in decisions
        ],
        "vetoes": vetoes,
    }


def _answer(request, action, *, back: str, success_message: str):
    """Run a meeting service: a refusal the person may read (recused, not the chair) is a 403
    with its translated message; a refused input comes back as a message on the meeting page."""
    return run_service(request, action, success_url=back, success_message=success_message, refusal_shown=True)


def _posted_project(rnd, cat, project: int):
    project = get_object_or_404(
        cat.projects.select_related("owner").filter(id__in=Assignment.objects.filter(round=rnd).values("project_id")),
        pk=project,
    )
    project.edition = rnd.edition
    return project


@require_POST
@login_required
def meeting_note_view(request, edition: str, round: int, category: str, project: int):
    edition, rnd, cat = _meeting(request, edition, round, category)
    project = _posted_project(rnd, cat, project)
    return _answer(
        request,
        lambda: meeting.meeting_note_save(
            round=rnd, category=cat, project=project, text=request.POST.get("text", ""), actor=request.user
        ),
        back=meeting_url(edition, rnd, cat, project),
        success_message=_("Notes saved."),
    )


@require_POST
@login_required
def meeting_decide_view(request, edition: str, round: int, category: str, project: int):
    edition, rnd, cat = _meeting(request, edition, round, category)
    project = _posted_project(rnd, cat, project)
    return _answer(
        request,
        lambda: meeting.meeting_decision_record(
            round=rnd,
            category=cat,
            project=project,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            title=request.POST.get("title", ""),
            actor=request.user,
        ),  # fmt: skip
        back=meeting_url(edition, rnd, cat, project),
        success_message=_("Decision recorded."),
    )


@require_POST
@login_required
def meeting_veto_view(request, edition: str, round: int, category: str, project: int):
    edition, rnd, cat = _meeting(request, edition, round, category)
    project = _posted_project(rnd, cat, project)
    kind = request.POST.get("kind", "")
    if kind not in ResultKind.values:
        messages.error(request, _("There is no such decision to veto."))
        return redirect(meeting_url(edition, rnd, cat, project))
    return _answer(
        request,
        lambda: meeting.meeting_veto(
            round=rnd,
            category=cat,
            project=project,
            kind=kind,
            title=request.POST.get("title", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        ),  # fmt: skip
        back=meeting_url(edition, rnd, cat, project),
        success_message=_("Veto recorded; the decision is withdrawn."),
    )


@require_POST
@login_required
def meeting_timer_view(request, edition: str, round: int, category: str):
    """Whoever runs the meeting sets the time for a project (their session, this edition)."""
    edition, rnd, cat = _meeting(request, edition, round, category)
    try:
        minutes = int(request.POST.get("minutes", ""))
    except ValueError:
        minutes = None
    if minutes in TIMER_CHOICES:
        chosen = dict(request.session.get(TIMER_SESSION_KEY, {}))
        chosen[str(edition.pk)] = minutes
        request.session[TIMER_SESSION_KEY] = chosen
    else:
        messages.error(request, _("Choose one of the times offered."))
    return redirect(_back(request, meeting_url(edition, rnd, cat)))


def _back(request, fallback: str) -> str:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return fallback
    return back


@require_POST
@login_required
def meeting_names_view(request, edition: str, round: int, category: str):
    """The chair (or an organiser) shows or hides the jurors' names on the meeting screen;
    showing them is audited."""
    edition, rnd, cat = _meeting(request, edition, round, category)
    if not can_show_juror_names(request.user, edition, cat):
        raise Http404
    show = request.POST.get("show") == "1"
    shown = set(request.session.get(NAMES_SESSION_KEY, []))
    if show and edition.pk not in shown:
        audit_log(actor=request.user, action="meeting.names_shown", target=cat, edition=edition, data={"round": rnd.pk})
    shown = shown | {edition.pk} if show else shown - {edition.pk}
    request.session[NAMES_SESSION_KEY] = sorted(shown)
    return redirect(_back(request, meeting_url(edition, rnd, cat)))
