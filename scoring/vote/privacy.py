"""The public vote's retention rules (stated on the voting page, see templates/scoring/vote/_privacy.html):

- a vote request that was never confirmed is deleted once its link expires (a day);
- network addresses and browser signatures are deleted `network_retention_days` after the
  results are published (they serve the fraud report until then);
- the keyed hashes of the addresses are deleted, and the vote's secret with them, when the
  edition's retention period ends (the ceremony plus the edition's retention days).
The counts, the projects voted for and the email domains stay (they identify nobody)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from award.services import audit_log
from scoring.vote.enums import VoteStatus
from scoring.vote.models import PublicVote, Vote
from scoring.vote.services import CONFIRM_MAX_AGE
from submissions.privacy import retention_ends_at


@dataclass
class Purged:
    pending: int = 0
    network: int = 0
    hashes: int = 0


def network_data_ends_at(poll: PublicVote) -> datetime | None:
    published = poll.edition.results_published_at
    return published + timedelta(days=poll.network_retention_days) if published else None


@transaction.atomic
def vote_data_purge(*, now: datetime | None = None) -> Purged:
    now = now or timezone.now()
    purged = Purged()
    purged.pending = Vote.objects.filter(
        status=VoteStatus.PENDING, created_at__lt=now - timedelta(seconds=CONFIRM_MAX_AGE)
    ).delete()[0]
    for poll in PublicVote.objects.select_related("edition"):
        network_end = network_data_ends_at(poll)
        if network_end is not None and network_end <= now:
            n = poll.votes.exclude(network="", signature="").update(network="", signature="")
            if n:
                purged.network += n
                audit_log(
                    actor=None, action="vote.network_data_deleted", target=poll, edition=poll.edition, data={"votes": n}
                )
        hash_end = retention_ends_at(poll.edition)
        if hash_end is not None and hash_end <= now:
            n = poll.votes.exclude(voter_hash="").update(voter_hash="")
            if n or poll.secret:
                purged.hashes += n
                poll.secret = ""
                poll.save(update_fields=["secret"])
                audit_log(
                    actor=None, action="vote.hashes_deleted", target=poll, edition=poll.edition, data={"votes": n}
                )
    return purged
