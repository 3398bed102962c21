"""The audience prize's public vote (issue 20): one person, one vote, the bot check, limits,
the fraud report and voiding, the embargo, the prize as a special award, privacy."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from award.models import AuditEntry
from scoring.enums import ResultKind
from scoring.models import Result
from scoring.vote.enums import SuspicionKind, VoteStatus
from scoring.vote.models import Vote
from scoring.vote.privacy import vote_data_purge
from scoring.vote.selectors import suspicious_groups, vote_counts
from scoring.vote.services import (
    VoteError,
    audience_prize_award,
    confirmation_token,
    vote_confirm,
    vote_request,
    votes_void,
)
from tests.scoring.vote_setup import add_finalists, open_vote, request_for, solved, vote_through_the_page

pytestmark = pytest.mark.django_db


def cast(poll, project, email, **kwargs) -> Vote:
    vote = vote_request(poll=poll, request=request_for(poll, project, email, **kwargs))
    vote_confirm(token=confirmation_token(vote))
    vote.refresh_from_db()
    return vote


def test_vote_counts_only_once_confirmed(edition):
    poll, (a, b) = open_vote(edition)
    vote = vote_request(poll=poll, request=request_for(poll, a, "eva@example.sk"))
    assert vote.status == VoteStatus.PENDING
    assert vote_counts(poll) == {}
    outcome = vote_confirm(token=confirmation_token(vote))
    assert outcome.counted is True
    assert vote_counts(poll) == {a.pk: 1}
    # The same link opened twice counts once.
    vote_confirm(token=confirmation_token(vote))
    assert vote_counts(poll) == {a.pk: 1}


def test_vote_stores_no_address_only_a_keyed_hash(edition):
    poll, (a, _b) = open_vote(edition)
    vote = cast(poll, a, "Eva.Novak@Example.sk")
    stored = " ".join(str(v) for v in Vote.objects.filter(pk=vote.pk).values().first().values())
    assert "eva" not in stored.lower()
    assert vote.email_domain == "example.sk"
    assert re.fullmatch(r"[0-9a-f]{64}", vote.voter_hash)


def test_one_vote_per_address_and_variants_of_one_mailbox(edition):
    poll, (a, b) = open_vote(edition)
    cast(poll, a, "jan.kral@gmail.com")
    for variant in ("JanKral@gmail.com", "jan.kral+prize@googlemail.com"):
        with pytest.raises(VoteError) as error:
            cast(poll, b, variant)
        assert error.value.code == "already"
    assert vote_counts(poll) == {a.pk: 1}


def test_changeable_vote_replaces_the_earlier_one(edition):
    poll, (a, b) = open_vote(edition, changeable=True)
    cast(poll, a, "ana@example.pl")
    cast(poll, b, "ana@example.pl")
    assert vote_counts(poll) == {b.pk: 1}
    assert Vote.objects.get(project=a).status == VoteStatus.REPLACED


def test_one_vote_per_category_lets_an_address_vote_in_each(edition):
    poll, projects = open_vote(edition, categories=2, per_category=True)
    cast(poll, projects[0], "ana@example.pl")
    cast(poll, projects[2], "ana@example.pl")
    assert vote_counts(poll) == {projects[0].pk: 1, projects[2].pk: 1}


def test_one_vote_in_total_refuses_a_second_category(edition):
    poll, projects = open_vote(edition, categories=2, per_category=False)
    cast(poll, projects[0], "ana@example.pl")
    with pytest.raises(VoteError):
        cast(poll, projects[2], "ana@example.pl")


def test_disposable_domain_refused_with_a_message(client, edition):
    poll, (a, _b) = open_vote(edition)
    challenge, solution = solved(poll)
    response = client.post(
        reverse("vote:page", args=[edition.slug]),
        {"email": "bot@mailinator.com", "project": a.pk, "challenge": challenge, "solution": solution},
    )
    assert response.status_code == 400
    assert "disposable email services are not accepted" in response.content.decode()
    assert Vote.objects.count() == 0
    assert mail.outbox == []


def test_bot_check_refuses_a_scripted_submission_without_the_proof(client, edition):
    poll, (a, _b) = open_vote(edition, difficulty=12)
    client.get(reverse("vote:page", args=[edition.slug]))
    challenge, _solution = solved(poll)
    url = reverse("vote:page", args=[edition.slug])
    for data in (
        {"email": "eva@example.sk", "project": a.pk},  # no challenge at all
        {"email": "eva@example.sk", "project": a.pk, "challenge": challenge, "solution": "1"},  # wrong proof
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "check that you are a person did not pass" in response.content.decode()
    assert Vote.objects.count() == 0


def test_bot_check_honeypot_timing_and_replay(edition):
    poll, (a, _b) = open_vote(edition, min_seconds=3)
    with pytest.raises(VoteError, match="person"):
        vote_request(poll=poll, request=request_for(poll, a, "x@example.sk", honeypot="http://spam"))
    fast, solution = solved(poll, seconds_ago=0)
    with pytest.raises(VoteError, match="person"):
        vote_request(poll=poll, request=request_for(poll, a, "x@example.sk", challenge=fast, solution=solution))
    good = request_for(poll, a, "x@example.sk")
    vote_request(poll=poll, request=good)
    with pytest.raises(VoteError, match="person"):  # one solved challenge, one vote request
        vote_request(poll=poll, request=good)


def test_limits_per_network_and_per_address(edition):
    poll, (a, _b) = open_vote(edition, max_per_network=3, max_requests_per_address=2)
    for i in range(3):
        vote_request(poll=poll, request=request_for(poll, a, f"v{i}@example.sk", ip=f"198.51.100.{i + 1}"))
    with pytest.raises(VoteError) as error:
        vote_request(poll=poll, request=request_for(poll, a, "v9@example.sk", ip="198.51.100.200"))
    assert error.value.code == "limit"
    vote_request(poll=poll, request=request_for(poll, a, "v9@example.sk", ip="198.51.101.1"))  # another network
    vote_request(poll=poll, request=request_for(poll, a, "v9@example.sk", ip="203.0.113.1"))
    with pytest.raises(VoteError) as error:
        vote_request(poll=poll, request=request_for(poll, a, "v9@example.sk", ip="203.0.114.1"))
    assert error.value.code == "limit"


def test_vote_through_the_pages_sends_the_link_and_counts_after_confirmation(
    client, edition, django_capture_on_commit_callbacks
):
    poll, (a, _b) = open_vote(edition)
    page = reverse("vote:page", args=[edition.slug])
    body = client.get(page).content.decode()
    assert a.title in body and a.organisation_name in body
    with django_capture_on_commit_callbacks(execute=True):
        response = vote_through_the_page(client, edition, a, "eva@example.sk")
    assert response.status_code == 302 and response["Location"] == reverse("vote:sent", args=[edition.slug])
    assert [m.to for m in mail.outbox] == [["eva@example.sk"]]
    link = re.search(r"http://testserver(/vote/\S+)", mail.outbox[0].body).group(1)
    assert vote_counts(poll) == {}
    assert "Confirm my vote" in client.get(link).content.decode()  # a mail scanner's GET counts nothing
    assert vote_counts(poll) == {}
    response = client.post(link)
    assert "counts" in response.content.decode()
    assert vote_counts(poll) == {a.pk: 1}
    assert Vote.objects.get().page_seen is True


def test_the_task_queue_never_holds_the_address(client, edition, settings, django_capture_on_commit_callbacks):
    """The email task gets the vote's id: the queue keeps a task's arguments after it ran."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    poll, (a, _b) = open_vote(edition)
    with django_capture_on_commit_callbacks(execute=True):
        vote_through_the_page(client, edition, a, "eva@example.sk")
    (queued,) = default_task_backend.results
    assert "eva" not in repr((queued.args, queued.kwargs)).lower()
    vote = Vote.objects.get()
    assert vote.email_pending == "eva@example.sk"  # until the email is sent
    queued.task.call(*queued.args, **queued.kwargs)  # what the worker does
    assert [m.to for m in mail.outbox] == [["eva@example.sk"]]
    assert "/confirm/" in mail.outbox[0].body and a.title in mail.outbox[0].body
    vote.refresh_from_db()
    assert vote.email_pending == ""
    queued.task.call(*queued.args, **queued.kwargs)  # run twice (a retry): no second email
    assert len(mail.outbox) == 1


