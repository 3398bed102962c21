"""/api/v1/rankings/: the ranking of one category in one round (organisers of the edition and its jury chair; anyone else gets a 404)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from award.api_common import ActionPermission
from award.models import Category
from scoring import rules
from scoring.api.common import int_param
from scoring.ranking.engine import ranking_for
from scoring.ranking.presenter import ranking_rows, row_as_json
from scoring.selectors import rounds_ranked_for


class RankingViewSet(viewsets.ViewSet):
    """The ranking of one category in one round (organisers of the edition and its jury chair; anyone else gets a 404)."""

    permission_classes = [ActionPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("round", int, required=True),
            OpenApiParameter("category", int, required=True),
            OpenApiParameter("bootstrap", bool),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        round_id, category_id = int_param(request, "round"), int_param(request, "category")
        rnd = get_object_or_404(rounds_ranked_for(request.user), pk=round_id)
        category = Category.objects.filter(pk=category_id, edition_id=rnd.edition_id).first()
        if category is None:
            raise exceptions.ValidationError({"category": [_("Choose one of this edition's categories.")]})
        if not rules.can_read_ranking(request.user, rnd.edition, category):
            # A chair outside the panel's categories: this ranking does not exist for them.
            raise exceptions.NotFound
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
                "rows": [row_as_json(row) for row in ranking_rows(ranking, bootstrap=bootstrap)],
            }
        )
