from rest_framework import permissions, viewsets

from award.api_router import router
from award.models import Category, Criterion, Edition, Round
from award.selectors import editions_public_to
from award.serializers import CategorySerializer, CriterionSerializer, EditionSerializer, RoundSerializer


class PublicReadOnly(viewsets.ReadOnlyModelViewSet):
    """The call for applications is public: the edition, its categories, rubric and rounds."""

    permission_classes = [permissions.AllowAny]
    # An edition whose call has not opened yet is its organisers' business (award/setup).
    edition_lookup = "edition__in"

    def get_queryset(self):
        return super().get_queryset().filter(**{self.edition_lookup: editions_public_to(self.request.user)})


class EditionViewSet(PublicReadOnly):
    queryset = Edition.objects.order_by("-year", "name")
    edition_lookup = "pk__in"
    serializer_class = EditionSerializer
    filterset_fields = ["year", "slug"]
    ordering_fields = ["year", "name"]


class CategoryViewSet(PublicReadOnly):
    queryset = Category.objects.order_by("edition", "position", "name")
    serializer_class = CategorySerializer
    filterset_fields = ["edition"]


class CriterionViewSet(PublicReadOnly):
    queryset = Criterion.objects.order_by("edition", "position", "id")
    serializer_class = CriterionSerializer
    filterset_fields = ["edition"]


class RoundViewSet(PublicReadOnly):
    queryset = Round.objects.order_by("edition", "number")
    serializer_class = RoundSerializer
    filterset_fields = ["edition"]


router.register("editions", EditionViewSet, basename="edition")
router.register("categories", CategoryViewSet, basename="category")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("rounds", RoundViewSet, basename="round")
