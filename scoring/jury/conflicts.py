"""Automatic conflict-of-interest detection.

A juror is conflicted with a project when they work for the applicant or one of its partners,
were nominated to the jury by the applicant or one of its partners (the statute lets partner
organisations nominate jurors; the name is matched by the same rule), share an email domain with
the applicant's team, or (when the edition's rules say so) come from the applicant's country.
Declared and organiser-set conflicts are rows in ConflictOfInterest; the automatic ones are
computed from the data each time, so they follow edits to a profile or an application without
anyone having to remember to re-run a check.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from award.enums import Role
from award.models import Edition, User
from submissions.models import Project

# Addresses at these domains say nothing about an employer: public mailboxes, and the
# reserved example and demo domains that test and demo accounts share.
SHARED_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "azet.sk",
        "centrum.sk",
        "zoznam.sk",
        "post.sk",
        "seznam.cz",
        "email.cz",
        "centrum.cz",
        "post.cz",
        "volny.cz",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "gazeta.pl",
        "freemail.hu",
        "citromail.hu",
        "gmail.hu",
        "t-online.hu",
        "example.org",
        "example.com",
        "example.net",
        "demo.v4award.eu",
    }
)

REASON_ORGANISATION = "organisation"
REASON_PARTNER = "partner"
REASON_NOMINATION = "nomination"
REASON_DOMAIN = "domain"
REASON_COUNTRY = "country"

REASON_LABELS = {
    REASON_ORGANISATION: _("The juror works for the applicant's organisation."),
    REASON_PARTNER: _("The juror works for one of the project's partners."),
    REASON_NOMINATION: _("The juror was nominated by the applicant's organisation or one of the project's partners."),
    REASON_DOMAIN: _("The juror's email address is at the same domain as the project team's."),
    REASON_COUNTRY: _("The juror comes from the applicant's country (edition rule)."),
}


def shared_domains() -> frozenset[str]:
    return SHARED_EMAIL_DOMAINS | frozenset(d.lower() for d in getattr(settings, "CONFLICT_SHARED_EMAIL_DOMAINS", ()))


def _domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def project_domains(project: Project, team_emails: Iterable[str], ignore: frozenset[str]) -> set[str]:
    domains = {_domain(e) for e in [project.owner.email, *team_emails] if e}
    return {d for d in domains if d and d not in ignore}


def nominating_organisation(juror: User, edition: Edition) -> str:
    """The partner organisation that nominated the juror in the edition, "" if none."""
    from award.models import EditionRole

    nominations = EditionRole.objects.filter(edition=edition, user=juror, role=Role.JUROR)
    return nominations.values_list("nominated_by", flat=True).first() or ""


def organisation_match(name: str, project: Project) -> str | None:
    """REASON_ORGANISATION when `name` is the applicant organisation's, REASON_PARTNER when it is
    one of the project's partners, else None; the one matching rule for people and nominators."""
    organisation = _norm(name or "")
    if organisation and organisation == _norm(project.organisation_name or ""):
        return REASON_ORGANISATION
    if organisation and len(organisation) >= 4:
        partners = [_norm(line) for line in (project.partners or "").replace(";", "\n").splitlines()]
        # Whole words only: "Organisation 3" is not a partner called "Organisation 37".
        pattern = re.compile(r"(?<!\w)" + re.escape(organisation) + r"(?!\w)")
        if any(organisation == p or (len(organisation) >= 8 and pattern.search(p)) for p in partners if p):
            return REASON_PARTNER
    return None


def automatic_conflict_reason(
    *,
    juror: User,
    project: Project,
    edition: Edition,
    domains: set[str] | None = None,
    ignore: frozenset[str] | None = None,
    nominated_by: str | None = None,
) -> str | None:
    """The first automatic reason why `juror` may not score `project`, or None.

    `domains` are the project team's email domains (computed when not given: pass them in
    loops, together with `ignore`, to avoid a query per pair); `nominated_by` is the
    organisation that nominated the juror in the edition (read from the juror's roles when
    not given)."""
    if ignore is None:
        ignore = shared_domains()
    reason = organisation_match(juror.organisation, project)
    if reason is not None:
        return reason
    if nominated_by is None:
        nominated_by = nominating_organisation(juror, edition)
    if nominated_by and organisation_match(nominated_by, project) is not None:
        return REASON_NOMINATION
    if domains is None:
        if "team" in getattr(project, "_prefetched_objects_cache", {}):
            emails = [member.email for member in project.team.all()]  # the scoring page prefetches it
        else:
            emails = project.team.values_list("email", flat=True)
        domains = project_domains(project, emails, ignore)
    juror_domain = _domain(juror.email)
    if juror_domain and juror_domain not in ignore and juror_domain in domains:
        return REASON_DOMAIN
    if edition.same_country_conflict and juror.country and juror.country == project.country:
        return REASON_COUNTRY
    return None
