"""A lost database connection (or a lock timeout) answers 503 with Retry-After, not the 500 page:
JSON for the API and the autosave, a translated page for people; the next request works."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.urls import reverse

from award.db_outage import CONNECTION, LOCK, database_outage_kind
from scoring.models import Score
from tests.scoring.jury_setup import assignment, rubric
from tests.scoring.test_jury_scoring import post_data

pytestmark = pytest.mark.django_db


@contextmanager
def failing_queries(error: Exception, *, when=lambda sql: True):
    """Every query of this thread that `when` picks raises `error`, as a dropped connection does."""

    def wrapper(execute, sql, params, many, context):
        if when(sql):
            raise error
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def _lost() -> OperationalError:
    return OperationalError("consuming input failed: server closed the connection unexpectedly")


def test_database_outage_kind_tells_connections_and_locks_from_bugs():
    assert database_outage_kind(InterfaceError("connection already closed")) == CONNECTION
    assert database_outage_kind(_lost()) == CONNECTION
    assert database_outage_kind(OperationalError("database is locked")) == LOCK
    assert database_outage_kind(OperationalError("no such table: award_edition")) is None
    assert database_outage_kind(ValueError("server closed the connection")) is None


def test_lost_connection_in_a_page_view_is_a_503_page_and_the_next_request_works(client, edition):
    url = reverse("submissions:call", args=[edition.slug])
    with failing_queries(_lost()):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "The service is briefly unavailable. Please try again in a few seconds." in body
    assert "Something went wrong" not in body

    assert client.get(url).status_code == 200


def test_lost_connection_page_is_translated(client, edition):
    client.cookies["award_language"] = "sk"
    with failing_queries(_lost()):
        response = client.get(reverse("submissions:call", args=[edition.slug]))
    assert response.status_code == 503
    body = response.content.decode()
    assert '<html lang="sk"' in body
    assert "Služba je na chvíľu nedostupná." in body


def test_lost_connection_in_a_middleware_is_a_503_page(client_for, juror):
    # Signed in, the first query reads the session inside a middleware, outside any view.
    client = client_for(juror)
    client.raise_request_exception = False
    with failing_queries(InterfaceError("connection already closed")):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200


def test_lost_connection_in_the_api_is_a_503_json(client_for, organiser, edition):
    client = client_for(organiser)
    client.raise_request_exception = False
    with failing_queries(_lost(), when=lambda sql: "award_edition" in sql):
        response = client.get("/api/v1/editions/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "The service is briefly unavailable. Please try again in a few seconds."
    assert client.get("/api/v1/editions/").json()["results"][0]["id"] == edition.pk


def test_lost_connection_during_autosave_is_a_503_json_and_the_retry_saves(client_for, juror, open_round):
    criteria = rubric(open_round.edition)
    mine = assignment(open_round, juror)
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    with failing_queries(_lost(), when=lambda sql: "scoring_score" in sql and not sql.startswith("SELECT")):
        response = client.post(url, post_data(criteria, 0, 5), headers={"X-Autosave": "1"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["ok"] is False
    assert Score.objects.count() == 0

    response = client.post(url, post_data(criteria, 0, 5), headers={"X-Autosave": "1"})
    assert response.json()["ok"] is True
    assert list(Score.objects.values_list("value", flat=True)) == [5]


def test_database_lock_timeout_is_a_503_too(client, edition):
    """SQLite's "database is locked" after the busy timeout is a passing condition, like a lost
    connection: 503 + Retry-After. The connection itself is healthy and stays open."""
    with failing_queries(OperationalError("database is locked")):
        response = client.get(reverse("submissions:call", args=[edition.slug]))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_other_operational_errors_stay_a_500(client, edition):
    client.raise_request_exception = False
    with failing_queries(OperationalError("no such column: award_edition.nonsense")):
        response = client.get(reverse("submissions:call", args=[edition.slug]))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- PostgreSQL: a real backend killed with pg_terminate_backend during the request -----------


@contextmanager
def backend_killed_at_first_query(when=lambda sql: True):
    """At the request's first query (that `when` picks), a second connection kills the request's
    backend; the query then goes to a dead server process, as when PostgreSQL connections are cut."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    done = threading.Event()

    def wrapper(execute, sql, params, many, context):
        if not done.is_set() and when(sql):
            done.set()
            pid = context["connection"].connection.info.backend_pid
            with psycopg.connect(
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"],
                password=db["PASSWORD"],
                dbname=db["NAME"],
                autocommit=True,
            ) as killer:
                assert killer.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0] is True
                for _ in range(100):
                    if not killer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                        break
                    time.sleep(0.02)
        return execute(sql, params, many, context)

    connection.ensure_connection()
    with connection.execute_wrapper(wrapper):
        yield done


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("kills a PostgreSQL backend")


@pytest.mark.django_db(transaction=True)
def test_killed_postgres_connection_answers_503_json_in_the_api_then_recovers(postgres_only, client_for, organiser):
    from tests.factories import EditionFactory

    other = EditionFactory(name="Second Award")
    client = client_for(organiser)
    client.raise_request_exception = False
    with backend_killed_at_first_query() as killed:
        response = client.get("/api/v1/editions/")
    assert killed.is_set()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert "briefly unavailable" in response.json()["detail"]

    response = client.get("/api/v1/editions/")
    assert response.status_code == 200
    assert other.pk in {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db(transaction=True)
def test_killed_postgres_connection_answers_503_page_then_recovers(postgres_only, client, edition):
    client.raise_request_exception = False
    url = reverse("submissions:call", args=[edition.slug])
    with backend_killed_at_first_query() as killed:
        response = client.get(url)
    assert killed.is_set()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The service is briefly unavailable" in response.content.decode()

    response = client.get(url)
    assert response.status_code == 200
    assert "Test Award 2026" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_killed_postgres_connection_in_a_middleware_answers_503_then_recovers(postgres_only, client_for, juror):
    client = client_for(juror)
    client.raise_request_exception = False
    with backend_killed_at_first_query() as killed:
        response = client.get(reverse("home"))
    assert killed.is_set()
    assert response.status_code == 503
    assert "The service is briefly unavailable" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_killed_postgres_connection_inside_the_autosave_transaction_answers_503_then_saves(
    postgres_only, client_for, juror, open_round
):
    criteria = rubric(open_round.edition)
    mine = assignment(open_round, juror)
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    with backend_killed_at_first_query(when=lambda sql: "scoring_score" in sql) as killed:
        response = client.post(url, post_data(criteria, 0, 5), headers={"X-Autosave": "1"})
    assert killed.is_set()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["ok"] is False
    assert Score.objects.count() == 0

    response = client.post(url, post_data(criteria, 0, 5), headers={"X-Autosave": "1"})
    assert response.json()["ok"] is True
    assert list(Score.objects.values_list("value", flat=True)) == [5]
