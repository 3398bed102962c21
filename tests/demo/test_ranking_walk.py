"""Issue 15's "done when", walked on the demo through the organiser's pages, in Slovak: the
ranking of a category of the round in progress says in words which finalists are solid and
which places are contested, why each project stands where it does and whose reviews deserve a
second look; once the jurors finish, the organiser selects the finalists and freezes the round
with a sign-off; the sealed numbers verify, and a later change shows up in results_verify while
the sealed snapshot keeps what was decided."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from award.models import Edition, User
from demo.seeding import DEMO_SLUG, ORGANISER_EMAIL
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, Result, ResultsSnapshot, Score
from scoring.ranking.engine import ranking_for
from scoring.ranking.jurors import juror_diagnostics

pytestmark = pytest.mark.django_db


def _sk(text: str) -> str:
    with translation.override("sk"):
        return str(translation.gettext(text))


def _finish_every_review(rnd) -> None:
    """The jurors finish the round: every open review gets a value for each criterion (the middle
    of the range, where none was typed) and is finalised."""
    criteria = list(rnd.edition.criteria.all())
    open_reviews = Assignment.objects.filter(round=rnd).exclude(
        status__in=[AssignmentStatus.COMPLETED, AssignmentStatus.RECUSED]
    )
    for assignment in open_reviews:
        typed = set(Score.objects.filter(assignment=assignment).values_list("criterion_id", flat=True))
        Score.objects.bulk_create(
            Score(assignment=assignment, criterion=c, value=(c.min_value + c.max_value) / 2)
            for c in criteria
            if c.pk not in typed
        )
    open_reviews.update(status=AssignmentStatus.COMPLETED, finalised_at=timezone.now())


def test_organiser_reads_the_demo_ranking_in_slovak_selects_freezes_and_the_seal_verifies(client):
    call_command("seed_demo", verbosity=0)
    edition = Edition.objects.get(slug=DEMO_SLUG)
    organiser = User.objects.get(email=ORGANISER_EMAIL)
    organiser.language = "sk"
    organiser.save(update_fields=["language"])
    client.force_login(organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sk"
    rnd = edition.rounds.get(number=1)

    # A category of the round in progress with contested places (the demo plants some).
    contested = None
    for category in edition.categories.order_by("position"):
        ranking = ranking_for(category=category, round=rnd)
        if ranking.category_analysis and ranking.category_analysis["band"]:
            contested = (category, ranking)
            break
    assert contested is not None, "the demo should have a contested place in round 1"
    category, ranking = contested
    url = reverse("results:ranking", args=[edition.slug, rnd.number, category.slug])
    page = client.get(url).content.decode()

    # The summary, in Slovak words: what is contested, by name; the agreement; the plan.
    assert 'lang="sk"' in page
    band_titles = [row.project.title for row in ranking.rows if row.in_band]
    assert band_titles and any(title in page for title in band_titles)
    for code in ("contested", "agreement", "connectivity", "second_look"):
        assert f'data-code="{code}"' in page, code
    english_connected = "The judging plan is connected: every juror's leniency is compared with the whole panel's."
    assert _sk(english_connected) != english_connected and _sk(english_connected) in page
    # Whose reviews deserve a second look: the demo's planted lenient and harsh jurors.
    second_look = page.split('data-code="second_look"', 1)[1].split("</li>", 1)[0]
    flagged = [d.juror.display_name for d in juror_diagnostics(ranking) if d.leniency_test and d.leniency_test.flagged]
    assert flagged and all(name in second_look for name in flagged)
    assert (
        _sk("Reviews that deserve a second look (see the rater diagnostics): %(names)s.").split(":")[0] in second_look
    )
    # Why here: each review's total and the leniency adjustment, in Slovak.
    assert page.count('data-testid="why-review"') > 0
    line = "%(juror)s: total %(total)s, leniency adjustment %(adjustment)s, adjusted total %(adjusted)s"
    slovak_word = _sk(line).split("%(adjustment)s")[0].split("%(total)s, ")[1].strip()
    assert "leniency" not in slovak_word and slovak_word in page
    assert 'data-testid="why-here"' in page

    # The jurors finish; the organiser selects the finalists and freezes the round, signing off.
    _finish_every_review(rnd)
    response = client.post(reverse("results:finalists", args=[edition.slug, rnd.number, category.slug]))
    assert response.status_code == 302
    finalists = set(
        Result.objects.filter(category=category, kind=ResultKind.FINALIST).values_list("project_id", flat=True)
    )
    fresh = ranking_for(category=category, round=rnd)
    assert finalists == {row.project.pk for row in fresh.ranked_rows if row.rank <= category.finalists_count}

    refused = client.post(reverse("results:round_freeze", args=[edition.slug, rnd.number]), follow=True)
    assert _sk("Confirm that you sign off these results as decided by the jury.") in refused.content.decode()
    assert not ResultsSnapshot.objects.filter(round=rnd).exists()
    client.post(reverse("results:round_freeze", args=[edition.slug, rnd.number]), {"signed_off": "on"})
    snapshot = ResultsSnapshot.objects.get(round=rnd)
    assert snapshot.signed_off_by == organiser
    sealed_page = client.get(url).content.decode()
    assert snapshot.payload_hash[:12] in sealed_page

    out = StringIO()
    call_command("results_verify", DEMO_SLUG, stdout=out)
    assert "identical" in out.getvalue().splitlines()[-1]

    # A score changed after the seal: the snapshot keeps the decided numbers, verify reports it.
    finalist = next(iter(finalists))
    score = Score.objects.filter(assignment__round=rnd, assignment__project_id=finalist).first()
    criterion = score.criterion
    score.value = criterion.min_value if score.value != criterion.min_value else criterion.max_value
    score.save(update_fields=["value"])
    sealed_rows = snapshot.payload
    ResultsSnapshot.objects.get(pk=snapshot.pk)  # still there, unchanged
    assert ResultsSnapshot.objects.get(pk=snapshot.pk).payload == sealed_rows
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("results_verify", DEMO_SLUG, stdout=out)
    assert failed.value.returncode == 1
    assert any(line.startswith("DIFF") or "DIFF" in line for line in out.getvalue().splitlines())
