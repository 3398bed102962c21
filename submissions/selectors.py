from django.db.models import QuerySet

from award.models import User
from submissions.models import Project


def projects_owned_by(user: User) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(owner=user).select_related("edition", "category").order_by("-created_at")
