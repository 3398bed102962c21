"""Helpers for the jury tests: a small rubric, panels and eligible projects."""

from decimal import Decimal

from award.enums import Role
from award.models import EditionRole
from submissions.enums import ProjectStatus
from tests.factories import AssignmentFactory, CategoryFactory, CriterionFactory, ProjectFactory, UserFactory


def rubric(edition, n=3):
    return [
        CriterionFactory(
            edition=edition,
            name=f"Criterion {i}",
            position=i,
            min_value=Decimal(0),
            max_value=Decimal(10),
            step=Decimal("0.5") if i == 0 else Decimal(1),
            guidance=f"Guidance {i}",
            level_descriptors="0–3: weak\n4–10: strong",
        )
        for i in range(n)
    ]


def juror_in(edition, *, panels=(), email=None, **fields):
    user = UserFactory(**({"email": email} if email else {}), **fields)
    role = EditionRole.objects.create(edition=edition, user=user, role=Role.JUROR)
    role.panels.set(panels)
    return user


def add_panels(edition, user, panels):
    role = EditionRole.objects.get(edition=edition, user=user, role=Role.JUROR)
    role.panels.add(*panels)


def eligible_project(edition, category=None, **fields):
    category = category or CategoryFactory(edition=edition)
    return ProjectFactory(edition=edition, category=category, status=ProjectStatus.ELIGIBLE, **fields)


def assignment(round_, juror, project=None, **fields):
    project = project or eligible_project(round_.edition)
    return AssignmentFactory(round=round_, juror=juror, project=project, **fields)
