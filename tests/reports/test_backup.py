"""export_edition / import_edition: the round trip gives the same ranking and certificates."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from award.models import Edition, User
from demo.seeding import DEMO_SLUG
from reports.models import Certificate
from reports.services import certificates_issue
from scoring.models import Assignment, Result, Score
from scoring.ranking.engine import ranking_for
from submissions.models import Attachment, Project
from submissions.services import project_submit
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.submissions.conftest import COMPLETE

pytestmark = pytest.mark.django_db(transaction=True)


def _ranking_facts(edition: Edition) -> dict:
    round1 = edition.rounds.get(number=1)
    facts = {}
    for category in edition.categories.order_by("position"):
        ranking = ranking_for(category=category, round=round1)
        facts[category.slug] = [
            (row.project.reference, row.rank, row.tie, round(row.official_score or 0, 6), sorted(row.flags))
            for row in ranking.rows
        ]
    return facts


def _certificate_facts(edition_slug: str) -> list[tuple]:
    return sorted(
        Certificate.objects.filter(edition__slug=edition_slug).values_list(
            "code", "kind", "recipient_name", "project_title", "reference", "award_title"
        )
    )


@pytest.mark.slow
def test_export_import_round_trip_keeps_ranking_and_certificates(tmp_path):
    call_command("seed_demo", verbosity=0)
    edition = Edition.objects.get(slug=DEMO_SLUG)
    project = Project.objects.filter(edition=edition, status="eligible").order_by("reference").first()
    Result.objects.create(edition=edition, category=project.category, project=project, kind="finalist")
    stored = default_storage.save("attachments/backup-test.pdf", ContentFile(b"%PDF-1.4 backup test"))
    Attachment.objects.create(
        project=project, file=stored, original_name="plan.pdf", content_type="application/pdf", size=20
    )
    certificates_issue(edition=edition, kinds=["finalist", "participant", "juror"], actor=None)
    before_ranking = _ranking_facts(edition)
    before_certificates = _certificate_facts(edition.slug)
    # The demo has other editions; the archive holds this one and the people it references.
    counts = _edition_counts(edition)
    assert before_certificates and any(rows for rows in before_ranking.values())

    archive = tmp_path / "edition.zip"
    call_command("export_edition", edition.slug, str(archive), verbosity=0)
    with zipfile.ZipFile(archive) as bundle:
        assert "edition.json" in bundle.namelist()
        assert f"files/{stored}" in bundle.namelist()

    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete(stored)
    assert not Edition.objects.exists()

    call_command("import_edition", str(archive), verbosity=0)
    restored = Edition.objects.get()
    assert _edition_counts(restored) == counts
    assert _ranking_facts(restored) == before_ranking
    assert _certificate_facts(restored.slug) == before_certificates
    with default_storage.open(stored, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 backup test"
    # New rows still get fresh primary keys after the restore (sequences moved past the data).
    Project.objects.create(edition=restored, owner=User.objects.first(), title="After restore")


def _edition_counts(edition: Edition) -> tuple:
    people = User.objects.filter(Q(projects__edition=edition) | Q(edition_roles__edition=edition)).distinct()
    return (
        sorted(people.values_list("email", flat=True)),
        Project.objects.filter(edition=edition).count(),
        Assignment.objects.filter(round__edition=edition).count(),
        Score.objects.filter(assignment__round__edition=edition).count(),
    )


def test_import_edition_sets_the_reference_counter_past_the_restored_references(tmp_path):
    # An archive whose counter lags behind its references (written before the counter was kept
    # right): after the restore, the next submission must not collide with a restored reference.
    edition = EditionFactory(slug="restored", year=2026)
    owner = UserFactory(email_confirmed_at=timezone.now())
    category = CategoryFactory(edition=edition)
    for number in (1, 2, 7):
        ProjectFactory(
            edition=edition, category=category, owner=owner, status="submitted", reference=f"V4A-2026-{number:04d}"
        )
    assert Edition.objects.get(pk=edition.pk).reference_counter == 0
    archive = tmp_path / "edition.zip"
    call_command("export_edition", edition.slug, str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    call_command("import_edition", str(archive), verbosity=0)
    restored = Edition.objects.get()
    assert restored.reference_counter == 7
    draft = ProjectFactory(edition=restored, category=restored.categories.get(), owner=User.objects.get(), **COMPLETE)
    assert project_submit(actor=draft.owner, project=draft).reference == "V4A-2026-0008"


def test_import_refuses_a_non_empty_database_and_garbage(tmp_path):
    call_command("seed_demo", verbosity=0)
    archive = tmp_path / "edition.zip"
    call_command("export_edition", "v4-smart-project-award-2026", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="already holds an edition"):
        call_command("import_edition", str(archive))
    call_command("flush", interactive=False, verbosity=0)
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not an edition archive"):
        call_command("import_edition", str(garbage))
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as bundle:
        bundle.writestr("edition.json", '{"format": 1, "edition": "x", "objects": []}')
        bundle.writestr("files/../../escape.txt", "x")
    (tmp_path / "evil.zip").write_bytes(evil.getvalue())
    with pytest.raises(CommandError):
        call_command("import_edition", str(tmp_path / "evil.zip"))
    assert not Edition.objects.exists()
    with pytest.raises(CommandError, match="No edition"):
        call_command("export_edition", "nope", str(tmp_path / "x.zip"))
