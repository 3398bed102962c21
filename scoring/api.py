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
from award.enums import Role
from award.models import Category, Edition, Round, User
from award.rules import is_organiser
from award.selectors import editions_organised_by
from scoring import rules
from scoring.enums import ResultKind
from scoring.models import Assignment, ConflictOfInterest, Result
from scoring.ranking import FLAG_LABELS, ranking_for
from scoring.results import (
    final_round_prepare,
    finalist_override,
    finalists_select,
    results_publish,
    results_unpublish,
    round_freeze,
    special_award_remove,
    special_award_set,
    winner_override,
    winners_select,
)
from scoring.selectors import assignments_for
from scoring.serializers import (
    AssignmentAddSerializer,
    AssignmentSerializer,
    AssignmentSwapSerializer,
    ConflictDeclareSerializer,
    ConflictSerializer,
    ConflictSetSerializer,
    EditionRefSerializer,
    FinaliseSerializer,
    FinalistOverrideSerializer,
    FinalistSelectionSerializer,
    FinalistsSelectSerializer,
    FinalRoundSerializer,
    OverrideSerializer,
    PublicationSerializer,
    ReasonSerializer,
    ResultSerializer,
    ResultsPublishSerializer,
    ResultsUnpublishSerializer,
    RoundCategorySerializer,
    RoundFreezeSerializer,
    ScoresSaveSerializer,
    SpecialAwardSerializer,
)
from scoring.services import (
    ScoreInput,
    ScoringError,
    StaleVersionError,
    assignment_add,
    assignment_finalise,
    assignment_remove,
    assignment_reopen,
    assignment_swap,
    assignments_generate,
    conflict_declare,
    conflict_set,
    score_save,
)
from submissions.api import juror_access_register
from submissions.models import Project

# How a refused jury action answers (see ScoringError).
ERROR_STATUS = {
    "not_found": status.HTTP_404_NOT_FOUND,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "conflicted": status.HTTP_403_FORBIDDEN,
    "closed": status.HTTP_403_FORBIDDEN,
    "locked": status.HTTP_409_CONFLICT,
    "stale": status.HTTP_409_CONFLICT,
}


def _scoring_error_response(error: ScoringError, assignment: Assignment | None) -> Response:
    code = getattr(error, "code", None)
    if hasattr(error, "error_dict"):
        body = {"detail": _("Some fields are not valid."), "errors": error.message_dict}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    body = {"detail": " ".join(error.messages)}
    if isinstance(error, StaleVersionError) and assignment is not None:
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


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _organised_round(user, round_id: int) -> Round:
    """A round of an edition the user organises; 404 if it does not exist, 403 if it is another's."""
    rnd = get_object_or_404(Round.objects.select_related("edition"), pk=round_id)
    if not rules.can_manage_jury(user, rnd.edition):
        raise exceptions.PermissionDenied(_("Only an organiser can do this."))
    return rnd


def _edition_juror(edition, juror_id: int) -> User:
    juror = User.objects.filter(pk=juror_id, edition_roles__edition=edition, edition_roles__role=Role.JUROR).first()
    if juror is None:
        raise exceptions.ValidationError({"juror": [_("This person is not a juror of the edition.")]})
    return juror


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Jurors read their assignments, score, finalise and declare conflicts; organisers read
    their editions' assignments, add one, remove one, give one to another juror and reopen a
    finalised review (the same services as the organiser pages)."""

    serializer_class = AssignmentSerializer
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
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

    def _respond(self, assignment: Assignment, code: int = status.HTTP_200_OK) -> Response:
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data, status=code)

    @extend_schema(request=AssignmentAddSerializer, responses={201: AssignmentSerializer})
    def create(self, request, *args, **kwargs):
        data = _validated(AssignmentAddSerializer, request)
        rnd = _organised_round(request.user, data["round"])
        project = Project.objects.filter(pk=data["project"], edition_id=rnd.edition_id).first()
        if project is None:
            raise exceptions.ValidationError({"project": [_("This project is not being scored in this round.")]})
        juror = _edition_juror(rnd.edition, data["juror"])
        try:
            assignment = assignment_add(actor=request.user, round=rnd, project=project, juror=juror)
        except ScoringError as error:
            return _scoring_error_response(error, None)
        return self._respond(assignment, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        assignment = self.get_object()
        try:
            assignment_remove(actor=request.user, assignment=assignment)
        except ScoringError as error:
            return _scoring_error_response(error, assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AssignmentSwapSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        """Give a juror's not yet started review to another juror of the edition."""
        assignment = self.get_object()
        data = _validated(AssignmentSwapSerializer, request)
        if not rules.can_manage_jury(request.user, assignment.round.edition):
            raise exceptions.PermissionDenied(_("Only an organiser can do this."))
        juror = _edition_juror(assignment.round.edition, data["juror"])
        try:
            new = assignment_swap(actor=request.user, assignment=assignment, juror=juror)
        except ScoringError as error:
            return _scoring_error_response(error, assignment)
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """An organiser reopens a finalised review (audited, with the reason)."""
        assignment = self.get_object()
        data = _validated(ReasonSerializer, request)
        try:
            assignment = assignment_reopen(actor=request.user, assignment=assignment, reason=data["reason"])
        except ScoringError as error:
            return _scoring_error_response(error, assignment)
        return self._respond(assignment)

    @extend_schema(request=ConflictDeclareSerializer, responses={201: ConflictSerializer})
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        """The juror declares a conflict of interest: the assignment is withdrawn."""
        assignment = self.get_object()
        data = _validated(ConflictDeclareSerializer, request)
        try:
            conflict = conflict_declare(actor=request.user, assignment=assignment, reason=data["reason"])
        except ScoringError as error:
            return _scoring_error_response(error, assignment)
        conflict = ConflictOfInterest.objects.select_related("juror", "project").get(pk=conflict.pk)
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)

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


class ConflictViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Conflicts of interest: a juror reads their own, an organiser their editions' and records
    one (any live assignment of the pair is withdrawn). A juror declares one through
    POST /assignments/{id}/conflict/."""

    serializer_class = ConflictSerializer
    filterset_fields = ["edition", "juror", "project", "source"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:
            return ConflictOfInterest.objects.none()
        return (
            ConflictOfInterest.objects.filter(Q(juror=user) | Q(edition__in=editions_organised_by(user).values("pk")))
            .select_related("juror", "project")
            .order_by("edition_id", "project__reference", "project_id", "juror_id", "id")
        )

    @extend_schema(request=ConflictSetSerializer, responses={201: ConflictSerializer})
    def create(self, request, *args, **kwargs):
        data = _validated(ConflictSetSerializer, request)
        project = get_object_or_404(Project.objects.select_related("edition"), pk=data["project"])
        if not rules.can_manage_jury(request.user, project.edition):
            raise exceptions.PermissionDenied(_("Only an organiser can do this."))
        juror = _edition_juror(project.edition, data["juror"])
        try:
            conflict = conflict_set(actor=request.user, juror=juror, project=project, reason=data["reason"])
        except ScoringError as error:
            return _scoring_error_response(error, None)
        conflict = ConflictOfInterest.objects.select_related("juror", "project").get(pk=conflict.pk)
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


class ResultViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Finalists, winners and special awards: public once the edition publishes its results;
    before that only its organisers see them (everyone else gets an empty list).

    Organisers decide through the same services as the ranking pages: select the finalists,
    override with a reason, prepare the final round, select or name the winner, give and remove
    special awards (DELETE /results/{id}/), freeze a round."""

    serializer_class = ResultSerializer
    filterset_fields = ["edition", "category", "kind"]
    ordering_fields = ["kind"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_permissions(self):
        if self.action == "list":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        user = self.request.user
        if self.action == "destroy":
            if not user.is_authenticated:
                return Result.objects.none()
            return Result.objects.filter(
                edition__in=editions_organised_by(user).values("pk"), kind=ResultKind.SPECIAL
            ).select_related("edition", "project")
        public = Q(edition__results_published_at__lte=timezone.now())
        visible = public | Q(edition__in=editions_organised_by(user).values("pk")) if user.is_authenticated else public
        return (
            Result.objects.filter(visible)
            .select_related("project")
            .order_by("edition_id", "category_id", "kind", "project__reference", "id")
        )

    def perform_destroy(self, instance: Result) -> None:
        special_award_remove(result=instance, actor=self.request.user)

    def _round_category(self, data: dict) -> tuple[Round, Category]:
        rnd = _organised_round(self.request.user, data["round"])
        category = Category.objects.filter(pk=data["category"], edition_id=rnd.edition_id).first()
        if category is None:
            raise exceptions.ValidationError({"category": [_("Choose one of this edition's categories.")]})
        category.edition = rnd.edition
        return rnd, category

    def _project(self, edition, project_id: int) -> Project:
        project = Project.objects.filter(pk=project_id, edition=edition).first()
        if project is None:
            raise exceptions.ValidationError(
                {"project": [_("This project is not an eligible project of this category.")]}
            )
        return project

    def _result(self, result: Result, code: int = status.HTTP_200_OK) -> Response:
        result = Result.objects.select_related("project").get(pk=result.pk)
        return Response(ResultSerializer(result).data, status=code)

    @extend_schema(request=FinalistsSelectSerializer, responses=FinalistSelectionSerializer)
    @action(detail=False, methods=["post"])
    def finalists(self, request):
        """The top N of the round's ranking become finalists; ties across the line and projects
        with missing reviews are listed for the organisers to decide."""
        data = _validated(FinalistsSelectSerializer, request)
        rnd, category = self._round_category(data)
        outcome = finalists_select(category=category, round=rnd, actor=request.user, replace=data["replace"])
        return Response(
            {
                "selected": [r.project_id for r in outcome.selected],
                "incomplete": [p.pk for p in outcome.incomplete],
                "undecided": [p.pk for p in outcome.undecided],
            }
        )

    @extend_schema(request=FinalistOverrideSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="finalist-override")
    def finalist_override(self, request):
        """Add a finalist (`add`: true) or remove one against the ranking, with a reason."""
        data = _validated(FinalistOverrideSerializer, request)
        rnd, category = self._round_category(data)
        project = self._project(rnd.edition, data["project"])
        result = finalist_override(
            category=category, round=rnd, project=project, add=data["add"], reason=data["reason"], actor=request.user
        )
        return Response({"project": project.pk, "finalist": result is not None})

    @extend_schema(request=FinalRoundSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="final-round")
    def final_round(self, request):
        """Assign the category's finalists to its panel in the final round."""
        data = _validated(FinalRoundSerializer, request)
        rnd, category = self._round_category(data)
        final = Round.objects.filter(pk=data["final_round"], edition_id=rnd.edition_id).first()
        if final is None:
            raise exceptions.ValidationError(
                {"final_round": [_("Choose a final round that comes after the shortlist round.")]}
            )
        final.edition = rnd.edition
        created = final_round_prepare(category=category, source_round=rnd, final_round=final, actor=request.user)
        return Response({"created": created})

    @extend_schema(request=RoundCategorySerializer, responses={201: ResultSerializer})
    @action(detail=False, methods=["post"])
    def winner(self, request):
        """The first of the final round's ranking wins the category."""
        rnd, category = self._round_category(_validated(RoundCategorySerializer, request))
        return self._result(winners_select(category=category, round=rnd, actor=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=OverrideSerializer, responses={201: ResultSerializer})
    @action(detail=False, methods=["post"], url_path="winner-override")
    def winner_override(self, request):
        """Name the winner against the ranking (or where it cannot decide), with a reason."""
        data = _validated(OverrideSerializer, request)
        rnd, category = self._round_category(data)
        project = self._project(rnd.edition, data["project"])
        result = winner_override(
            category=category, round=rnd, project=project, reason=data["reason"], actor=request.user
        )
        return self._result(result, status.HTTP_201_CREATED)

    @extend_schema(request=SpecialAwardSerializer, responses={201: ResultSerializer})
    @action(detail=False, methods=["post"], url_path="special-awards")
    def special_awards(self, request):
        """Give a special award with a title and a citation to an eligible project."""
        data = _validated(SpecialAwardSerializer, request)
        project = get_object_or_404(Project.objects.select_related("edition", "category"), pk=data["project"])
        if not is_organiser(request.user, project.edition):
            raise exceptions.PermissionDenied(_("Only an organiser can do this."))
        result = special_award_set(project=project, title=data["title"], citation=data["citation"], actor=request.user)
        return self._result(result, status.HTTP_201_CREATED)

    @extend_schema(request=RoundFreezeSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def freeze(self, request):
        """Freeze a round: its scores, finalists and winners can no longer change."""
        rnd = _organised_round(request.user, _validated(RoundFreezeSerializer, request)["round"])
        rnd = round_freeze(round=rnd, actor=request.user)
        return Response({"round": rnd.pk, "frozen": rnd.frozen})

    def _organised_edition(self, request) -> Edition:
        """An edition the caller organises; any other (or none) is a 404, as on the pages."""
        edition_id = _validated(EditionRefSerializer, request)["edition"]
        return get_object_or_404(editions_organised_by(request.user), pk=edition_id)

    @staticmethod
    def _publication(edition: Edition) -> Response:
        return Response(
            PublicationSerializer(
                {
                    "edition": edition.pk,
                    "results_published_at": edition.results_published_at,
                    "public": edition.results_are_public(),
                }
            ).data
        )

    @extend_schema(request=ResultsPublishSerializer, responses=PublicationSerializer)
    @action(detail=False, methods=["post"])
    def publish(self, request):
        """Publish the edition's results now, or schedule them (`at`); refused while a category
        with finalists has no winner."""
        edition = self._organised_edition(request)
        with timezone.override(edition.tz):
            data = _validated(ResultsPublishSerializer, request)
        return self._publication(results_publish(edition=edition, actor=request.user, at=data["at"]))

    @extend_schema(request=ResultsUnpublishSerializer, responses=PublicationSerializer)
    @action(detail=False, methods=["post"])
    def unpublish(self, request):
        """Withdraw the publication (or cancel a scheduled one), with a reason."""
        edition = self._organised_edition(request)
        data = _validated(ResultsUnpublishSerializer, request)
        return self._publication(results_unpublish(edition=edition, actor=request.user, reason=data["reason"]))


router.register("assignments", AssignmentViewSet, basename="assignment")
router.register(r"rounds/(?P<round_pk>[0-9]+)/assignments", RoundAssignmentsViewSet, basename="round-assignments")
router.register("rankings", RankingViewSet, basename="ranking")
router.register("results", ResultViewSet, basename="result")
router.register("conflicts", ConflictViewSet, basename="conflict")
