"""Organisers enter organiser-typed content in each language where they edit it (the admin)."""

import pytest
from django.urls import reverse

from award.models import Category
from tests.factories import CategoryFactory


@pytest.fixture
def staff_organiser(organiser):
    organiser.is_staff = True
    organiser.is_superuser = True
    organiser.save()
    return organiser


def test_admin_offers_one_field_per_language_and_stores_each(client_for, staff_organiser, edition):
    client = client_for(staff_organiser)
    form = client.get(reverse("admin:award_category_add")).content.decode()
    for language in ("en", "sk", "cs", "pl", "hu"):
        assert f'name="name_{language}"' in form and f'name="description_{language}"' in form
    response = client.post(
        reverse("admin:award_category_add"),
        {
            "edition": edition.pk,
            "slug": "smart-city",
            "finalists_count": 3,
            "position": 0,
            "name_en": "Smart City",
            "name_sk": "Inteligentné mesto",
            "name_cs": "Chytré město",
            "name_pl": "",
            "name_hu": "",
            "description_en": "Cities.",
            "description_sk": "Mestá.",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(edition=edition, slug="smart-city")
    assert (category.name_en, category.name_sk, category.name_cs) == (
        "Smart City",
        "Inteligentné mesto",
        "Chytré město",
    )
    assert category.description_sk == "Mestá."


def test_admin_requires_the_english_name(client_for, staff_organiser, edition):
    response = client_for(staff_organiser).post(
        reverse("admin:award_category_add"),
        {
            "edition": edition.pk,
            "slug": "no-english",
            "finalists_count": 3,
            "position": 0,
            "name_sk": "Len po slovensky",
        },
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Category.objects.filter(slug="no-english").exists()


@pytest.mark.parametrize("n", [1, 6])
def test_category_api_with_translations_query_count_constant(client, edition, django_assert_num_queries, n):
    for i in range(n):
        CategoryFactory(edition=edition, name=f"Category {i}", name_sk=f"Kategória {i}")
    with django_assert_num_queries(2):
        body = client.get("/api/v1/categories/?lang=sk").json()
    assert sorted(row["name"] for row in body["results"]) == sorted(f"Kategória {i}" for i in range(n))
    assert all(row["translations"]["name"]["en"].startswith("Category ") for row in body["results"])
