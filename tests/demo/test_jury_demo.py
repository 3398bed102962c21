"""The demo edition is usable for the jury: juror1 opens and scores a round-1 assignment; the
organiser's pages render and re-running the assignment changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from award.models import User
from demo.seeding import JUROR_EMAIL, ORGANISER_EMAIL
from scoring.enums import AssignmentStatus
from scoring.jury.assignments import assignments_generate
from scoring.models import Assignment
from scoring.rules import can_score, juror_is_conflicted

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_juror_scores_and_organiser_pages(client):
    call_command("seed_demo", verbosity=0)
    juror = User.objects.get(email=JUROR_EMAIL)
    organiser = User.objects.get(email=ORGANISER_EMAIL)
    mine = list(Assignment.objects.filter(juror=juror, round__number=1).select_related("round__edition", "project"))
    assert mine and all(not juror_is_conflicted(juror, a.project) for a in mine)
    open_one = next(a for a in mine if a.status != AssignmentStatus.COMPLETED)
    assert can_score(juror, open_one)
    client.force_login(juror)
    body = client.get(reverse("scoring:dashboard")).content.decode()
    assert open_one.project.title in body
    page = client.get(reverse("scoring:score", args=[open_one.pk]))
    assert page.status_code == 200 and "Innovation" in page.content.decode()
    data = {"version": open_one.version, "overall_comment": "Demo"}
    for criterion in open_one.round.edition.criteria.all():
        data[f"value_{criterion.pk}"] = "7"
    response = client.post(reverse("scoring:score", args=[open_one.pk]), data, headers={"X-Autosave": "1"})
    assert response.status_code == 200 and response.json()["ok"]

    client.force_login(organiser)
    rnd = open_one.round
    for name in ("scoring:assignments", "scoring:progress"):
        assert client.get(reverse(name, args=[rnd.pk])).status_code == 200
    assert client.get(reverse("scoring:manage")).url == reverse("scoring:jurors", args=[rnd.edition.slug])
    before = Assignment.objects.filter(round=rnd).count()
    report = assignments_generate(actor=organiser, round=rnd)
    assert report.created == 0 and report.uncovered == [] and report.recused == 0
    assert Assignment.objects.filter(round=rnd).count() == before