def test_bad_confirmation_link_is_a_clear_400(client, edition):
    open_vote(edition)
    response = client.post(reverse("vote:confirm", args=[edition.slug, "forged"]))
    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()


def test_closed_vote_refuses_and_confirmation_after_close_does_not_count(edition):
    poll, (a, _b) = open_vote(edition)
    vote = vote_request(poll=poll, request=request_for(poll, a, "late@example.sk"))
    poll.closes_at = timezone.now() - timedelta(seconds=1)
    poll.save()
    with pytest.raises(VoteError):
        vote_confirm(token=confirmation_token(vote))
    with pytest.raises(VoteError):
        vote_request(poll=poll, request=request_for(poll, a, "late2@example.sk"))
    assert vote_counts(poll) == {}


def test_voiding_a_group_is_audited_and_changes_the_count(edition, organiser):
    poll, (a, b) = open_vote(edition, max_per_network=1000)
    for i in range(12):  # a planted burst from one network
        cast(poll, a, f"bot{i}@botfarm.example", ip="203.0.113.7")
    for i in range(3):
        cast(poll, b, f"person{i}@gmail.com", ip=f"198.51.{i}.1", signature=f"s{i}")
    assert vote_counts(poll) == {a.pk: 12, b.pk: 3}
    groups = {(g.kind, g.key): g.count for g in suspicious_groups(poll)}
    assert groups[(SuspicionKind.NETWORK, "203.0.113.0/24")] == 12
    assert groups[(SuspicionKind.DOMAIN, "botfarm.example")] == 12
    assert any(kind == SuspicionKind.BURST and n == 12 for (kind, _k), n in groups.items())
    n = votes_void(poll=poll, kind=SuspicionKind.NETWORK, key="203.0.113.0/24", reason="planted burst", actor=organiser)
    assert n == 12
    assert vote_counts(poll) == {b.pk: 3}
    entry = AuditEntry.objects.get(action="vote.voided")
    assert entry.actor == organiser
    assert entry.data["reason"] == "planted burst" and entry.data["votes"] == 12
    assert entry.data["by_project"] == {str(a.pk): 12}
    with pytest.raises(VoteError):
        votes_void(poll=poll, kind=SuspicionKind.NETWORK, key="203.0.113.0/24", reason="", actor=organiser)
    with pytest.raises(VoteError) as error:  # a voided address does not vote again
        cast(poll, b, "bot0@botfarm.example", ip="198.51.200.1")
    assert error.value.code == "already"


