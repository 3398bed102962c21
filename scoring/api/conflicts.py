"""/api/v1/conflicts/: conflicts of interest, read by the juror or the organisers, recorded by an
organiser."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from award.api_common import ActionPermission, organised
from award.rules import organises_any
from award.selectors import editions_organised_by
from scoring.api.common import edition_juror, scoring_error_response, validated
from scoring.api.serializers import (
    ConflictSerializer,
    ConflictSetSerializer,
)
from scoring.jury.assignments import conflict_set
from scoring.jury.errors import ScoringError
from scoring.models import ConflictOfInterest
from submissions.selectors import projects_organised_by


class ConflictViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Conflicts of interest: a juror reads their own, an organiser their editions' and records
    one (any live assignment of the pair is withdrawn). A juror declares one through
    POST /assignments/{id}/conflict/."""

    serializer_class = ConflictSerializer
    permission_classes = [ActionPermission]
    action_rules = {"create": organises_any}
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
        data = validated(ConflictSetSerializer, request)
        project = organised(projects_organised_by(request.user), request.user, pk=data["project"])
        juror = edition_juror(project.edition, data["juror"])
        try:
            conflict = conflict_set(actor=request.user, juror=juror, project=project, reason=data["reason"])
        except ScoringError as error:
            return scoring_error_response(error, None)
        conflict = ConflictOfInterest.objects.select_related("juror", "project").get(pk=conflict.pk)
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)
