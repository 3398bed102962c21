from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from award.enums import Country, OrganisationType, Role, RoundKind
from award.models import Category, Criterion, Edition, EditionRole, Round, User
from scoring.models import Assignment, BriefingAcknowledgement, ConflictOfInterest, Score
from submissions.enums import ProjectStatus
from submissions.models import Project, TeamMember

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    country = Country.SLOVAKIA
    password = factory.django.Password(TEST_PASSWORD)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    name = factory.Sequence(lambda n: f"Award {2026 + n}")
    slug = factory.Sequence(lambda n: f"award-{n}")
    year = 2026
    submissions_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    submissions_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    jurors_per_project = 2
    # Public, as every edition was before the set-up checklist; tests of a call not yet opened
    # pass call_opened_at=None.
    call_opened_at = factory.LazyFunction(timezone.now)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    min_value = Decimal("0")
    max_value = Decimal("10")
    step = Decimal("1")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    edition = factory.SubFactory(EditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Round {o.number}")
    kind = RoundKind.SHORTLIST
    scoring_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    scoring_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


class EditionRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditionRole

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.JUROR


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    edition = factory.SubFactory(EditionFactory)
    category = factory.SubFactory(CategoryFactory, edition=factory.SelfAttribute("..edition"))
    owner = factory.SubFactory(UserFactory)
    status = ProjectStatus.DRAFT
    title = factory.Sequence(lambda n: f"Project {n}")
    organisation_name = factory.Sequence(lambda n: f"City {n}")
    organisation_type = OrganisationType.MUNICIPALITY
    country = Country.CZECHIA


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    project = factory.SubFactory(ProjectFactory)
    name = factory.Faker("name")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    project = factory.SubFactory(
        ProjectFactory, edition=factory.SelfAttribute("..round.edition"), status=ProjectStatus.ELIGIBLE
    )
    juror = factory.SubFactory(UserFactory)

    @factory.post_generation
    def acknowledged(obj, create, extracted, **kwargs):
        """The juror has acknowledged the edition's briefing (issue 18: no score before it);
        `AssignmentFactory(acknowledged=False)` for a juror who has not."""
        if create and extracted is not False:
            briefing_acknowledge_for(obj.juror, obj.round.edition)


def briefing_acknowledge_for(juror, edition):
    """The juror has read the edition's briefing: scores may be saved (scoring.jury.briefing)."""
    return BriefingAcknowledgement.objects.get_or_create(juror=juror, edition=edition)[0]


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assignment = factory.SubFactory(AssignmentFactory)
    criterion = factory.SubFactory(CriterionFactory, edition=factory.SelfAttribute("..assignment.round.edition"))
    value = Decimal("5")


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictOfInterest

    project = factory.SubFactory(ProjectFactory)
    edition = factory.SelfAttribute("project.edition")
    juror = factory.SubFactory(UserFactory)
    source = "declared"
