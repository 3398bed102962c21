"""Schemathesis generates requests for every operation of the OpenAPI schema, as anonymous and as
each role, with a fixed budget: no 5xx, and every response matches the schema.

(Schemathesis's own pytest plugin does not run under pytest 9 yet, so the operations'
Hypothesis strategies are driven directly.)"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from award.services import api_token_create

EXAMPLES = 5


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI app, whose request signals would close the database
    connection that holds the test's transaction; Django's test client unhooks them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.parametrize("persona", ["anonymous", "applicant", "juror", "organiser"])
def test_api_fuzz_no_server_error_and_schema_conformance(world, persona):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    headers = {}
    if persona != "anonymous":
        key = api_token_create(actor=world.personas[persona], name="fuzz")[1]
        headers = {"Authorization": f"Token {key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        seen = statuses.setdefault(f"{operation.method.upper()} {operation.path}", set())

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def run(case):
            case.headers = {**(case.headers or {}), **headers}
            if "project_pk" in (case.path_parameters or {}):
                # Random ids only ever find nothing: aim the attachment operations (uploads with
                # generated multipart bodies included) at an application that exists.
                case.path_parameters = {**case.path_parameters, "project_pk": world.project.pk}
            response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
            seen.add(response.status_code)  # noqa: B023  (run() is called within this iteration)

        try:
            run()
        except Exception as error:  # name the operation that failed
            raise AssertionError(f"{operation.method.upper()} {operation.path} as {persona}: {error}") from error
    upload = statuses["POST /api/v1/projects/{project_pk}/attachments/"]
    if persona == "applicant":
        # The generated files reach the upload checks: refused with 400 or stored with 201.
        assert upload & {400, 201}, upload