def test_fraud_pages_void_and_export(client, edition, organiser):
    poll, (a, _b) = open_vote(edition, max_per_network=1000)
    for i in range(10):
        cast(poll, a, f"bot{i}@botfarm.example", ip="203.0.113.7")
    client.force_login(organiser)
    body = client.get(reverse("vote:fraud", args=[edition.slug])).content.decode()
    assert "203.0.113.0/24" in body
    exported = client.get(reverse("vote:fraud_export", args=[edition.slug]))
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert ["Many votes from one network", "203.0.113.0/24", "10"] in [r[:3] for r in rows]
    assert "bot0" not in exported.content.decode()  # the export has no address
    response = client.post(
        reverse("vote:void", args=[edition.slug]), {"kind": "network", "key": "203.0.113.0/24", "reason": "farm"}
    )
    assert response.status_code == 302
    assert vote_counts(poll) == {}
    assert Vote.objects.filter(status=VoteStatus.VOID, void_reason="farm").count() == 10


def test_organiser_pages_are_404_for_others(client, edition, juror):
    open_vote(edition)
    client.force_login(juror)
    for name in ("vote:manage", "vote:fraud", "vote:fraud_export"):
        assert client.get(reverse(name, args=[edition.slug])).status_code == 404


def test_nothing_is_public_before_publication(client, edition, organiser):
    poll, (a, b) = open_vote(edition)
    cast(poll, a, "one@example.sk")
    cast(poll, a, "two@example.sk")
    cast(poll, b, "three@example.sk")
    poll.closes_at = timezone.now() - timedelta(minutes=1)
    poll.opens_at = timezone.now() - timedelta(days=1)
    poll.save()
    audience_prize_award(poll=poll, actor=organiser)
    page = client.get(reverse("vote:page", args=[edition.slug])).content.decode()
    assert 'data-testid="vote-count"' not in page and "2 votes" not in page
    assert client.get(reverse("results:public", args=[edition.slug])).status_code == 404
    assert client.get(reverse("results:public_json", args=[edition.slug])).status_code == 404
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    page = client.get(reverse("vote:page", args=[edition.slug])).content.decode()
    assert "2 votes" in page and "1 vote" in page
    public = client.get(reverse("results:public", args=[edition.slug])).content.decode()
    assert "Audience prize" in public and a.title in public


