"""REST API of the jury side: /api/v1/assignments/, /api/v1/rounds/{id}/assignments/generate/,
/api/v1/rankings/ and /api/v1/results/.

Jurors read their own assignments and save and finalise scores; organisers read their editions'
assignments, generate assignments and read rankings. Every write goes through scoring.services
and every check through scoring.rules."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from award.api_router import router
from award.models import Category, Round
from award.rules import is_organiser
from award.selectors import editions_organised_by
from scoring import rules
from scoring.models import Assignment, ConflictOfInterest, Result
from scoring.ranking import FLAG_LABELS, ranking_for
from scoring.selectors import assignments_for
from scoring.serializers import AssignmentSerializer, FinaliseSerializer, ResultSerializer, ScoresSaveSerializer
from scoring.services import (
    ScoreInput,
    ScoringError,
    StaleVersionError,
    assignment_finalise,
    assignments_generate,
    score_save,
)
from submissions.api import juror_access_register

# How a refused jury action answers (see ScoringError).
ERROR_STATUS = {
    "not_found": status.HTTP_404_NOT_FOUND,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "conflicted": status.HTTP_403_FORBIDDEN,
    "closed": status.HTTP_403_FORBIDDEN,
    "locked": status.HTTP_409_CONFLICT,
    "stale": status.HTTP_409_CONFLICT,
}


def _scoring_error_response(error: ScoringError, assignment: Assignment) -> Response:
    code = getattr(error, "code", None)
    if hasattr(error, "error_dict"):
        body = {"detail": _("Some fields are not valid."), "errors": error.message_dict}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    body = {"detail": " ".join(error.messages)}
    if isinstance(error, StaleVersionError):
        body["version"] = Assignment.objects.filter(pk=assignment.pk).values_list("version", flat=True).first()
    return Response(body, status=ERROR_STATUS.get(code, status.HTTP_400_BAD_REQUEST))


# --- The jury's access to applications (read through /api/v1/projects/{id}/) ------------------


def _juror_project_ids(user):
    return assignments_for(user).values("project_id")


def _juror_may_view(user, project) -> bool:
    return assignments_for(user).filter(project=project).exists() and not rules.juror_is_conflicted(user, project)


juror_access_register(project_ids=_juror_project_ids, check=_juror_may_view)


# --- Assignments and scores -------------------------------------------------------------------


def assignments_readable_by(user):
    """A juror's own live assignments without a recorded conflict of interest, and every
    assignment of the editions the user organises. (A thin selector: assignments_for keeps
    assignments whose conflict is recorded but not yet recused; the per-object check below
    also catches automatically detected conflicts.)"""
    if not user.is_authenticated:
        return Assignment.objects.none()
    own = assignments_for(user).exclude(
        Exists(ConflictOfInterest.objects.filter(juror=OuterRef("juror"), project=OuterRef("project")))
    )
    return (
        Assignment.objects.filter(
            Q(pk__in=own.values("pk")) | Q(round__edition__in=editions_organised_by(user).values("pk"))
        )
        .select_related("round", "project", "juror")
        .prefetch_related("scores")
        .order_by("round__number", "project__reference", "project_id", "juror_id")
    )


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    filterset_fields = ["round", "status", "juror", "project"]
    ordering_fields = ["status", "finalised_at"]

    def get_queryset(self):
        return assignments_readable_by(self.request.user)

    def get_object(self):
        assignment = super().get_object()
        user = self.request.user
        if not is_organiser(user, assignment.round.edition) and not rules.can_view_assignment(user, assignment):
            raise exceptions.NotFound
        return assignment

    def _respond(self, assignment: Assignment) -> Response:
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(request=ScoresSaveSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["put", "post"])
    def scores(self, request, pk=None):
        assignment = self.get_object()
        serializer = ScoresSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            assignment = score_save(
                actor=request.user,
                assignment=assignment,
                expected_version=data["version"],
                values=_values(data["scores"]),
                overall_comment=data.get("overall_comment"),
            )
        except ScoringError as error:
            return _scoring_error_response(error, assignment)
        return self._respond(assignment)

    @extend_schema(request=FinaliseSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        assignment = self.get_object()
        serializer = FinaliseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            assignment = assignment_finalise(
                actor=request.user,
                assignment=assignment,
                expected_version=data["version"],
                values=_values(data["scores"]) if data.get("scores") is not None else None,
                overall_comment=data.get("overall_comment"),
            )
        except ScoringError as error:
            return _scoring_error_response(error, assignment)
        return self._respond(assignment)


def _values(items) -> dict[int, ScoreInput]:
    return {
        item["criterion"]: ScoreInput(
            value=Decimal(item["value"]) if item["value"] is not None else None, comment=item.get("comment", "")
        )
        for item in items
    }


class RoundAssignmentsViewSet(viewsets.GenericViewSet):
    """/rounds/{round_pk}/assignments/generate/ (the rounds themselves are award.api's)."""

    queryset = Round.objects.none()
    pagination_class = None

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def generate(self, request, round_pk=None):
        rnd = get_object_or_404(Round.objects.select_related("edition"), pk=round_pk)
        if not rules.can_manage_jury(request.user, rnd.edition):
            raise exceptions.PermissionDenied(_("Only an organiser can do this."))
        report = assignments_generate(actor=request.user, round=rnd)
        return Response(
            {
                "k": report.k,
                "created": report.created,
                "recused": report.recused,
                "load_spread": report.load_spread,
                "uncovered": [
                    {"project": p.pk, "reference": p.reference, "available": a, "needed": n}
                    for p, a, n in report.uncovered
                ],
                "warnings": [
                    {"project": p.pk, "reference": p.reference, "available": a, "needed": n}
                    for p, a, n in report.warnings
                ],
            }
        )


# --- Rankings and results ---------------------------------------------------------------------


def _int_param(request, name: str) -> int:
    raw = request.query_params.get(name, "")
    if not raw.isdigit():
        messages = {"round": _("Give the id of a round."), "category": _("Give the id of a category.")}
        raise exceptions.ValidationError({name: [messages[name]]})
    return int(raw)


class RankingViewSet(viewsets.ViewSet):
    """The ranking of one category in one round (organisers of the edition only)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("round", int, required=True),
            OpenApiParameter("category", int, required=True),
            OpenApiParameter("bootstrap", bool),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        round_id, category_id = _int_param(request, "round"), _int_param(request, "category")
        rnd = get_object_or_404(Round.objects.select_related("edition"), pk=round_id)
        if not is_organiser(request.user, rnd.edition):
            raise exceptions.PermissionDenied(_("Only an organiser can do this."))
        category = Category.objects.filter(pk=category_id, edition_id=rnd.edition_id).first()
        if category is None:
            raise exceptions.ValidationError({"category": [_("Choose one of this edition's categories.")]})
        bootstrap = request.query_params.get("bootstrap") in {"1", "true", "yes"}
        ranking = ranking_for(category=category, round=rnd, bootstrap=bootstrap)
        return Response(
            {
                "round": rnd.pk,
                "category": category.pk,
                "method": ranking.method,
                "methods": list(ranking.methods),
                "agreement": ranking.agreement,
                "agreement_method": ranking.agreement_method,
                "top_n": ranking.top_n,
                "tie_break_rule": ranking.tie_break_rule,
                "bootstrap_samples": ranking.bootstrap_samples if bootstrap else 0,
                "rows": [
                    {
                        "project": row.project.pk,
                        "reference": row.project.reference,
                        "title": row.project.title,
                        "rank": row.rank,
                        "tie": row.tie,
                        "official_score": row.official_score,
                        "scores": row.scores,
                        "ranks": row.ranks,
                        "flags": row.flags,
                        "flag_labels": [str(FLAG_LABELS.get(flag, flag)) for flag in row.flags],
                        "reviews_done": row.reviews_done,
                        "reviews_assigned": row.reviews_assigned,
                        "spread_sd": row.spread_sd,
                        "result": row.result,
                        "finalist_probability": row.finalist_probability if bootstrap else None,
                    }
                    for row in ranking.rows
                ],
            }
        )


class ResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Finalists, winners and special awards: public once the edition publishes its results;
    before that only its organisers see them (everyone else gets an empty list)."""

    serializer_class = ResultSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["edition", "category", "kind"]
    ordering_fields = ["kind"]

    def get_queryset(self):
        user = self.request.user
        public = Q(edition__results_published_at__lte=timezone.now())
        visible = public | Q(edition__in=editions_organised_by(user).values("pk")) if user.is_authenticated else public
        return (
            Result.objects.filter(visible)
            .select_related("project")
            .order_by("edition_id", "category_id", "kind", "project__reference", "id")
        )


router.register("assignments", AssignmentViewSet, basename="assignment")
router.register(r"rounds/(?P<round_pk>[0-9]+)/assignments", RoundAssignmentsViewSet, basename="round-assignments")
router.register("rankings", RankingViewSet, basename="ranking")
router.register("results", ResultViewSet, basename="result")
