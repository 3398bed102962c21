"""/api/v1/results/: finalists, winners and special awards, and the organisers' decisions on them."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from award.api_common import ActionPermission, anyone, organised
from award.models import Category, Edition, Round
from award.rules import organises_any
from award.selectors import editions_organised_by, editions_with_public_results
from scoring.api.common import organised_round, validated
from scoring.api.serializers import (
    EditionRefSerializer,
    FinalistOverrideSerializer,
    FinalistSelectionSerializer,
    FinalistsSelectSerializer,
    FinalRoundSerializer,
    OverrideSerializer,
    PublicationSerializer,
    ResultSerializer,
    ResultsPublishSerializer,
    ResultsUnpublishSerializer,
    RoundCategorySerializer,
    RoundFreezeSerializer,
    SpecialAwardSerializer,
)
from scoring.enums import ResultKind
from scoring.models import Result
from scoring.results.seal import publication_snapshot_for, sealed_results, snapshot_for
from scoring.results.services import (
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
from submissions.models import Project
from submissions.selectors import projects_organised_by


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

    permission_classes = [ActionPermission]
    # The decisions need an organiser; which edition's objects they reach is the gatekeepers'
    # (another edition's round or project: 404). Removing a special award and (un)publishing
    # look the object up first: anyone but its organisers gets a 404.
    action_rules = {
        "list": anyone,
        **dict.fromkeys(
            ["finalists", "finalist_override", "final_round", "winner", "winner_override", "special_awards", "freeze"],
            organises_any,
        ),
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Result.objects.none()  # the schema generator: no query (the sealed results are read below)
        user = self.request.user
        if self.action == "destroy":
            if not user.is_authenticated:
                return Result.objects.none()
            return Result.objects.filter(
                edition__in=editions_organised_by(user).values("pk"), kind=ResultKind.SPECIAL
            ).select_related("edition", "project")
        # Published results are the sealed ones: a result added, removed or changed after the
        # publication does not show to the public (its organisers see the live rows).
        published = editions_with_public_results()
        self._sealed = sealed_results(published)
        sealed_ids = [pk for entries in self._sealed.values() for pk in entries]
        public = Q(edition__in=published.exclude(pk__in=list(self._sealed)).values("pk")) | Q(pk__in=sealed_ids)
        visible = public | Q(edition__in=editions_organised_by(user).values("pk")) if user.is_authenticated else public
        return (
            Result.objects.filter(visible)
            .select_related("project")
            .order_by("edition_id", "category_id", "kind", "project__reference", "id")
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        sealed = getattr(self, "_sealed", None)
        if page is None or not sealed or self.action != "list":
            return page
        organised = set(editions_organised_by(self.request.user).values_list("pk", flat=True))
        for result in page:
            entry = sealed.get(result.edition_id, {}).get(result.pk)
            if entry is not None and result.edition_id not in organised:
                result.kind, result.title, result.citation = entry["kind"], entry["award_title"], entry["citation"]
        return page

    def perform_destroy(self, instance: Result) -> None:
        special_award_remove(result=instance, actor=self.request.user)

    def _round_category(self, data: dict) -> tuple[Round, Category]:
        rnd = organised_round(self.request.user, data["round"])
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
        data = validated(FinalistsSelectSerializer, request)
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
        data = validated(FinalistOverrideSerializer, request)
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
        data = validated(FinalRoundSerializer, request)
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
        rnd, category = self._round_category(validated(RoundCategorySerializer, request))
        return self._result(winners_select(category=category, round=rnd, actor=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=OverrideSerializer, responses={201: ResultSerializer})
    @action(detail=False, methods=["post"], url_path="winner-override")
    def winner_override(self, request):
        """Name the winner against the ranking (or where it cannot decide), with a reason."""
        data = validated(OverrideSerializer, request)
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
        data = validated(SpecialAwardSerializer, request)
        project = organised(projects_organised_by(request.user), request.user, pk=data["project"])
        result = special_award_set(project=project, title=data["title"], citation=data["citation"], actor=request.user)
        return self._result(result, status.HTTP_201_CREATED)

    @extend_schema(request=RoundFreezeSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def freeze(self, request):
        """Freeze a round: its scores, finalists and winners can no longer change. Needs
        `signed_off`: true (the organiser signs the results off); the round's numbers are sealed
        and the response names the snapshot's hash."""
        data = validated(RoundFreezeSerializer, request)
        rnd = organised_round(request.user, data["round"])
        rnd = round_freeze(round=rnd, actor=request.user, signed_off=data["signed_off"])
        snapshot = snapshot_for(rnd)
        return Response({"round": rnd.pk, "frozen": rnd.frozen, "snapshot_hash": snapshot.payload_hash})

    def _organised_edition(self, request) -> Edition:
        """An edition the caller organises; any other (or none) is a 404, as on the pages."""
        edition_id = validated(EditionRefSerializer, request)["edition"]
        return get_object_or_404(editions_organised_by(request.user), pk=edition_id)

    @staticmethod
    def _publication(edition: Edition) -> Response:
        snapshot = publication_snapshot_for(edition)
        return Response(
            PublicationSerializer(
                {
                    "edition": edition.pk,
                    "results_published_at": edition.results_published_at,
                    "public": edition.results_are_public(),
                    "snapshot_hash": snapshot.payload_hash if snapshot else None,
                }
            ).data
        )

    @extend_schema(request=ResultsPublishSerializer, responses=PublicationSerializer)
    @action(detail=False, methods=["post"])
    def publish(self, request):
        """Publish the edition's results now, or schedule them (`at`); refused while a category
        with finalists has no winner, and without `signed_off`: true. Every published number is
        sealed in a snapshot whose hash the response names."""
        edition = self._organised_edition(request)
        with timezone.override(edition.tz):
            data = validated(ResultsPublishSerializer, request)
        return self._publication(
            results_publish(edition=edition, actor=request.user, at=data["at"], signed_off=data["signed_off"])
        )

    @extend_schema(request=ResultsUnpublishSerializer, responses=PublicationSerializer)
    @action(detail=False, methods=["post"])
    def unpublish(self, request):
        """Withdraw the publication (or cancel a scheduled one), with a reason."""
        edition = self._organised_edition(request)
        data = validated(ResultsUnpublishSerializer, request)
        return self._publication(results_unpublish(edition=edition, actor=request.user, reason=data["reason"]))