def test_audience_prize_is_a_special_award_per_category(edition, organiser):
    poll, projects = open_vote(edition, categories=2)
    cast(poll, projects[1], "a@example.sk")
    cast(poll, projects[2], "a@example.sk")
    cast(poll, projects[2], "b@example.sk")
    with pytest.raises(VoteError):  # not before the close
        audience_prize_award(poll=poll, actor=organiser)
    poll.closes_at = timezone.now() - timedelta(minutes=1)
    poll.save()
    # A Slovak organiser awards it: the award is still one, titled in every language.
    with translation.override("sk"):
        results = audience_prize_award(poll=poll, actor=organiser)
    assert sorted(r.project_id for r in results) == sorted([projects[1].pk, projects[2].pk])
    special = Result.objects.filter(kind=ResultKind.SPECIAL, title="Audience prize")
    assert special.count() == 2
    assert special.get(project=projects[2]).citation == "Chosen by the public: 2 confirmed votes."
    assert special.get(project=projects[2]).titles["sk"] == "Cena publika"
    assert special.get(project=projects[2]).titles["hu"] == "Közönségdíj"
    audience_prize_award(poll=poll, actor=organiser)  # again, in English: the same two awards
    assert Result.objects.filter(kind=ResultKind.SPECIAL).count() == 2


def test_set_up_page_opens_a_vote_and_is_audited(client, edition, organiser):
    category = edition.categories.create(name="Smart City", slug="smart-city")
    client.force_login(organiser)
    url = reverse("vote:manage", args=[edition.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "standing": "categories",
            "categories": [category.pk],
            "opens_at": "2026-11-01T08:00",
            "closes_at": "2026-11-10T20:00",
            "per_category": "on",
            "max_per_network": 30,
            "difficulty": 16,
            "network_retention_days": 30,
        },
    )
    assert response.status_code == 302
    poll = edition.public_vote
    assert poll.opens_at.astimezone(edition.tz).hour == 8  # typed in the edition's time zone
    assert list(poll.categories.all()) == [category]
    assert AuditEntry.objects.filter(action="vote.configured", actor=organiser).count() == 1
    bad = client.post(
        url,
        {
            "standing": "categories",
            "opens_at": "2026-11-10T08:00",
            "closes_at": "2026-11-01T08:00",
            "max_per_network": 30,
            "difficulty": 16,
            "network_retention_days": 30,
        },
    )
    assert bad.status_code == 400


def test_voting_page_queries_do_not_grow_with_projects(client, edition, django_assert_max_num_queries):
    open_vote(edition, projects=1)
    url = reverse("vote:page", args=[edition.slug])
    with django_assert_max_num_queries(8) as one:
        client.get(url)
    add_finalists(edition, projects=15, categories=2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('data-testid="vote-project"') == 24  # one page


def test_purge_deletes_network_data_and_hashes_on_schedule(edition):
    poll, (a, _b) = open_vote(edition, network_retention_days=10)
    kept = cast(poll, a, "a@example.sk")
    stale = vote_request(poll=poll, request=request_for(poll, a, "b@example.sk"))
    Vote.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=2))
    now = timezone.now()
    assert vote_data_purge(now=now).pending == 1
    edition.results_published_at = now
    edition.ceremony_at = now
    edition.retention_days = 100
    edition.save()
    vote_data_purge(now=now + timedelta(days=9))
    kept.refresh_from_db()
    assert kept.network != "" and kept.voter_hash != ""
    vote_data_purge(now=now + timedelta(days=10))
    kept.refresh_from_db()
    assert (kept.network, kept.signature) == ("", "") and kept.voter_hash != ""
    vote_data_purge(now=now + timedelta(days=100))
    kept.refresh_from_db()
    poll.refresh_from_db()
    assert kept.voter_hash == "" and poll.secret == ""
    assert vote_counts(poll) == {a.pk: 1}  # the count stays


