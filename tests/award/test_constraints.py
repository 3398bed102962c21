"""Each database invariant rejects a violating row, whatever code path writes it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from award.enums import Role
from award.models import Category, Criterion, Edition, EditionRole, Round
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, ConflictOfInterest, Result, Score
from submissions.models import Project
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    EditionFactory,
    ProjectFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def rejects(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_criterion_weight_must_be_positive(edition):
    rejects(lambda: CriterionFactory(edition=edition, weight=Decimal("0")))
    rejects(lambda: CriterionFactory(edition=edition, weight=Decimal("-1")))
    assert Criterion.objects.count() == 0


def test_criterion_range_must_be_ordered_and_step_positive(edition):
    rejects(lambda: CriterionFactory(edition=edition, min_value=Decimal("5"), max_value=Decimal("5")))
    rejects(lambda: CriterionFactory(edition=edition, step=Decimal("0")))
    assert Criterion.objects.count() == 0


def test_edition_submission_window_must_be_ordered(db):
    now = timezone.now()
    rejects(lambda: EditionFactory(submissions_open_at=now, submissions_close_at=now - timedelta(hours=1)))
    assert Edition.objects.count() == 0


def test_round_number_unique_and_window_ordered(edition):
    RoundFactory(edition=edition, number=1)
    rejects(lambda: RoundFactory(edition=edition, number=1))
    now = timezone.now()
    rejects(lambda: RoundFactory(edition=edition, number=2, scoring_opens_at=now, scoring_closes_at=now))
    assert Round.objects.count() == 1


def test_category_slug_unique_in_edition(edition):
    CategoryFactory(edition=edition, slug="smart-city")
    rejects(lambda: CategoryFactory(edition=edition, slug="smart-city"))
    CategoryFactory(edition=EditionFactory(), slug="smart-city")
    assert Category.objects.filter(slug="smart-city").count() == 2


def test_edition_role_unique(edition):
    user = UserFactory()
    EditionRole.objects.create(edition=edition, user=user, role=Role.JUROR)
    rejects(lambda: EditionRole.objects.create(edition=edition, user=user, role=Role.JUROR))
    EditionRole.objects.create(edition=edition, user=user, role=Role.ORGANISER)
    assert EditionRole.objects.filter(user=user).count() == 2


def test_project_reference_unique_within_edition(edition):
    ProjectFactory(edition=edition, reference="V4A-2026-0001")
    rejects(lambda: ProjectFactory(edition=edition, reference="V4A-2026-0001"))
    # Drafts have no reference yet; any number of them may coexist.
    ProjectFactory(edition=edition, reference="")
    ProjectFactory(edition=edition, reference="")
    # Another edition may reuse the number.
    ProjectFactory(edition=EditionFactory(), reference="V4A-2026-0001")
    assert Project.objects.filter(reference="V4A-2026-0001").count() == 2


def test_project_end_date_not_before_start(edition):
    rejects(lambda: ProjectFactory(edition=edition, start_date=date(2026, 5, 1), end_date=date(2026, 4, 30)))
    ProjectFactory(edition=edition, start_date=date(2026, 5, 1), end_date=date(2026, 5, 1))
    assert Project.objects.count() == 1


def test_project_budget_not_negative(edition):
    rejects(lambda: ProjectFactory(edition=edition, budget_eur=Decimal("-1")))
    assert Project.objects.count() == 0


def test_assignment_unique_per_juror_project_round(open_round):
    assignment = AssignmentFactory(round=open_round)
    rejects(lambda: AssignmentFactory(round=open_round, project=assignment.project, juror=assignment.juror))
    assert Assignment.objects.count() == 1


def test_completed_assignment_needs_finalised_time(open_round):
    rejects(lambda: AssignmentFactory(round=open_round, status=AssignmentStatus.COMPLETED, finalised_at=None))
    assert Assignment.objects.count() == 0


def test_score_unique_per_assignment_and_criterion(open_round):
    score = ScoreFactory(assignment=AssignmentFactory(round=open_round))
    rejects(lambda: Score.objects.create(assignment=score.assignment, criterion=score.criterion, value=Decimal("3")))
    assert Score.objects.count() == 1


@pytest.mark.parametrize("value", [Decimal("-0.5"), Decimal("10.01"), Decimal("11")])
def test_score_outside_criterion_range_rejected_on_insert(open_round, value):
    criterion = CriterionFactory(edition=open_round.edition, min_value=0, max_value=10)
    assignment = AssignmentFactory(round=open_round)
    rejects(lambda: Score.objects.create(assignment=assignment, criterion=criterion, value=value))
    assert Score.objects.count() == 0


def test_score_outside_criterion_range_rejected_on_update(open_round):
    criterion = CriterionFactory(edition=open_round.edition, min_value=1, max_value=5)
    score = ScoreFactory(assignment=AssignmentFactory(round=open_round), criterion=criterion, value=Decimal("5"))
    rejects(lambda: Score.objects.filter(pk=score.pk).update(value=Decimal("6")))
    score.refresh_from_db()
    assert score.value == Decimal("5")


def test_score_at_range_bounds_accepted(open_round):
    criterion = CriterionFactory(edition=open_round.edition, min_value=0, max_value=10)
    assignment = AssignmentFactory(round=open_round)
    Score.objects.create(assignment=assignment, criterion=criterion, value=Decimal("10"))
    assert Score.objects.get().value == Decimal("10")


def test_conflict_unique_per_juror_and_project(edition):
    project = ProjectFactory(edition=edition)
    juror = UserFactory()
    ConflictOfInterest.objects.create(edition=edition, project=project, juror=juror, source="declared")
    rejects(
        lambda: ConflictOfInterest.objects.create(edition=edition, project=project, juror=juror, source="organiser")
    )
    assert ConflictOfInterest.objects.count() == 1


def test_result_finalist_once_per_project_special_awards_by_title(edition):
    project = ProjectFactory(edition=edition)
    Result.objects.create(edition=edition, category=project.category, project=project, kind=ResultKind.FINALIST)
    rejects(
        lambda: Result.objects.create(
            edition=edition, category=project.category, project=project, kind=ResultKind.FINALIST
        )
    )
    Result.objects.create(
        edition=edition, category=project.category, project=project, kind=ResultKind.SPECIAL, title="Jury prize"
    )
    rejects(
        lambda: Result.objects.create(
            edition=edition, category=project.category, project=project, kind=ResultKind.SPECIAL, title="Jury prize"
        )
    )
    Result.objects.create(
        edition=edition, category=project.category, project=project, kind=ResultKind.SPECIAL, title="Public prize"
    )
    assert Result.objects.filter(project=project).count() == 3
