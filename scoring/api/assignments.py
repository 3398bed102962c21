"""/api/v1/assignments/ and /api/v1/rounds/{id}/assignments/generate/: jurors read their own
assignments and save and finalise scores; organisers read their editions' assignments, add,
remove, swap and generate them. Every write goes through scoring.jury and every check through
scoring.rules."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from award.api_common import ActionPermission
from award.models import Round
from award.rules import is_organiser, organises_any
from scoring import rules
from scoring.api.common import (
    edition_juror,
    organised_round,
    scoring_error_response,
    validated,
)
from scoring.api.serializers import (
    AssignmentAddSerializer,
    AssignmentSerializer,
    AssignmentSwapSerializer,
    ConflictDeclareSerializer,
    ConflictSerializer,
    FinaliseSerializer,
    ReasonSerializer,
    ScoresSaveSerializer,
)
from scoring.jury.assignments import (
    assignment_add,
    assignment_remove,
    assignment_swap,
    assignments_generate,
    conflict_declare,
)
from scoring.jury.errors import ScoringError
from scoring.jury.scores import ScoreInput, assignment_finalise, assignment_reopen, score_save
from scoring.models import Assignment, ConflictOfInterest
from scoring.selectors import assignments_for, assignments_visible_to
from submissions.api import juror_access_register
from submissions.models import Project

# --- The jury's access to applications (read through /api/v1/projects/{id}/) ------------------


juror_access_register(project_ids=lambda user: assignments_for(user).values("project_id"), check=rules.can_read_project)


# --- Assignments and scores -------------------------------------------------------------------


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
    permission_classes = [ActionPermission]
    action_rules = {"create": organises_any}
    object_rules = {
        "destroy": lambda user, a: rules.can_manage_jury(user, a.round.edition),
        "swap": lambda user, a: rules.can_manage_jury(user, a.round.edition),
        "reopen": lambda user, a: rules.can_manage_jury(user, a.round.edition),
    }
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    filterset_fields = ["round", "status", "juror", "project"]
    ordering_fields = ["status", "finalised_at"]

    def get_queryset(self):
        return assignments_visible_to(self.request.user)

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
        data = validated(AssignmentAddSerializer, request)
        rnd = organised_round(request.user, data["round"])
        project = Project.objects.filter(pk=data["project"], edition_id=rnd.edition_id).first()
        if project is None:
            raise exceptions.ValidationError({"project": [_("This project is not being scored in this round.")]})
        juror = edition_juror(rnd.edition, data["juror"])
        try:
            assignment = assignment_add(actor=request.user, round=rnd, project=project, juror=juror)
        except ScoringError as error:
            return scoring_error_response(error, None)
        return self._respond(assignment, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        assignment = self.get_object()
        try:
            assignment_remove(actor=request.user, assignment=assignment)
        except ScoringError as error:
            return scoring_error_response(error, assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AssignmentSwapSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        """Give a juror's not yet started review to another juror of the edition."""
        assignment = self.get_object()
        data = validated(AssignmentSwapSerializer, request)
        juror = edition_juror(assignment.round.edition, data["juror"])
        try:
            new = assignment_swap(actor=request.user, assignment=assignment, juror=juror)
        except ScoringError as error:
            return scoring_error_response(error, assignment)
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """An organiser reopens a finalised review (audited, with the reason)."""
        assignment = self.get_object()
        data = validated(ReasonSerializer, request)
        try:
            assignment = assignment_reopen(actor=request.user, assignment=assignment, reason=data["reason"])
        except ScoringError as error:
            return scoring_error_response(error, assignment)
        return self._respond(assignment)

    @extend_schema(request=ConflictDeclareSerializer, responses={201: ConflictSerializer})
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        """The juror declares a conflict of interest: the assignment is withdrawn."""
        assignment = self.get_object()
        data = validated(ConflictDeclareSerializer, request)
        try:
            conflict = conflict_declare(actor=request.user, assignment=assignment, reason=data["reason"])
        except ScoringError as error:
            return scoring_error_response(error, assignment)
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
            return scoring_error_response(error, assignment)
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
            return scoring_error_response(error, assignment)
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
    permission_classes = [ActionPermission]
    action_rules = {"generate": organises_any}

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def generate(self, request, round_pk=None):
        rnd = organised_round(request.user, round_pk)
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
