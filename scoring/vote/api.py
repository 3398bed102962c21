"""/api/v1/public-votes/{edition slug}/projects/ (the standing projects, public) and
/api/v1/public-votes/{edition slug}/results/ (the counts: public after the results are
published, before that for the edition's organisers only; everyone else gets a 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from award.api_common import ActionPermission, anyone
from award.rules import is_organiser
from scoring.vote.models import PublicVote
from scoring.vote.selectors import standing_projects, vote_counts


class PublicVoteSerializer(serializers.ModelSerializer):
    edition = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PublicVote
        fields = ["edition", "standing", "opens_at", "closes_at", "per_category", "changeable"]
        read_only_fields = fields


class StandingProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    organisation_name = serializers.CharField()
    country = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.CharField(source="category.name", default="")


class VoteResultSerializer(StandingProjectSerializer):
    votes = serializers.IntegerField()


class PublicVoteViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PublicVoteSerializer
    lookup_field = "edition__slug"
    lookup_url_kwarg = "slug"
    permission_classes = [ActionPermission]
    action_rules = {"list": anyone, "retrieve": anyone, "projects": anyone, "results": anyone}

    def get_queryset(self):
        return PublicVote.objects.select_related("edition").order_by("-edition__year", "edition__slug")

    @extend_schema(responses=StandingProjectSerializer(many=True))
    @action(detail=True)
    def projects(self, request, slug=None):
        poll = self.get_object()
        page = self.paginate_queryset(standing_projects(poll))
        return self.get_paginated_response(StandingProjectSerializer(page, many=True).data)

    @extend_schema(responses=VoteResultSerializer(many=True))
    @action(detail=True)
    def results(self, request, slug=None):
        poll = get_object_or_404(self.get_queryset(), edition__slug=slug)
        if not poll.edition.results_are_public() and not is_organiser(request.user, poll.edition):
            raise Http404
        counts = vote_counts(poll)
        page = self.paginate_queryset(standing_projects(poll))
        for project in page:
            project.votes = counts.get(project.pk, 0)
        return self.get_paginated_response(VoteResultSerializer(page, many=True).data)
