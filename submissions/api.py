"""REST API of applications: /api/v1/projects/.

Teams list, read, start and edit their drafts and submit them; organisers list and screen their
editions' applications; jurors read the applications assigned to them. Every lookup goes through
`projects_visible_to` (plus the jury's access, which the scoring app plugs in), so anything else
is a 404; every write goes through submissions.services."""

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from award.api_router import router
from award.downloads import stored_file_response
from award.models import User
from submissions import rules
from submissions.models import Attachment, Project
from submissions.selectors import projects_visible_to
from submissions.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    EligibilitySerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
    ReopenSerializer,
)
from submissions.services import (
    EDITABLE_FIELDS,
    StaleApplicationError,
    attachment_add,
    attachment_delete,
    project_create,
    project_eligibility_set,
    project_reopen,
    project_submit,
    project_team_replace,
    project_update,
    project_withdraw,
)

# The jury's read access lives in `scoring`, which `submissions` must not import: scoring.api
# registers (queryset of project ids a juror may open, final per-object check) here.
_juror_access: list[tuple[Callable[[User], QuerySet], Callable[[User, Project], bool]]] = []


def juror_access_register(*, project_ids: Callable[[User], QuerySet], check: Callable[[User, Project], bool]) -> None:
    _juror_access.append((project_ids, check))


def projects_readable_by(user: User) -> QuerySet[Project]:
    """projects_visible_to(user) plus the applications assigned to the user as a juror."""
    visible = projects_visible_to(user)
    if not _juror_access or not user.is_authenticated:
        return visible
    condition = Q(pk__in=visible.values("pk"))
    for project_ids, _check in _juror_access:
        condition |= Q(pk__in=project_ids(user))
    return Project.objects.select_related("edition", "category", "owner").filter(condition)


class ProjectPermission(permissions.BasePermission):
    """Each action mapped to its rule; the services check the workflow state themselves."""

    def has_object_permission(self, request, view, project: Project) -> bool:
        user = request.user
        if view.action == "retrieve":
            if rules.can_view(user, project) or any(check(user, project) for _ids, check in _juror_access):
                return True
            # A juror with a conflict of interest: the project does not exist for them.
            raise exceptions.NotFound
        if view.action in {"update", "partial_update", "submit", "withdraw"}:
            return rules.is_owner(user, project)
        if view.action == "reopen":
            return rules.is_owner(user, project) or rules.can_screen(user, project)
        if view.action == "eligibility":
            return rules.can_screen(user, project)
        return False


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [permissions.IsAuthenticated, ProjectPermission]
    filterset_fields = ["edition", "category", "status", "country"]
    ordering_fields = ["reference", "title", "submitted_at"]
    ordering = ["reference", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.action == "retrieve":
            qs = projects_readable_by(user)
        else:
            qs = projects_visible_to(user)
        return qs.prefetch_related("team").order_by("reference", "id")

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return ProjectWriteSerializer
        if self.action == "eligibility":
            return EligibilitySerializer
        if self.action == "reopen":
            return ReopenSerializer
        return ProjectSerializer

    def _read(self, project: Project, code: int = status.HTTP_200_OK) -> Response:
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ProjectWriteSerializer, responses={201: ProjectSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ProjectWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        edition = data.pop("edition")
        changes = {name: value for name, value in data.items() if name in EDITABLE_FIELDS}
        # One step: a draft whose first values are refused is not left behind half-created.
        with transaction.atomic():
            project = project_create(actor=request.user, edition=edition)
            self._save(project, changes, data.get("team"))
        return self._read(project, status.HTTP_201_CREATED)

    @extend_schema(
        request=ProjectWriteSerializer,
        responses={200: ProjectSerializer, 409: OpenApiResponse(description="Stale `version`: nothing was saved.")},
    )
    def update(self, request, *args, **kwargs):
        project = self.get_object()
        serializer = ProjectWriteSerializer(
            project, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes = {name: value for name, value in serializer.validated_data.items() if name in EDITABLE_FIELDS}
        version = serializer.validated_data.get("version")
        # Fields and team together: a refused team leaves the fields as they were, and back.
        try:
            with transaction.atomic():
                self._save(project, changes, serializer.validated_data.get("team"), expected_version=version)
        except StaleApplicationError as error:
            return Response(
                {"detail": str(error.messages[0]), "changed": error.changed, "version": error.version},
                status=status.HTTP_409_CONFLICT,
            )
        return self._read(project)

    def _save(self, project: Project, changes: dict, team: list | None, expected_version: int | None = None) -> None:
        if changes or expected_version is not None:
            # With a version, even a team-only update is checked (and refused when stale).
            project_update(actor=self.request.user, project=project, changes=changes, expected_version=expected_version)
        if team is not None:
            project_team_replace(actor=self.request.user, project=project, members=team)

    def _status_url(self, project: Project) -> str:
        return self.request.build_absolute_uri(reverse("submissions:status", args=[project.pk]))

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        project = self.get_object()
        project = project_submit(actor=request.user, project=project, status_url=self._status_url(project))
        return self._read(project)

    @extend_schema(request=EligibilitySerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def eligibility(self, request, pk=None):
        project = self.get_object()
        serializer = EligibilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_eligibility_set(
            actor=request.user,
            project=project,
            eligible=serializer.validated_data["eligible"],
            reason=serializer.validated_data["reason"],
            status_url=self._status_url(project),
        )
        return self._read(project)

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        project = project_withdraw(actor=request.user, project=self.get_object())
        return self._read(project)

    @extend_schema(request=ReopenSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The team: back to draft before the deadline (no body). An organiser: back to draft,
        giving the team `days` to submit again, with a `reason` for the audit log."""
        project = self.get_object()
        if rules.is_owner(request.user, project):
            project = project_reopen(actor=request.user, project=project)
        else:
            serializer = ReopenSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            project = project_reopen(
                actor=request.user,
                project=project,
                until=timezone.now() + timedelta(days=serializer.validated_data["days"]),
                reason=serializer.validated_data["reason"],
            )
        return self._read(project)


router.register("projects", ProjectViewSet, basename="project")


# --- Attachments ------------------------------------------------------------------------------


def _may_read_project(user: User, project: Project) -> bool:
    return rules.can_view(user, project) or any(check(user, project) for _ids, check in _juror_access)


class AttachmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """/projects/{project_pk}/attachments/: the team uploads and removes files of its draft
    (the same checks as the form: type by content, size, count, deadline); the team, the
    edition's organisers and the project's jurors (no conflict) read and download them."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    serializer_class = AttachmentSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def _project(self) -> Project:
        if not hasattr(self, "_project_cache"):
            project = get_object_or_404(projects_readable_by(self.request.user), pk=self.kwargs["project_pk"])
            if not _may_read_project(self.request.user, project):
                # A juror with a conflict of interest: the project does not exist for them.
                raise exceptions.NotFound
            self._project_cache = project
        return self._project_cache

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return self._project().attachments.order_by("uploaded_at", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "project_pk" in self.kwargs:
            context["project"] = self._project()
        return context

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer})
    def create(self, request, *args, **kwargs):
        project = self._project()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = attachment_add(actor=request.user, project=project, upload=serializer.validated_data["file"])
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Attachment) -> None:
        attachment_delete(actor=self.request.user, attachment=instance)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def download(self, request, project_pk=None, pk=None):
        attachment = self.get_object()
        name = self.get_serializer(attachment).data["name"]
        return stored_file_response(attachment.file, filename=name, content_type=attachment.content_type)


router.register(r"projects/(?P<project_pk>[0-9]+)/attachments", AttachmentViewSet, basename="attachment")
