import csv
import io

import pytest
from django.urls import reverse

from award.enums import Role
from award.services import audit_log
from tests.factories import EditionFactory, EditionRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_audit_log_lists_entries_of_my_editions_only(client, organiser, edition, juror):
    audit_log(actor=juror, action="score.save", target=juror, edition=edition, data={"criterion": "Innovation"})
    other = EditionFactory(name="Other award")
    audit_log(actor=juror, action="secret.thing", target=juror, edition=other)
    client.force_login(organiser)
    body = client.get(reverse("audit_log")).content.decode()
    assert "score.save" in body and "juror@example.org" in body and "criterion: Innovation" in body
    assert "secret.thing" not in body


def test_audit_log_filters(client, organiser, edition, juror, other_juror):
    audit_log(actor=juror, action="score.save", target=juror, edition=edition)
    audit_log(actor=other_juror, action="assignment.finalise", target=other_juror, edition=edition)
    client.force_login(organiser)
    body = client.get(reverse("audit_log"), {"action": "finalise"}).content.decode()
    assert "assignment.finalise" in body and "score.save" not in body
    body = client.get(reverse("audit_log"), {"actor": "other.juror"}).content.decode()
    assert "assignment.finalise" in body and "score.save" not in body
    response = client.get(reverse("audit_log"), {"since": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_audit_log_csv_export_neutralises_formulas(client, organiser, edition, juror):
    juror.first_name = "=HYPERLINK(1)"
    audit_log(actor=juror, action="status.change", target=juror, edition=edition)
    client.force_login(organiser)
    response = client.get(reverse("audit_log"), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Time", "Who", "Action"]
    assert rows[1][1] == "juror@example.org" and rows[1][2] == "status.change"
    assert rows[1][4].startswith("'=HYPERLINK")


@pytest.mark.parametrize("persona", ["anonymous", "applicant", "juror"])
def test_audit_log_is_hidden_from_non_organisers(client, request, persona, edition):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit_log")).status_code == 404


@pytest.mark.parametrize("n", [1, 8])
def test_audit_log_query_count_constant(client, organiser, edition, django_assert_num_queries, n):
    for i in range(n):
        actor = UserFactory()
        EditionRoleFactory(edition=edition, user=actor, role=Role.JUROR)
        audit_log(actor=actor, action=f"a{i}", target=actor, edition=edition)
    client.force_login(organiser)
    with django_assert_num_queries(7):
        body = client.get(reverse("audit_log")).content.decode()
    assert body.count("<code>a") == n
