"""/api/v1/ballot-counts/ and /api/v1/ballot-jurors/: a ranked final round's count and who has
cast a ballot, per round and category, read-only.

The same readers as the pages: the count (scoring.ballot.views.ballot_result) for the
edition's organisers and the jury chair of the category's panel; who has cast a ballot (the
progress page's table by juror) for the organisers only, so the chair gets a 403 there. Anyone
else, and any round that is not ranked, gets a 404. No reader sees a ballot's places: the pages
show them to nobody."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response

from award.api_common import ActionPermission
from award.models import User
from scoring import rules
from scoring.api.rankings import readable_round_and_category
from scoring.ballot.selectors import METHOD, ballot_count, ballot_jurors, count_as_json, is_ranked
from scoring.enums import ResultKind
from scoring.models import Result

ROUND_AND_CATEGORY = [OpenApiParameter("round", int, required=True), OpenApiParameter("category", int, required=True)]


def readable_ranked_round_and_category(request):
    """The ranked round and category the caller may read the count of (the rankings' rules);
    a round decided by scores has no count: 404, as the count's page answers."""
    rnd, category = readable_round_and_category(request)
    if not is_ranked(rnd):
        raise exceptions.NotFound
    return rnd, category


class BallotFinalistSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    place = serializers.IntegerField(help_text="The Schulze place; finalists that tie share it.")
    tie = serializers.BooleanField()
    borda = serializers.IntegerField(help_text="Borda points, for comparison only.")


class RecordedWinnerSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    reason = serializers.CharField(help_text="The reason given when the chair or an organiser decided (may be empty).")


class BallotCountSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    category = serializers.IntegerField()
    method = serializers.CharField()
    eligible_jurors = serializers.IntegerField()
    ballots_cast = serializers.IntegerField()
    conflicted_pairs = serializers.IntegerField(
        help_text="Juror–finalist pairs left out for a conflict of interest or a recusal."
    )
    finalists = BallotFinalistSerializer(many=True, help_text="In Schulze order.")
    order = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="The Schulze order: groups of project ids, best first; a group of several is a tie.",
    )
    winners = serializers.ListField(child=serializers.IntegerField())
    tie = serializers.BooleanField(help_text="Several finalists tie for first place: the chair decides.")
    recorded_winner = RecordedWinnerSerializer(allow_null=True, help_text="The category's recorded winner.")
    pairwise = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="pairwise['p<a>']['p<b>']: the ballots ranking a above b.",
    )
    margins = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    strongest_paths = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


class BallotCountViewSet(viewsets.ViewSet):
    """The Schulze count of a ranked final round's ballots in one category (the edition's
    organisers and the jury chair of the category's panel; anyone else gets a 404)."""

    permission_classes = [ActionPermission]

    @extend_schema(parameters=ROUND_AND_CATEGORY, responses={200: BallotCountSerializer})
    def list(self, request):
        rnd, category = readable_ranked_round_and_category(request)
        count = ballot_count(round=rnd, category=category)
        tally, data = count.tally, count_as_json(count)
        winner = (
            Result.objects.filter(category=category, kind=ResultKind.WINNER).values("project_id", "override_reason")
        ).first()
        finalists = sorted(count.projects, key=lambda p: (tally.rank_of(p.pk), p.reference, p.pk))
        body = {
            "round": rnd.pk,
            "category": category.pk,
            "method": METHOD,
            "eligible_jurors": count.eligible_jurors,
            "ballots_cast": count.cast,
            "conflicted_pairs": count.conflicted_pairs,
            "finalists": [
                {
                    "project": p.pk,
                    "reference": p.reference,
                    "title": p.title,
                    "place": tally.rank_of(p.pk),
                    "tie": any(p.pk in group and len(group) > 1 for group in tally.order),
                    "borda": tally.borda[p.pk],
                }
                for p in finalists
            ],
            "order": data["order"],
            "winners": data["winners"],
            "tie": data["tie"],
            "recorded_winner": winner and {"project": winner["project_id"], "reason": winner["override_reason"] or ""},
            "pairwise": data["pairwise"],
            "margins": data["margins"],
            "strongest_paths": data["strongest_paths"],
        }
        return Response(BallotCountSerializer(body).data)


class BallotJurorSerializer(serializers.Serializer):
    juror = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")
    cast = serializers.BooleanField(help_text="Whether the juror's ballot in this category exists.")


class BallotJurorFilter(django_filters.FilterSet):
    cast = django_filters.BooleanFilter(field_name="cast")


class BallotJurorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who has cast a ballot in one category of a ranked final round: the panel members
    expected to, each with whether their ballot exists, never its places (the edition's
    organisers; the jury chair, who reads the count, gets a 403; anyone else a 404)."""

    serializer_class = BallotJurorSerializer
    permission_classes = [ActionPermission]
    filterset_class = BallotJurorFilter
    ordering_fields = ["last_name", "cast"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator: no request to read
            return User.objects.none()
        rnd, category = readable_ranked_round_and_category(self.request)
        if not rules.can_manage_jury(self.request.user, rnd.edition):
            raise exceptions.PermissionDenied(_("Only an organiser can do this."))
        return ballot_jurors(rnd, category)

    @extend_schema(parameters=ROUND_AND_CATEGORY)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
