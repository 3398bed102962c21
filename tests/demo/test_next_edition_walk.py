"""Issue 16's "done when" on the demo, through the organiser's pages in Slovak and never /admin/:
next year's edition is created from this year's (branding, signatories, rubric, categories and
rounds come along, a year later), the organiser lands on its set-up checklist, the new edition
stays private until its call opens, and then the public sees its call."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from award.models import Edition, User
from demo.seeding import NEXT_SLUG, ORGANISER_EMAIL

pytestmark = pytest.mark.django_db


def test_organiser_creates_next_years_edition_in_slovak_and_opens_its_call_without_the_admin(client):
    call_command("seed_demo", verbosity=0)
    source = Edition.objects.get(slug=NEXT_SLUG)
    organiser = User.objects.get(email=ORGANISER_EMAIL)
    organiser.language = "sk"
    organiser.save(update_fields=["language"])
    client.force_login(organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sk"

    form = client.get(reverse("edition_copy", args=[source.slug])).content.decode()
    assert 'lang="sk"' in form and f'value="{source.year + 1}"' in form
    response = client.post(reverse("edition_copy", args=[source.slug]), {"year": str(source.year + 1), "name": ""})
    copy = Edition.objects.get(year=source.year + 1)
    assert response["Location"] == reverse("setup:checklist", args=[copy.slug])
    assert "/admin/" not in response["Location"]
    checklist = client.get(response["Location"]).content.decode()
    assert 'data-testid="checklist"' in checklist and 'lang="sk"' in checklist

    # What came along, a year later; nothing public yet.
    assert copy.signatories == source.signatories and copy.signatories
    assert copy.categories.count() == source.categories.count() > 0
    assert copy.criteria.count() == source.criteria.count() > 0
    assert copy.submissions_close_at.year == source.submissions_close_at.year + 1
    assert copy.call_opened_at is None
    client.logout()
    assert client.get(reverse("submissions:call", args=[copy.slug])).status_code == 404

    client.force_login(organiser)
    opened = client.post(reverse("setup:open", args=[copy.slug]), follow=True)
    copy.refresh_from_db()
    assert copy.call_opened_at is not None, opened.content.decode()
    client.logout()
    public = client.get(reverse("submissions:call", args=[copy.slug]))
    assert public.status_code == 200 and copy.name in public.content.decode()
