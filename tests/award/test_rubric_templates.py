from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from award.enums import OrganisationType, Role
from award.models import AuditEntry, Category, Criterion
from award.rubric_templates import (
    LANGUAGES,
    available_templates,
    categories_apply_template,
    category_suggest,
    rubric_apply_template,
)
from tests.factories import (
    AssignmentFactory,
    CriterionFactory,
    EditionFactory,
    EditionRoleFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)


@pytest.fixture
def organiser(edition):
    user = UserFactory(email="organiser@example.org")
    EditionRoleFactory(edition=edition, user=user, role=Role.ORGANISER)
    return user


@pytest.mark.parametrize(
    ("key", "weights"),
    [
        ("v4-award", ["3", "3", "2", "2", "1.5", "1.5", "1", "1"]),
        ("smart-city-pillars", ["1"] * 6),
        ("chytra-mesta", ["1"] * 5),
    ],
)
def test_rubric_template_applies_weights_and_five_languages(edition, organiser, key, weights):
    CriterionFactory(edition=edition, name="Old criterion")
    # The organiser works in Slovak: the English column must still get English.
    with translation.override("sk"):
        rubric_apply_template(edition=edition, template=key, actor=organiser)
    criteria = list(Criterion.objects.filter(edition=edition).order_by("position"))
    assert [c.weight for c in criteria] == [Decimal(w) for w in weights]
    assert "Old criterion" not in [c.name_en for c in criteria]
    for criterion in criteria:
        for code in LANGUAGES:
            assert getattr(criterion, f"name_{code}"), (criterion.name_en, code)
            assert getattr(criterion, f"guidance_{code}"), (criterion.name_en, code)
            assert getattr(criterion, f"level_descriptors_{code}"), (criterion.name_en, code)
        assert (criterion.min_value, criterion.max_value, criterion.step) == (0, 10, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM award_criterion WHERE edition_id = %s ORDER BY position", [edition.pk])
        assert [row[0] for row in cursor.fetchall()] == [c.name_en for c in criteria]
    entry = AuditEntry.objects.get(action="rubric.apply_template")
    assert entry.data == {"template": key, "criteria": len(weights), "replaced": 1}


def test_rubric_template_names(edition, organiser):
    rubric_apply_template(edition=edition, template="smart-city-pillars", actor=organiser)
    names = list(Criterion.objects.filter(edition=edition).order_by("position").values_list("name", "name_sk"))
    assert names[0] == ("Smart governance", "Inteligentná správa")
    assert [n for n, _sk in names] == [
        "Smart governance",
        "Smart people",
        "Smart environment",
        "Smart living",
        "Smart mobility",
        "Smart economy",
    ]
    rubric_apply_template(edition=edition, template="chytra-mesta", actor=organiser)
    names = list(Criterion.objects.filter(edition=edition).order_by("position").values_list("name", "name_cs"))
    assert names == [
        ("Feasibility", "Proveditelnost"),
        ("Sustainability", "Udržitelnost"),
        ("Demonstrated savings", "Prokázané úspory"),
        ("Open data", "Otevřená data"),
        ("Public involvement", "Zapojení veřejnosti"),
    ]


def test_rubric_template_from_an_earlier_edition(edition, organiser):
    earlier = EditionFactory(year=2025, name="Award 2025")
    EditionRoleFactory(edition=earlier, user=organiser, role=Role.ORGANISER)
    CriterionFactory(
        edition=earlier, name="Reach", name_hu="Elérés", weight=Decimal("2.5"), max_value=Decimal("5"), position=1
    )
    CriterionFactory(edition=earlier, name="Depth", weight=Decimal("1"), step=Decimal("0.5"), position=2)
    keys = [t.key for t in available_templates(edition, organiser)]
    assert keys == ["v4-award", "smart-city-pillars", "chytra-mesta", f"edition-{earlier.pk}"]
    rubric_apply_template(edition=edition, template=f"edition-{earlier.pk}", actor=organiser)
    copied = list(
        Criterion.objects.filter(edition=edition)
        .order_by("position")
        .values_list("name", "name_hu", "weight", "max_value", "step")
    )
    assert copied == [
        ("Reach", "Elérés", Decimal("2.5"), Decimal("5"), Decimal("1")),
        ("Depth", "", Decimal("1"), Decimal("10"), Decimal("0.5")),
    ]
    assert Criterion.objects.filter(edition=earlier).count() == 2


def test_rubric_template_of_an_edition_not_organised_is_not_offered(edition, organiser):
    foreign = EditionFactory(year=2025)
    CriterionFactory(edition=foreign, name="Secret criterion")
    assert [t.key for t in available_templates(edition, organiser)] == [
        "v4-award",
        "smart-city-pillars",
        "chytra-mesta",
    ]
    with pytest.raises(ValidationError):
        rubric_apply_template(edition=edition, template=f"edition-{foreign.pk}", actor=organiser)
    assert not Criterion.objects.filter(edition=edition).exists()


def test_rubric_template_refused_to_a_non_organiser_and_after_scoring(edition, organiser, juror):
    with pytest.raises(PermissionDenied):
        rubric_apply_template(edition=edition, template="v4-award", actor=juror)
    criterion = CriterionFactory(edition=edition)
    assignment = AssignmentFactory(round=RoundFactory(edition=edition), juror=juror)
    ScoreFactory(assignment=assignment, criterion=criterion, value=5)
    with pytest.raises(ValidationError) as refused:
        rubric_apply_template(edition=edition, template="v4-award", actor=organiser)
    assert refused.value.code == "locked"
    assert list(Criterion.objects.filter(edition=edition)) == [criterion]


def test_available_templates_query_count(edition, organiser, django_assert_max_num_queries):
    def earlier(year):
        source = EditionFactory(year=year)
        EditionRoleFactory(edition=source, user=organiser, role=Role.ORGANISER)
        for _ in range(3):
            CriterionFactory(edition=source)

    earlier(2025)
    with django_assert_max_num_queries(3) as one:
        assert len(available_templates(edition, organiser)) == 4
    for year in range(2015, 2025):
        earlier(year)
    organiser = type(organiser).objects.get(pk=organiser.pk)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(available_templates(edition, organiser)) == 14


def test_size_categories_template_and_suggestion(edition, organiser):
    with translation.override("pl"):
        created = categories_apply_template(edition=edition, actor=organiser)
    assert [c.slug for c in created] == [
        "under-10000",
        "10000-50000",
        "50000-200000",
        "over-200000",
        "region",
        "national",
        "international",
    ]
    by_slug = {c.slug: c for c in Category.objects.filter(edition=edition)}
    assert by_slug["under-10000"].name_en == "Municipalities under 10,000 inhabitants"
    assert by_slug["under-10000"].name_sk == "Obce do 10\u00a0000 obyvateľov"
    assert by_slug["over-200000"].name_hu == "200\u00a0000 lakos feletti városok"
    assert all(getattr(c, f"name_{code}") for c in by_slug.values() for code in LANGUAGES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM award_category WHERE slug = 'region' AND edition_id = %s", [edition.pk])
        assert cursor.fetchone()[0] == "Regions"

    def suggested(population, organisation_type=""):
        pk = category_suggest(edition=edition, population=population, organisation_type=organisation_type)
        return next((slug for slug, c in by_slug.items() if c.pk == pk), None)

    assert suggested(0) == "under-10000"
    assert suggested(9_999) == "under-10000"
    assert suggested(10_000) == "10000-50000"
    assert suggested(49_999) == "10000-50000"
    assert suggested(50_000) == "50000-200000"
    assert suggested(200_000) == "over-200000"
    assert suggested(1_700_000, OrganisationType.MUNICIPALITY) == "over-200000"
    assert suggested(600_000, OrganisationType.REGION) is None
    assert suggested(None) is None
    # Applied twice: nothing is duplicated.
    assert categories_apply_template(edition=edition, actor=organiser) == []
    assert Category.objects.filter(edition=edition).count() == 7
