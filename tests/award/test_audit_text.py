"""Readable history (issue 17): every audit action code reads as a sentence in the reader's language, with
who did it and to what; dates have one format per language on every page."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from award.audit_text import SENTENCES, audit_sentence
from award.models import AuditEntry
from submissions.enums import ProjectStatus
from tests.factories import CategoryFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, name="Smart City", slug="smart-city")


ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(
    r'action=(?:"([\w.]+)"(?: if [^"]+ else "([\w.]+)")?|f"conflict\.\{source\}"|ACTION_FINALIST_REMOVED)'
)


def codes_in_the_codebase() -> set[str]:
    from scoring.enums import ConflictSource
    from scoring.results.services import ACTION_FINALIST_REMOVED

    found = set()
    for app in ("award", "submissions", "scoring", "reports"):
        for path in (ROOT / app).rglob("*.py"):
            for match in CODE.finditer(path.read_text(encoding="utf-8")):
                if match.group(0).startswith('f"conflict'):
                    found |= {f"conflict.{source}" for source in ConflictSource.values}
                elif match.group(0) == "ACTION_FINALIST_REMOVED":
                    found.add(ACTION_FINALIST_REMOVED)
                else:
                    found |= {code for code in match.groups() if code}
    # argparse's action="store_true" in management commands is not an audit code.
    return found - {"project.eligibility", "store_true", "store_false"} | {"project.eligible", "project.ineligible"}


def test_every_action_code_in_the_codebase_has_a_sentence():
    codes = codes_in_the_codebase()
    assert len(codes) > 60
    assert sorted(codes - set(SENTENCES)) == []


def entry(action, actor=None, target_repr="Smart benches", **data):
    return AuditEntry(action=action, actor=actor, target_repr=target_repr, data=data)


def test_sentences_in_english_and_slovak_name_the_actor_and_the_object():
    olga = UserFactory(first_name="Olga", last_name="Organizátorová")
    eligible = entry("project.eligibility", olga, to="eligible", reason="")
    with translation.override("en"):
        assert audit_sentence(eligible) == "Olga Organizátorová marked the application “Smart benches” eligible"
        assert audit_sentence(entry("project.eligibility", olga, to="ineligible")) == (
            "Olga Organizátorová marked the application “Smart benches” not eligible"
        )
        assert audit_sentence(entry("vote.hashes_deleted", None, "Audience vote")) == (
            "The system deleted the voters’ email fingerprints of “Audience vote”"
        )
        # A code nobody wrote a sentence for still reads as words, not as "created: True".
        assert audit_sentence(entry("email_template.saved", olga, "Reminder")) == (
            "Olga Organizátorová: email template saved (“Reminder”)"
        )
    with translation.override("sk"):
        text = audit_sentence(eligible)
        assert "Olga Organizátorová" in text and "Smart benches" in text
        if translation.gettext("%(actor)s marked the application “%(object)s” eligible") != (
            "%(actor)s marked the application “%(object)s” eligible"
        ):  # once the pending catalogue is applied
            assert "marked" not in text and "podmienky" in text


def test_screening_history_reads_as_sentences(client_for, organiser, edition, category):
    project = ProjectFactory(edition=edition, category=category, status=ProjectStatus.SUBMITTED, title="Smart benches")
    project.submitted_at = project.created_at
    project.save()
    client = client_for(organiser)
    client.post(
        reverse("submissions:screening_eligibility", args=[edition.slug, project.pk]),
        {"decision": "ineligible", "reason": "Outside the V4 region"},
    )
    page = client.get(reverse("submissions:screening_detail", args=[edition.slug, project.pk])).content.decode()
    assert "Olga Organiser marked the application “Smart benches” not eligible. Reason: Outside the V4 region" in page
    log = client.get(reverse("audit_log")).content.decode()
    assert "Olga Organiser marked the application “Smart benches” not eligible" in log
    export = b"".join(client.get(reverse("audit_log"), {"format": "csv"}).streaming_content).decode()
    assert "Olga Organiser marked the application “Smart benches” not eligible" in export


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Nov. 30, 2026, 6:51 a.m."), ("sk", "30. novembra 2026 6:51")]
)
def test_two_pages_show_a_moment_in_the_same_format(client_for, organiser, edition, category, language, expected):
    moment = datetime(2026, 11, 30, 5, 51, tzinfo=UTC)  # 6:51 in Bratislava, the edition's and the site's zone
    project = ProjectFactory(edition=edition, category=category, status=ProjectStatus.SUBMITTED, submitted_at=moment)
    AuditEntry.objects.create(
        at=moment, actor=organiser, edition=edition, action="project.submitted",
        target_type="submissions.project", target_id=str(project.pk), target_repr=project.title,
    )  # fmt: skip
    organiser.language = language
    organiser.save()
    client = client_for(organiser)
    screening = client.get(reverse("submissions:screening", args=[edition.slug])).content.decode()
    log = client.get(reverse("audit_log")).content.decode()
    assert expected in screening
    assert expected in log


def test_no_page_template_uses_a_second_date_format():
    templates = list((ROOT / "templates").rglob("*.html"))
    offenders = [str(p) for p in templates if "SHORT_DATE" in p.read_text(encoding="utf-8")]
    assert offenders == []
