"""Every demo edition passes the set-up checklist in all five languages, so that an organiser who
copies one for next year can open its call without filling in the demo's gaps first."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from award.models import Edition
from award.rubric_templates import V4_CRITERIA
from award.setup.readiness import edition_readiness
from demo.seeding import DEMO_SLUGS

pytestmark = pytest.mark.django_db


def test_demo_editions_have_no_blocking_gap_on_the_set_up_checklist():
    call_command("seed_demo", verbosity=0)
    editions = list(Edition.objects.filter(slug__in=DEMO_SLUGS).order_by("year"))
    assert [e.slug for e in editions] == list(DEMO_SLUGS)
    now = timezone.now()
    for edition in editions:
        assert sorted(edition.languages) == ["cs", "en", "hu", "pl", "sk"]
        # As the checklist saw it the day before the call opened: nothing blocks.
        before = edition_readiness(edition, now=edition.submissions_open_at - timedelta(days=1))
        assert [str(gap.message) for gap in before.blocking] == [], edition.slug
        # Today the only thing in the way of the finished and the judged edition is their past deadline.
        today = edition_readiness(edition)
        expected = ["deadline_passed"] if edition.submissions_close_at <= now else []
        assert [gap.code for gap in today.blocking] == expected, edition.slug


def test_demo_editions_speak_every_language():
    call_command("seed_demo", verbosity=0)
    edition = Edition.objects.get(slug=DEMO_SLUGS[-1])
    with translation.override("sk"):
        assert edition.name == "V4 Smart Project Award 2027"
        assert edition.description.startswith("Ocenenie sa udeľuje projektom inteligentných miest a regiónov")
        innovation = edition.criteria.get(position=0)
        assert innovation.guidance == V4_CRITERIA[0].guidance["sk"]
        assert innovation.guidance.startswith("Nakoľko je riešenie nové")
    with translation.override("hu"):
        assert edition.description.startswith("A díjat olyan szlovákiai")
        assert [c.guidance for c in edition.criteria.order_by("position")] == [c.guidance["hu"] for c in V4_CRITERIA]
    # Signatories as the set-up's signatories page stores them: English title, a title per language.
    chair, director = edition.signatories
    assert chair == {
        "name": "Ľubica Dvořáková",
        "title": "Chair of the jury",
        "titles": {
            "en": "Chair of the jury",
            "sk": "Predsedníčka poroty",
            "cs": "Předsedkyně poroty",
            "pl": "Przewodnicząca jury",
            "hu": "Zsűrielnök",
        },
        "image": "",
    }
    assert director["titles"]["pl"] == "Dyrektor programowy"