def test_api_lists_standing_projects_and_embargoes_results(client, edition, organiser):
    poll, (a, b) = open_vote(edition)
    cast(poll, a, "one@example.sk")
    projects = client.get(f"/api/v1/public-votes/{edition.slug}/projects/").json()
    assert sorted(p["title"] for p in projects["results"]) == sorted([a.title, b.title])
    assert client.get(f"/api/v1/public-votes/{edition.slug}/results/").status_code == 404
    client.force_login(organiser)
    early = client.get(f"/api/v1/public-votes/{edition.slug}/results/").json()
    assert {p["title"]: p["votes"] for p in early["results"]} == {a.title: 1, b.title: 0}
    client.logout()
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    public = client.get(f"/api/v1/public-votes/{edition.slug}/results/").json()
    assert {p["title"]: p["votes"] for p in public["results"]} == {a.title: 1, b.title: 0}


def test_audience_prize_has_its_certificate_and_ceremony_slide(edition, organiser):
    from reports.enums import CertificateKind
    from reports.services import certificates_issue
    from scoring.results.ceremony import ceremony_for

    poll, (a, _b) = open_vote(edition)
    cast(poll, a, "a@example.sk")
    poll.closes_at = timezone.now() - timedelta(minutes=1)
    poll.save()
    audience_prize_award(poll=poll, actor=organiser)
    (certificate,) = certificates_issue(edition=edition, kinds=[CertificateKind.SPECIAL], actor=organiser)
    assert (certificate.project_id, certificate.award_title) == (a.pk, "Audience prize")
    slides = ceremony_for(edition).special
    assert [(s.project.pk, s.title) for s in slides] == [(a.pk, "Audience prize")]


def test_voting_page_shows_each_projects_picture_scaled_down(client, edition):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    from submissions.models import Attachment

    poll, (a, b) = open_vote(edition)
    buffer = BytesIO()
    Image.new("RGB", (2000, 1000), "red").save(buffer, "PNG")
    Attachment.objects.create(
        project=a,
        file=ContentFile(buffer.getvalue(), name="photo.png"),
        original_name="photo.png",
        content_type="image/png",
        size=len(buffer.getvalue()),
    )
    body = client.get(reverse("vote:page", args=[edition.slug])).content.decode()
    assert body.count('data-testid="vote-picture"') == 1
    picture = client.get(reverse("vote:picture", args=[edition.slug, a.pk]))
    assert picture["Content-Type"] == "image/jpeg"
    assert Image.open(BytesIO(picture.content)).size == (640, 320)
    assert client.get(reverse("vote:picture", args=[edition.slug, b.pk])).status_code == 404


def test_confirmation_link_under_another_editions_address_counts_nothing(client, edition):
    from tests.factories import EditionFactory

    poll, (a, _b) = open_vote(edition)
    other = EditionFactory()
    open_vote(other)
    token = confirmation_token(vote_request(poll=poll, request=request_for(poll, a, "eva@example.sk")))
    response = client.post(reverse("vote:confirm", args=[other.slug, token]))
    assert response.status_code == 400
    assert vote_counts(poll) == {}


def test_organiser_pages_queries_do_not_grow_with_votes(client, edition, organiser, django_assert_max_num_queries):
    poll, (a, b) = open_vote(edition, max_per_network=1000)
    cast(poll, a, "one@botfarm.example", ip="203.0.113.7")
    client.force_login(organiser)
    pages = [reverse(name, args=[edition.slug]) for name in ("vote:manage", "vote:fraud")]
    counts = []
    for url in pages:
        with django_assert_max_num_queries(30) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    for i in range(12):
        cast(poll, a if i % 2 else b, f"bot{i}@botfarm.example", ip="203.0.113.7")
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            body = client.get(url).content.decode()
    assert "203.0.113.0/24" in body  # the fraud page found the group


