import pytest
from django.urls import reverse

from award.models import ApiToken, AuditEntry, Category
from tests.factories import CategoryFactory, CriterionFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_api_editions_are_public_and_paginated(client, edition):
    response = client.get("/api/v1/editions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["name"] == "Test Award 2026"
    assert "reference_counter" not in body["results"][0]


def test_api_page_size_is_capped_at_100(client, edition):
    Category.objects.bulk_create(Category(edition=edition, name=f"C{i}", slug=f"c{i}") for i in range(120))
    body = client.get("/api/v1/categories/?page_size=100000").json()
    assert body["count"] == 120
    assert len(body["results"]) == 100


def test_api_ordering_outside_allow_list_is_ignored(client, edition):
    CategoryFactory(edition=edition, name="Alpha", position=0)
    CategoryFactory(edition=edition, name="Zulu", position=1)
    names = [c["name"] for c in client.get("/api/v1/categories/?ordering=-name").json()["results"]]
    assert names == ["Alpha", "Zulu"]
    # Allowed on editions: year and name.
    EditionFactory(name="Older", year=2020)
    names = [e["name"] for e in client.get("/api/v1/editions/?ordering=year").json()["results"]]
    assert names == ["Older", "Test Award 2026"]


def test_api_filter_by_edition(client, edition):
    CriterionFactory(edition=edition, name="Innovation")
    CriterionFactory(edition=EditionFactory(), name="Elsewhere")
    names = [c["name"] for c in client.get(f"/api/v1/criteria/?edition={edition.pk}").json()["results"]]
    assert names == ["Innovation"]
    response = client.get("/api/v1/criteria/?edition=abc")
    assert response.status_code == 400
    assert "edition" in response.json()["errors"]


def test_api_errors_are_json_and_translated(client):
    response = client.get("/api/v1/editions/999999/", HTTP_ACCEPT_LANGUAGE="sk")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] not in ("", "Not found.", "No Edition matches the given query.")


@pytest.mark.parametrize("n", [1, 5])
def test_api_category_list_query_count_constant(client, edition, django_assert_num_queries, n):
    for _ in range(n):
        CategoryFactory(edition=edition)
    with django_assert_num_queries(2):
        body = client.get("/api/v1/categories/").json()
    assert body["count"] == n


def test_api_token_lifecycle_through_the_profile_page(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("api_tokens"), {"name": "CRM"})
    key = response.context["new_key"]
    assert key.startswith("v4a_") and len(key) > 40
    assert "Copy the key now" in response.content.decode()
    token = ApiToken.objects.get(user=applicant)
    # Only a hash is stored.
    assert key not in (token.key_hash, token.prefix) and token.prefix == key[:12]
    assert AuditEntry.objects.filter(action="api_token.create", actor=applicant).count() == 1
    client.logout()

    response = client.get("/api/v1/editions/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.force_login(applicant)
    page = client.get(reverse("api_tokens")).content.decode()
    assert key not in page and token.prefix in page
    client.post(reverse("api_tokens"), {"revoke": token.pk})
    client.logout()
    response = client.get("/api/v1/editions/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked token."


def test_api_token_of_another_user_cannot_be_revoked(client, applicant, other_applicant):
    client.force_login(other_applicant)
    client.post(reverse("api_tokens"), {"name": "mine"})
    token = ApiToken.objects.get(user=other_applicant)
    client.force_login(applicant)
    response = client.post(reverse("api_tokens"), {"revoke": token.pk})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_api_token_needs_a_name(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("api_tokens"), {"name": "   "})
    assert response.status_code == 200
    assert "Give the token a name" in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_api_garbage_token_is_401_not_500(client):
    for header in ["Token", "Token a b", "Token v4a_nope", "Token notours"]:
        response = client.get("/api/v1/editions/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert "detail" in response.json()


def test_api_schema_and_vendored_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert b"/api/v1/editions/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_api_requires_authentication_by_default_for_unknown_users(client):
    user = UserFactory()
    assert client.get("/api/v1/editions/", HTTP_AUTHORIZATION="Token v4a_" + "x" * 43).status_code == 401
    client.force_login(user)
    assert client.get("/api/v1/editions/").status_code == 200


def test_api_huge_number_in_a_filter_is_a_400_not_a_500(client, edition):
    response = client.get("/api/v1/criteria/?edition=99999999999999999999999")
    assert response.status_code in (400, 404)
    assert "detail" in response.json()


def test_api_schema_accepts_blank_urls(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    website = schema["components"]["schemas"]["Project"]["properties"]["website"]
    assert website["anyOf"] == [{"format": "uri"}, {"maxLength": 0}]
