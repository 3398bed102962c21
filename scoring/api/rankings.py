"""/api/v1/rankings/: the ranking of one category in one round (organisers of the edition and its jury chair; anyone else gets a 404)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from award.api_common import ActionPermission
from award.models import Category
from scoring import rules
from scoring.api.common import int_param
from scoring.ballot.selectors import METHOD as BALLOT_METHOD
from scoring.ballot.selectors import ballot_count, count_as_json, is_ranked
from scoring.ranking.engine import gc_paused, ranking_for
from scoring.ranking.presenter import ranking_rows, row_as_json
from scoring.selectors import rounds_ranked_for


def readable_round_and_category(request) -> tuple:
    """The round and category (`?round=&category=`) whose ranking the caller may read: a round
    of another edition is a 404, a category outside the round's edition a 400, and a category
    outside the jury chair's panels a 404 (that ranking does not exist for them), as the pages."""
    round_id, category_id = int_param(request, "round"), int_param(request, "category")
    rnd = get_object_or_404(rounds_ranked_for(request.user), pk=round_id)
    category = Category.objects.filter(pk=category_id, edition_id=rnd.edition_id).first()
    if category is None:
        raise exceptions.ValidationError({"category": [_("Choose one of this edition's categories.")]})
    if not rules.can_read_ranking(request.user, rnd.edition, category):
        raise exceptions.NotFound
    return rnd, category


class RankingRowSerializer(serializers.Serializer):
    """The schema of a row (presenter.row_as_json builds it)."""

    project = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    tie = serializers.BooleanField()
    official_score = serializers.FloatField(allow_null=True)
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True))
    ranks = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    flags = serializers.ListField(
        child=serializers.CharField(),
        help_text="missing_reviews, tie, method_sensitive, contested, disagreement, outlier_review",
    )
    flag_labels = serializers.ListField(child=serializers.CharField())
    reviews_done = serializers.IntegerField()
    reviews_assigned = serializers.IntegerField()
    spread_sd = serializers.FloatField(allow_null=True)
    result = serializers.CharField(allow_null=True)
    finalist_probability = serializers.FloatField(
        allow_null=True, help_text="P(finalist), P(winner) in a final round, from the model's posterior."
    )
    calibrated_score = serializers.FloatField(allow_null=True)
    score_se = serializers.FloatField(allow_null=True, help_text="Standard error of the calibrated score.")
    expected_rank = serializers.FloatField(allow_null=True)
    rank_interval = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="The 80 % rank interval [low, high]."
    )
    in_band = serializers.BooleanField(help_text="In the decision band: 0.1 < P < 0.9.")


class RankingResponseSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    category = serializers.IntegerField()
    method = serializers.CharField()
    methods = serializers.ListField(child=serializers.CharField())
    agreement = serializers.FloatField(allow_null=True, help_text="Krippendorff's alpha (interval).")
    agreement_method = serializers.CharField()
    agreement_verdict = serializers.CharField()
    connected = serializers.BooleanField()
    top_n = serializers.IntegerField()
    tie_break_rule = serializers.CharField()
    draws = serializers.IntegerField()
    seed = serializers.IntegerField()
    bootstrap_samples = serializers.IntegerField(help_text="Deprecated: the number of posterior draws.")
    decision_band = serializers.ListField(child=serializers.IntegerField())
    expected_wrong_finalists = serializers.FloatField(allow_null=True)
    rows = RankingRowSerializer(many=True)
    ballot = serializers.JSONField(
        allow_null=True,
        help_text="A ranked final round: the Schulze count of the ballots (order, winners, tie, pairwise "
        "preferences, margins, strongest paths, Borda; finalists keyed 'p<project id>'); null otherwise.",
    )


class RankingViewSet(viewsets.ViewSet):
    """The ranking of one category in one round (organisers of the edition and its jury chair; anyone else gets a 404)."""

    permission_classes = [ActionPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("round", int, required=True),
            OpenApiParameter("category", int, required=True),
            OpenApiParameter(
                "bootstrap",
                bool,
                description="Ignored (kept for older clients): the probabilities always come from the model.",
                deprecated=True,
            ),
        ],
        responses={200: RankingResponseSerializer},
    )
    @gc_paused()
    def list(self, request):
        rnd, category = readable_round_and_category(request)
        if is_ranked(rnd):
            return Response(self._ranked(rnd, category))
        ranking = ranking_for(category=category, round=rnd)
        summary = ranking.category_analysis or {}
        return Response(
            {
                "round": rnd.pk,
                "category": category.pk,
                "method": ranking.method,
                "methods": list(ranking.methods),
                "agreement": ranking.agreement,
                "agreement_method": ranking.agreement_method,
                "agreement_verdict": ranking.agreement_verdict,
                "connected": ranking.connected,
                "top_n": ranking.top_n,
                "tie_break_rule": ranking.tie_break_rule,
                "draws": ranking.n_draws,
                "seed": ranking.seed,
                "bootstrap_samples": ranking.n_draws,
                "decision_band": list(summary.get("band", [])),
                "expected_wrong_finalists": summary.get("expected_wrong"),
                "rows": [row_as_json(row) for row in ranking_rows(ranking)],
                "ballot": None,
            }
        )

    @staticmethod
    def _ranked(rnd, category) -> dict:
        """A ranked final round has no scores: its rows are the Schulze places of the finalists."""
        count = ballot_count(round=rnd, category=category)
        tally = count.tally
        return {
            "round": rnd.pk,
            "category": category.pk,
            "method": BALLOT_METHOD,
            "methods": [BALLOT_METHOD],
            "agreement": None,
            "agreement_method": "",
            "agreement_verdict": "",
            "connected": True,
            "top_n": 1,
            "tie_break_rule": "",
            "draws": 0,
            "seed": 0,
            "bootstrap_samples": 0,
            "decision_band": [],
            "expected_wrong_finalists": None,
            "rows": [
                {
                    "project": p.pk,
                    "reference": p.reference,
                    "title": p.title,
                    "rank": tally.rank_of(p.pk),
                    "tie": any(p.pk in group and len(group) > 1 for group in tally.order),
                }
                for p in sorted(count.projects, key=lambda p: tally.rank_of(p.pk))
            ],
            "ballot": count_as_json(count),
        }