def test_privacy_notice_has_a_section_on_the_public_vote(client):
    body = client.get(reverse("privacy")).content.decode()
    assert 'data-testid="privacy-public-vote"' in body
    assert "deleted as soon as that email is sent" in body and "keyed hash" in body


def test_organisers_slovak_text_is_the_slovak_voters_confirmation_email(
    client, client_for, organiser, edition, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    from award.enums import EmailStatus
    from award.models import EmailLog

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    poll, (a, _b) = open_vote(edition)
    edit = reverse("setup:email_edit", args=[edition.slug, "vote_confirmation", "sk"])
    organising = client_for(organiser)
    page = organising.get(edit).content.decode()
    assert "{validity}" in page and "Hlasovali ste za" in page  # the default Slovak text
    body = "Ďakujeme za hlas pre {project_title} ({edition_name}).\n\nOdkaz platí {validity}:\n{link}"
    data = {"subject": "Potvrdenie hlasu: {edition_name}", "body": body}
    preview = organising.post(edit, {**data, "action": "preview"}).content.decode()
    assert "Ďakujeme za hlas pre Smart benches" in preview.split('data-testid="email-preview"')[1]
    with django_capture_on_commit_callbacks(execute=True):
        organising.post(edit, {**data, "action": "test"})
    (test_send,) = default_task_backend.results
    test_send.task.call(*test_send.args, **test_send.kwargs)
    assert [m.to for m in mail.outbox] == [[organiser.email]] and "Smart benches" in mail.outbox[0].body
    assert organising.post(edit, {**data, "action": "save"}).status_code == 302
    default_task_backend.clear()
    mail.outbox.clear()
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        vote_through_the_page(client, edition, a, "eva@example.sk", HTTP_ACCEPT_LANGUAGE="sk")
    (queued,) = default_task_backend.results
    queued.task.call(*queued.args, **queued.kwargs)
    (message,) = mail.outbox
    assert message.to == ["eva@example.sk"] and message.subject == f"Potvrdenie hlasu: {edition.name}"
    link = re.search(r"https?://\S+/confirm/\S+", message.body).group(0)
    assert message.body == (f"Ďakujeme za hlas pre {a.title} ({edition.name}).\n\nOdkaz platí 1\xa0deň:\n{link}\n")
    assert edition.name in message.alternatives[0][0]  # the HTML part in the edition's branding
    assert Vote.objects.get().email_pending == ""
    client.post(link)
    assert vote_counts(poll) == {a.pk: 1}
    log = EmailLog.objects.get(kind="vote_confirmation", is_test=False)
    assert (log.recipient, log.language, log.status, log.payload) == ("*@example.sk", "sk", EmailStatus.SENT, None)
    assert "eva" not in repr(list(EmailLog.objects.values())).lower()


def test_failed_vote_email_keeps_the_address_only_while_it_is_retried(edition, settings):
    import smtplib
    from unittest import mock

    from award.emails import RETRY_DELAYS, email_retry
    from award.models import EmailLog
    from scoring.vote.tasks import vote_confirmation_email_send

    poll, (a, _b) = open_vote(edition)
    vote = vote_request(poll=poll, request=request_for(poll, a, "eva@example.sk"))
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPException("down")):
        with pytest.raises(smtplib.SMTPException):
            vote_confirmation_email_send.call(vote_id=vote.pk, site_url="https://vote.test/", language="en")
        vote.refresh_from_db()
        log = EmailLog.objects.get(kind="vote_confirmation")
        assert vote.email_pending == "" and log.payload["to"] == "eva@example.sk"  # one place only, for the retries
        for _i in RETRY_DELAYS:
            email_retry.call(log_id=log.pk)
    log.refresh_from_db()
    assert (log.attempts, log.retry_at, log.payload, log.recipient) == (4, None, None, "*@example.sk")
    assert "eva" not in repr(list(EmailLog.objects.values())).lower()
