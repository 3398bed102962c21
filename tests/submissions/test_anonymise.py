from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from award.models import AuditEntry
from scoring.models import Result, Score
from submissions.enums import ProjectStatus
from submissions.models import Project, TeamMember
from tests.factories import AssignmentFactory, ProjectFactory, ScoreFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(edition, open_round, juror):
    edition.ceremony_at = timezone.now() - timedelta(days=800)
    edition.retention_days = 730
    edition.save()
    loser = ProjectFactory(
        edition=edition,
        status=ProjectStatus.ELIGIBLE,
        title="Lost tram",
        organisation_name="Loser Town",
        city_region="Brno",
        website="https://loser.example.org",
        budget_eur=Decimal("1000"),
    )
    TeamMemberFactory(project=loser, name="Lara Loser", email="lara@example.org", role="Mayor")
    ScoreFactory(assignment=AssignmentFactory(round=open_round, project=loser, juror=juror), value=Decimal("4"))
    winner = ProjectFactory(
        edition=edition, status=ProjectStatus.ELIGIBLE, title="Won bus", organisation_name="Win City"
    )
    TeamMemberFactory(project=winner, name="Wim Winner", email="wim@example.org")
    Result.objects.create(edition=edition, category=winner.category, project=winner, kind="winner")
    special = ProjectFactory(edition=edition, status=ProjectStatus.ELIGIBLE, title="Special one")
    Result.objects.create(
        edition=edition, category=special.category, project=special, kind="special", title="Jury prize"
    )
    return {"loser": loser, "winner": winner, "special": special}


def test_anonymise_blanks_non_winners_and_keeps_statistics(finished, edition):
    call_command("anonymise_edition", edition.slug)
    loser = Project.objects.get(pk=finished["loser"].pk)
    assert (loser.title, loser.organisation_name, loser.city_region, loser.website) == ("", "", "", "")
    assert loser.budget_eur == Decimal("1000")
    assert loser.country == finished["loser"].country
    assert loser.organisation_type == finished["loser"].organisation_type
    assert loser.category_id == finished["loser"].category_id
    assert list(TeamMember.objects.filter(project=loser).values_list("name", "email", "role")) == [("", "", "")]
    assert Score.objects.get(assignment__project=loser).value == Decimal("4")

    winner = Project.objects.get(pk=finished["winner"].pk)
    assert winner.title == "Won bus" and winner.organisation_name == "Win City"
    assert TeamMember.objects.filter(project=winner, name="Wim Winner", email="wim@example.org").exists()
    assert Project.objects.get(pk=finished["special"].pk).title == "Special one"

    entry = AuditEntry.objects.get(action="edition.anonymised")
    assert entry.edition == edition and entry.data["projects"] == 1


def test_anonymise_refuses_before_retention_ends(finished, edition):
    edition.ceremony_at = timezone.now() - timedelta(days=10)
    edition.save()
    with pytest.raises(CommandError, match="retention period of this edition is not over"):
        call_command("anonymise_edition", edition.slug)
    assert Project.objects.get(pk=finished["loser"].pk).title == "Lost tram"
    assert not AuditEntry.objects.filter(action="edition.anonymised").exists()


def test_anonymise_refuses_without_ceremony_unless_forced(finished, edition):
    edition.ceremony_at = None
    edition.save()
    with pytest.raises(CommandError):
        call_command("anonymise_edition", edition.slug)
    call_command("anonymise_edition", edition.slug, "--force")
    assert Project.objects.get(pk=finished["loser"].pk).title == ""
    assert AuditEntry.objects.get(action="edition.anonymised").data["forced"] is True


def test_dry_run_lists_but_changes_nothing(finished, edition, capsys):
    call_command("anonymise_edition", edition.slug, "--dry-run")
    out = capsys.readouterr().out
    assert f"{finished['loser'].pk}\t" in out
    assert "Would anonymise 1 application(s)" in out
    assert Project.objects.get(pk=finished["loser"].pk).title == "Lost tram"
    assert not AuditEntry.objects.filter(action="edition.anonymised").exists()


def test_unknown_edition_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No edition with the slug"):
        call_command("anonymise_edition", "nope")
