"""The audit log and a project's history as sentences in the reader's language
("Olga Organizátorová marked the application “Smart benches” eligible"), not as action codes.

Every action code that `audit_log` is called with in the codebase has a sentence here
(tests/award/test_audit_text.py greps the code for them); a code without one (a newer feature's,
an old entry's) still reads as words: its code made readable, with who did it and to what."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.models import AuditEntry

# %(actor)s is the person's name, %(object)s what the entry is about (quoted by the sentence).
SENTENCES = {
    "account.data_exported": gettext_lazy("%(actor)s downloaded a copy of their personal data"),
    "account.deleted": gettext_lazy("%(actor)s deleted their account"),
    "api_token.create": gettext_lazy("%(actor)s created the API token “%(object)s”"),
    "api_token.revoke": gettext_lazy("%(actor)s revoked the API token “%(object)s”"),
    "assignment.add": gettext_lazy("%(actor)s added the assignment “%(object)s”"),
    "assignment.finalise": gettext_lazy("%(actor)s finalised the review “%(object)s”"),
    "assignment.recuse": gettext_lazy("%(actor)s stepped back from the review “%(object)s” (recusal)"),
    "assignment.remove": gettext_lazy("%(actor)s removed the assignment “%(object)s”"),
    "assignment.reopen": gettext_lazy("%(actor)s reopened the review “%(object)s”"),
    "assignments.generate": gettext_lazy("%(actor)s generated the assignments of “%(object)s”"),
    "briefing.acknowledge": gettext_lazy("%(actor)s confirmed reading the jury briefing"),
    "categories.apply_template": gettext_lazy("%(actor)s applied a set of categories to “%(object)s”"),
    "certificate.revoked": gettext_lazy("%(actor)s revoked the certificate “%(object)s”"),
    "certificates.batch_started": gettext_lazy("%(actor)s started preparing certificates"),
    "certificates.issued": gettext_lazy("%(actor)s issued certificates"),
    "certificates.emailed": gettext_lazy("%(actor)s emailed the certificates to their recipients"),
    "email.resend": gettext_lazy("%(actor)s sent a failed email of “%(object)s” again"),
    "email_template.save": gettext_lazy("%(actor)s changed the email “%(object)s”"),
    "email_template.reset": gettext_lazy("%(actor)s put an email of “%(object)s” back to its default text"),
    "results.special_award_titles_set": gettext_lazy("%(actor)s translated the special award of “%(object)s”"),
    "conflict.automatic": gettext_lazy("%(actor)s recorded a conflict of interest found automatically: “%(object)s”"),
    "conflict.declared": gettext_lazy("%(actor)s declared a conflict of interest: “%(object)s”"),
    "conflict.organiser": gettext_lazy("%(actor)s set a conflict of interest: “%(object)s”"),
    "edition.anonymised": gettext_lazy("%(actor)s anonymised the edition “%(object)s”"),
    "edition.briefing_update": gettext_lazy("%(actor)s changed the jury briefing of “%(object)s”"),
    "edition.copied_to": gettext_lazy("%(actor)s copied the edition “%(object)s” into a new one"),
    "edition.copy": gettext_lazy("%(actor)s created the edition “%(object)s” as a copy of an earlier one"),
    "edition.create": gettext_lazy("%(actor)s created the edition “%(object)s”"),
    "edition.method_migrated": gettext_lazy("%(actor)s switched “%(object)s” to the calibrated score"),
    "juror.accept": gettext_lazy("%(actor)s accepted the invitation to the jury"),
    "juror.chair": gettext_lazy("%(actor)s appointed “%(object)s” as jury chair"),
    "juror.unchair": gettext_lazy("%(actor)s removed “%(object)s” as jury chair"),
    "juror.invite": gettext_lazy("%(actor)s invited “%(object)s” to the jury"),
    "juror.nomination": gettext_lazy("%(actor)s recorded who nominated the juror “%(object)s”"),
    "juror.save": gettext_lazy("%(actor)s saved the juror “%(object)s”"),
    "jurors.import": gettext_lazy("%(actor)s imported jurors into “%(object)s”"),
    "jurors.invite_pending": gettext_lazy("%(actor)s sent the pending jury invitations of “%(object)s”"),
    "jurors.remind": gettext_lazy("%(actor)s reminded the jurors of “%(object)s”"),
    "project.created": gettext_lazy("%(actor)s started the application “%(object)s”"),
    "project.eligible": gettext_lazy("%(actor)s marked the application “%(object)s” eligible"),
    "project.ineligible": gettext_lazy("%(actor)s marked the application “%(object)s” not eligible"),
    "project.reopened": gettext_lazy("%(actor)s reopened the application “%(object)s” as a draft for the team"),
    "project.reopened_by_team": gettext_lazy("%(actor)s took the application “%(object)s” back as a draft"),
    "project.submitted": gettext_lazy("%(actor)s submitted the application “%(object)s”"),
    "project.withdrawn": gettext_lazy("%(actor)s withdrew the application “%(object)s”"),
    "results.final_round_prepared": gettext_lazy("%(actor)s prepared the final round “%(object)s”"),
    "results.finalist_added": gettext_lazy("%(actor)s added “%(object)s” to the finalists"),
    "results.finalist_removed": gettext_lazy("%(actor)s removed “%(object)s” from the finalists"),
    "results.finalists_cleared": gettext_lazy("%(actor)s cleared the finalists of “%(object)s”"),
    "results.finalists_selected": gettext_lazy("%(actor)s selected the finalists of “%(object)s”"),
    "results.published": gettext_lazy("%(actor)s published the results of “%(object)s”"),
    "meeting.decision_recorded": gettext_lazy("%(actor)s recorded the jury meeting's decision on “%(object)s”"),
    "meeting.names_shown": gettext_lazy("%(actor)s showed the jurors' names at the jury meeting on “%(object)s”"),
    "meeting.veto": gettext_lazy("%(actor)s vetoed the decision on “%(object)s”"),
    "ballot.cast": gettext_lazy("%(actor)s cast a ranked ballot (“%(object)s”)"),
    "ballot.changed": gettext_lazy("%(actor)s changed a ranked ballot (“%(object)s”)"),
    "results.ballot_tie_decided": gettext_lazy("%(actor)s decided the ballot's tie for “%(object)s”"),
    "ceremony.cues_saved": gettext_lazy("%(actor)s saved the ceremony notes of “%(object)s”"),
    "ceremony.sponsor_added": gettext_lazy("%(actor)s added the ceremony slide of “%(object)s”"),
    "ceremony.sponsor_moved": gettext_lazy("%(actor)s moved the ceremony slide of “%(object)s”"),
    "ceremony.sponsor_removed": gettext_lazy("%(actor)s removed the ceremony slide of “%(object)s”"),
    "results.publication_scheduled": gettext_lazy("%(actor)s scheduled the publication of the results of “%(object)s”"),
    "results.round_frozen": gettext_lazy("%(actor)s froze the results of “%(object)s”"),
    "results.sealed_by_migration": gettext_lazy("%(actor)s sealed the results of “%(object)s” during an upgrade"),
    "results.special_award_removed": gettext_lazy("%(actor)s removed the special award of “%(object)s”"),
    "results.special_award_set": gettext_lazy("%(actor)s gave “%(object)s” a special award"),
    "results.cross_award_given": gettext_lazy(
        "%(actor)s gave “%(object)s” a special award ranked across the categories"
    ),
    "results.unpublished": gettext_lazy("%(actor)s withdrew the published results of “%(object)s”"),
    "results.winner_overridden": gettext_lazy(
        "%(actor)s chose “%(object)s” as the winner instead of the ranking’s first"
    ),
    "results.winner_selected": gettext_lazy("%(actor)s selected “%(object)s” as the winner"),
    "rubric.apply_template": gettext_lazy("%(actor)s applied a set of criteria to “%(object)s”"),
    "setup.basics": gettext_lazy("%(actor)s changed the basic settings of “%(object)s”"),
    "setup.branding": gettext_lazy("%(actor)s changed the branding of “%(object)s”"),
    "setup.call_open": gettext_lazy("%(actor)s opened the call for applications of “%(object)s”"),
    "setup.categories": gettext_lazy("%(actor)s changed the categories of “%(object)s”"),
    "setup.criteria.reorder": gettext_lazy("%(actor)s changed the order of the criteria of “%(object)s”"),
    "setup.criterion.add": gettext_lazy("%(actor)s added the criterion “%(object)s”"),
    "setup.criterion.change": gettext_lazy("%(actor)s changed the criterion “%(object)s”"),
    "setup.criterion.remove": gettext_lazy("%(actor)s removed the criterion “%(object)s”"),
    "setup.rounds": gettext_lazy("%(actor)s changed the rounds and rules of “%(object)s”"),
    "setup.signatories": gettext_lazy("%(actor)s changed the certificate signatories of “%(object)s”"),
    "two_factor.disable": gettext_lazy("%(actor)s turned off two-factor authentication"),
    "two_factor.enable": gettext_lazy("%(actor)s turned on two-factor authentication"),
    "user.signed_up": gettext_lazy("%(actor)s signed up"),
    "vote.configured": gettext_lazy("%(actor)s set up the public vote “%(object)s”"),
    "vote.hashes_deleted": gettext_lazy("%(actor)s deleted the voters’ email fingerprints of “%(object)s”"),
    "vote.network_data_deleted": gettext_lazy("%(actor)s deleted the voters’ network data of “%(object)s”"),
    "vote.prize_awarded": gettext_lazy("%(actor)s awarded the audience prize of “%(object)s”"),
    "vote.voided": gettext_lazy("%(actor)s voided votes in “%(object)s”"),
}

# Codes whose sentence depends on what the entry records.
ELIGIBILITY = "project.eligibility"
# Reasons that services record as codes rather than as a person's words.
REASONS = {"account_deleted": gettext_lazy("The account was deleted.")}


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    sentence: str
    reason: str


def _sentence_key(entry: AuditEntry) -> str:
    if entry.action == ELIGIBILITY:
        return "project.eligible" if (entry.data or {}).get("to") == "eligible" else "project.ineligible"
    return entry.action


def _object(entry: AuditEntry) -> str:
    data = entry.data or {}
    return entry.target_repr or str(data.get("name") or data.get("title") or "") or _("(not named)")


def audit_sentence(entry: AuditEntry) -> str:
    """One entry as a sentence in the active language. The actor is the person's name (or "The
    system" for work nobody started, such as scheduled deletions and upgrades)."""
    actor = entry.actor.display_name if entry.actor_id and entry.actor else _("The system")
    template = SENTENCES.get(_sentence_key(entry))
    values = {"actor": actor, "object": _object(entry)}
    if template is not None:
        return str(template) % values
    what = entry.action.replace(".", " ").replace("_", " ").strip() or "?"
    return _("%(actor)s: %(what)s (“%(object)s”)") % {**values, "what": what}


def _reason(entry: AuditEntry) -> str:
    reason = (entry.data or {}).get("reason") or ""
    return str(REASONS.get(reason, reason)) if isinstance(reason, str) else str(reason)


def audit_sentences(entries: Iterable[AuditEntry]) -> list[AuditLine]:
    """Entries (with their actor selected) as lines for a page: the sentence and the reason given."""
    return [AuditLine(entry=entry, sentence=audit_sentence(entry), reason=_reason(entry)) for entry in entries]
