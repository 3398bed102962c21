"""The demo: a realistic, deterministic 'V4 Smart Project Award' for trying the system, seen on
the day it is seeded as a real award could be on that day, so that every role has work to do:

- 2025, finished: the call, two rounds, finalists and winners chosen from the ranking, the
  ceremony held about ten months ago, results public, certificates issued;
- 2026, being judged: the call closed a month ago, round 1 is open with about 70 % of the
  reviews finalised and the rest open (the printed juror has open work), the ceremony ahead;
- 2027, the call is open: a few applications already submitted, the applicant's draft, and a
  new visitor can sign up, apply and submit.

Everything random comes from seeded generators, so two runs on two machines give the same
projects, jurors, conflicts and scores; only the dates follow the day the demo is created (in
the editions' time zone).
"""

import random
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from award.enums import AggregationMethod, Country, Language, OrganisationType, Role, RoundKind
from award.models import Category, Criterion, Edition, EditionRole, EmailLog, Round, User
from award.rubric_templates import V4_CRITERIA
from demo import i18n as demo_i18n
from demo.content import (
    CATEGORIES,
    CRITERION_SPREAD,
    DESCRIPTION,
    JUROR_LENIENCY_SD,
    JURORS,
    ORG_TEMPLATES,
    OVERALL_COMMENTS,
    PLACES,
    PLANTED_LENIENCY,
    REVIEW_SPREAD,
    SIGNATORIES,
    TITLES,
    WHAT_IT_DOES,
)
from demo.i18n import translated
from reports.services import certificates_issue
from scoring.enums import AssignmentStatus, ConflictSource, ResultKind
from scoring.jury.jurors import jury_chair_set
from scoring.models import Assignment, BriefingAcknowledgement, ConflictOfInterest, Result, Score
from scoring.ranking.analysis import round_analysis
from scoring.results.seal import SIGN_OFF_TEXT, snapshot_store
from scoring.results.services import round_freeze
from scoring.vote.checks import voter_hash
from scoring.vote.enums import Standing, VoteStatus
from scoring.vote.models import PublicVote, Vote
from submissions.enums import ProjectStatus
from submissions.models import Project, TeamMember
from submissions.services import edition_reference_counter_sync

DEMO_SLUG = "v4-smart-project-award-2026"  # the edition being judged
PAST_SLUG = "v4-smart-project-award-2025"  # finished, results public
NEXT_SLUG = "v4-smart-project-award-2027"  # the call is open
DEMO_SLUGS = (PAST_SLUG, DEMO_SLUG, NEXT_SLUG)
DEMO_TIMEZONE = "Europe/Bratislava"
DEMO_PASSWORD = "award-demo-2026"  # noqa: S105 (printed demo login)
ADMIN_EMAIL = "admin@demo.v4award.eu"
ORGANISER_EMAIL = "organiser@demo.v4award.eu"
APPLICANT_EMAIL = "applicant@demo.v4award.eu"
JUROR_EMAIL = "juror1@demo.v4award.eu"
# The jury chair of the edition being judged (not the printed juror, whose login shows a juror's
# pages only): sits on the panels of the second and third categories and runs their meetings.
CHAIR_EMAIL = "juror2@demo.v4award.eu"
JURORS_PER_PROJECT = 3


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    name: str
    slug: str
    stage: str
    categories: int
    criteria: int
    rounds: int
    projects: int
    jurors: int
    assignments: int
    completed_assignments: int
    scores: int
    conflicts: int
    results: int = 0
    certificates: int = 0

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed_assignments / self.assignments) if self.assignments else 0


STAGES = {
    PAST_SLUG: "finished, results public",
    DEMO_SLUG: "jury at work",
    NEXT_SLUG: "call open",
}


def demo_summary(edition: Edition, *, created: bool) -> DemoSummary:
    assignments = Assignment.objects.filter(round__edition=edition)
    return DemoSummary(
        created=created,
        name=edition.name,
        slug=edition.slug,
        stage=STAGES.get(edition.slug, ""),
        categories=edition.categories.count(),
        criteria=edition.criteria.count(),
        rounds=edition.rounds.count(),
        projects=edition.projects.count(),
        jurors=edition.roles.filter(role=Role.JUROR).count(),
        assignments=assignments.count(),
        completed_assignments=assignments.filter(status=AssignmentStatus.COMPLETED).count(),
        scores=Score.objects.filter(assignment__round__edition=edition).count(),
        conflicts=edition.conflicts.count(),
        results=edition.results.count(),
        certificates=edition.certificates.count(),
    )


def _user(email: str, password_hash: str, **fields) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # Hashing once for all demo accounts keeps the seed fast (the hasher is slow on purpose).
        user = User.objects.create(email=email, password=password_hash, **fields)
    return user


def _step(value: float, lo: int = 0, hi: int = 10) -> Decimal:
    return Decimal(max(lo, min(hi, round(value))))


def _at(day: datetime, days: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """`days` from the seeding day at a wall-clock time of the edition's time zone."""
    return (day + timedelta(days=days)).replace(hour=hour, minute=minute, second=second)


def _in_five(field: str, texts: dict[str, str]) -> dict[str, str]:
    """Model keyword arguments for a translated field from its text in each language: the plain
    field takes English, name_sk=… the others."""
    return {field: texts["en"], **translated(field, {code: text for code, text in texts.items() if code != "en"})}


def _signatories() -> list[dict]:
    """The certificates' signatories as the set-up's signatories page stores them
    (award.setup.services.signatories_save): `title` in English, `titles` in every language."""
    people = []
    for name, title in SIGNATORIES:
        titles = {"en": title, **demo_i18n.SIGNATORY_TITLES[title]}
        people.append({"name": name, "title": title, "titles": titles, "image": ""})
    return people


def _edition_create(*, year: int, slug: str, today: datetime, opens: int, closes: int, ceremony: int) -> Edition:
    """An edition whose call opens and closes, and whose ceremony is held, that many days from
    the seeding day; the results are published at 21:00 on the ceremony's day."""
    return Edition.objects.create(
        name=f"V4 Smart Project Award {year}",
        **translated("name", {code: f"{award} {year}" for code, award in demo_i18n.AWARD_NAME.items()}),
        slug=slug,
        year=year,
        description=DESCRIPTION,
        **translated("description", demo_i18n.DESCRIPTION),
        timezone=DEMO_TIMEZONE,
        submissions_open_at=_at(today, opens, 9),
        submissions_close_at=_at(today, closes, 23, 59, 59),
        ceremony_at=_at(today, ceremony, 18),
        ceremony_place="Bratislava, Slovakia",
        **translated("ceremony_place", demo_i18n.CEREMONY_PLACE),
        results_published_at=_at(today, ceremony, 21),
        signatories=_signatories(),
        jurors_per_project=JURORS_PER_PROJECT,
        aggregation_method=AggregationMethod.CALIBRATED,
        call_opened_at=today,
    )


def _rubric_create(
    edition: Edition, today: datetime, rounds: int
) -> tuple[list[Category], list[Criterion], list[Round]]:
    """Categories, criteria and two rounds: round 1 opens `rounds` - 20 days from the seeding day
    for 30 days, the final round opens 15 days after round 1 closes, for two weeks."""
    categories = [
        Category.objects.create(
            edition=edition,
            slug=slug,
            name=name,
            description=desc,
            finalists_count=n,
            position=i,
            **translated("name", demo_i18n.CATEGORY_NAMES[slug]),
            **translated("description", demo_i18n.CATEGORY_DESCRIPTIONS[slug]),
        )
        for i, (slug, name, desc, n) in enumerate(CATEGORIES)
    ]
    # The V4 award's rubric template: names, guidance and level descriptors in five languages.
    criteria = [
        Criterion.objects.create(
            edition=edition,
            weight=item.weight,
            min_value=item.min_value,
            max_value=item.max_value,
            step=item.step,
            position=i,
            **_in_five("name", item.name),
            **_in_five("guidance", item.guidance),
            **_in_five("level_descriptors", item.levels),
        )
        for i, item in enumerate(V4_CRITERIA)
    ]
    rounds = [
        Round.objects.create(
            edition=edition,
            number=1,
            name="Round 1: shortlist",
            kind=RoundKind.SHORTLIST,
            **translated("name", demo_i18n.ROUND_NAMES[1]),
            scoring_opens_at=_at(today, rounds - 20, 9),
            scoring_closes_at=_at(today, rounds + 10, 23, 59),
        ),
        Round.objects.create(
            edition=edition,
            number=2,
            name="Round 2: final",
            kind=RoundKind.FINAL,
            **translated("name", demo_i18n.ROUND_NAMES[2]),
            scoring_opens_at=_at(today, rounds + 15, 9),
            scoring_closes_at=_at(today, rounds + 30, 23, 59),
        ),
    ]
    return categories, criteria, rounds


def _juror_roles(edition: Edition, categories: list[Category], jurors: list[User]) -> list[tuple[User, set[int]]]:
    panels = []
    for i, juror in enumerate(jurors, start=1):
        role = EditionRole.objects.create(edition=edition, user=juror, role=Role.JUROR)
        # Each juror sits on two neighbouring category panels (1+2, 2+3, 3+4, 4+1), so every
        # panel has six members and the panels overlap in a ring: the judging plan is connected,
        # which lets the calibrated ranking compare jurors across categories.
        panel = [categories[(i - 1) % 4], categories[i % 4]]
        role.panels.set(panel)
        role.expertise.set(panel[:1])
        panels.append((juror, {c.pk for c in panel}))
    # The demo's jurors have read the jury briefing (issue 18), so they can score at once.
    BriefingAcknowledgement.objects.bulk_create([BriefingAcknowledgement(edition=edition, juror=j) for j in jurors])
    return panels


def _project(
    edition: Edition,
    category: Category,
    owner: User,
    number: int,
    j: int,
    title_base: str,
    rng: random.Random,
    *,
    status: str,
    submitted_at: datetime,
    today: datetime,
) -> Project:
    country = list(Country)[number % 4]
    place = rng.choice(PLACES[country])
    org_template, org_type = ORG_TEMPLATES[(number * 7 + j) % len(ORG_TEMPLATES)]
    org_name = org_template.format(place=place)
    start = (today - timedelta(days=rng.randint(400, 1400))).date()
    project = Project.objects.create(
        edition=edition,
        category=category,
        owner=owner,
        reference=f"{edition.reference_prefix}-{edition.year}-{number:04d}",
        status=status,
        organisation_name=org_name,
        organisation_type=org_type,
        country=country,
        city_region=place,
        title=f"{title_base} in {place}",
        summary=(
            f"{WHAT_IT_DOES[title_base]} {org_name} built it for the residents of {place}. "
            "The project was designed with citizens, runs on open standards and is ready to be adopted "
            "by other municipalities in the V4 region."
        ),
        problem=f"Residents of {place} lacked timely information and services; the old process was slow, paper-based and expensive.",
        solution=f"{title_base}, built on open data and open-source components and integrated with existing municipal systems.",
        results=f"Within a year {rng.randint(5, 60)} % more residents used the service and processing times fell by {rng.randint(20, 70)} %.",
        innovation="First deployment of its kind in the country; combines sensor data with citizen feedback.",
        citizen_involvement=f"{rng.randint(3, 25)} public workshops, an online consultation and a citizen testing panel.",
        sustainability="Operated by the municipality's IT department from its regular budget; documentation and code are public.",
        budget_eur=Decimal(rng.randrange(20_000, 2_500_000, 500)),
        funding_sources="Municipal budget, EU structural funds, regional co-financing.",
        start_date=start,
        end_date=start + timedelta(days=rng.randint(180, 720)),
        website=f"https://example.org/{edition.year}/{category.slug}/{number}",
        partners="Local university; regional development agency; a technology SME.",
        consent_rules=True,
        consent_privacy=True,
        submitted_at=submitted_at,
    )
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                project=project,
                name=f"{owner.get_full_name()}",
                role="Project lead",
                email=owner.email,
                is_contact=True,
            ),
            TeamMember(project=project, name=f"Expert {number:02d}", role="Technical lead", position=1),
        ]
    )
    return project


def _team_project(
    edition,
    category,
    number: int,
    j: int,
    title_base: str,
    rng,
    *,
    tag: str,
    applicant: User | None,
    password_hash: str,
    today: datetime,
) -> Project:
    """An eligible, submitted application of a demo team (or of the printed applicant)."""
    owner = applicant or _user(
        f"team{tag}{number:02d}@demo.v4award.eu",
        password_hash,
        first_name="Team",
        last_name=f"{tag}{number:02d}",
        country=list(Country)[number % 4],
    )
    submitted = edition.submissions_close_at - timedelta(days=rng.randint(1, 40))
    return _project(
        edition, category, owner, number, j, title_base, rng,
        status=ProjectStatus.ELIGIBLE, submitted_at=submitted, today=today,
    )  # fmt: skip


def _reviews_write(
    planned: list[Assignment],
    assignments: list[Assignment],
    criteria: list[Criterion],
    rnd: Round,
    rng: random.Random,
    *,
    quality: dict[int, float],
    leniency: dict[int, float],
    done: int,
    started: int,
    today: datetime,
) -> None:
    """Score the first `done` of `assignments` (the order of reviewing) fully and finalise them,
    start the next `started`, and store `planned` (the same, in the order of the plan). They are not saved yet: their state goes in with the INSERT (a
    bulk_update afterwards took longer than the rest of the seed)."""
    scores: list[tuple[Assignment, Criterion, Decimal]] = []
    # Reviews happen inside the round's window and before the seeding day (from the day, not the
    # clock, so that the scores do not depend on the hour of seeding).
    span = max(1, (min(rnd.scoring_closes_at, today) - rnd.scoring_opens_at).days)
    for index, assignment in enumerate(assignments):
        if index >= done + started:
            continue
        finished = index < done
        chosen = criteria if finished else criteria[: rng.randint(2, 6)]
        spread = [rng.gauss(0, CRITERION_SPREAD) for _criterion in chosen]
        impression = quality[assignment.project_id] + leniency[assignment.juror_id] + rng.gauss(0, REVIEW_SPREAD)
        for criterion, noise in zip(chosen, spread, strict=True):
            scores.append((assignment, criterion, _step(impression + noise)))
        when = rnd.scoring_opens_at + timedelta(days=rng.randint(1, span), hours=rng.randint(0, 10))
        assignment.started_at = when
        assignment.version = 1
        if finished:
            assignment.status = AssignmentStatus.COMPLETED
            assignment.finalised_at = when + timedelta(minutes=rng.randint(15, 90))
            assignment.overall_comment = rng.choice(OVERALL_COMMENTS)
        else:
            assignment.status = AssignmentStatus.IN_PROGRESS
    # bulk_create sets the primary keys on SQLite and PostgreSQL, which the scores need.
    Assignment.objects.bulk_create(planned)
    Score.objects.bulk_create(
        [Score(assignment=a, criterion=criterion, value=value, comment="") for a, criterion, value in scores]
    )


def _leniencies(panels: list[tuple[User, set[int]]], rng: random.Random) -> dict[int, float]:
    """Each juror's leniency by juror id (demo.content: a real jury with one planted lenient and
    one planted harsh juror). Every juror draws, so the planted ones do not shift the others."""
    drawn = {juror.pk: rng.gauss(0, JUROR_LENIENCY_SD) for juror, _ in panels}
    for number, (juror, _) in enumerate(panels, start=1):
        drawn[juror.pk] = PLANTED_LENIENCY.get(number, drawn[juror.pk])
    return drawn


def _by_calibrated_score(rnd: Round, projects: list[Project]) -> dict[int, list[Project]]:
    """Per category id, its projects in the round best first by the calibrated score (the demo's
    official method; every review is finalised in the rounds this is used for)."""
    by_id = {p.pk: p for p in projects}
    return {
        category_id: [by_id[pk] for pk in entry["projects"]]
        for category_id, entry in round_analysis(rnd).categories.items()
    }


def _shortlist_assign(
    rnd: Round,
    projects: list[Project],
    jurors: list[tuple[User, set[int]]],
    conflicts: set[tuple[int, int]],
    rng: random.Random,
) -> list[Assignment]:
    # Each project gets three panel jurors without conflicts, the least loaded first.
    load = {juror.pk: 0 for juror, _ in jurors}
    assignments: list[Assignment] = []
    for project in projects:
        candidates = [
            juror
            for juror, panels in jurors
            if project.category_id in panels and (juror.pk, project.pk) not in conflicts
        ]
        candidates.sort(key=lambda juror: (load[juror.pk], rng.random()))
        for juror in candidates[:JURORS_PER_PROJECT]:
            load[juror.pk] += 1
            assignments.append(Assignment(round=rnd, project=project, juror=juror))
    return assignments


def _past_seed(*, today: datetime, password_hash: str, organiser: User, applicant: User, jurors: list[User]) -> Edition:
    """Last year's edition, finished: both rounds scored, finalists and winners chosen by the
    ranking's rules, a special award, results public since the ceremony, certificates issued."""
    rng = random.Random(2025)
    edition = _edition_create(year=2025, slug=PAST_SLUG, today=today, opens=-455, closes=-395, ceremony=-320)
    categories, criteria, (round1, round2) = _rubric_create(edition, today, -365)
    EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)
    panels = _juror_roles(edition, categories, jurors)

    projects: list[Project] = []
    number = 0
    for category in categories:
        for j, title_base in enumerate(reversed(TITLES[category.slug][:6])):
            number += 1
            projects.append(
                _team_project(
                    edition, category, number, j, title_base, rng,
                    tag="2025-", applicant=applicant if number == 2 else None,
                    password_hash=password_hash, today=today,
                )
            )  # fmt: skip
    Project.objects.create(
        edition=edition,
        category=categories[1],
        owner=_user("team2025-25@demo.v4award.eu", password_hash, first_name="Team", last_name="2025-25"),
        reference=f"{edition.reference_prefix}-{edition.year}-0025",
        status=ProjectStatus.INELIGIBLE,
        ineligibility_reason="The project has not started yet; the rules require results.",
        organisation_name="Obec Veľká Lehota",
        organisation_type=OrganisationType.MUNICIPALITY,
        country=Country.SLOVAKIA,
        city_region="Veľká Lehota",
        title="Village wifi plan",
        summary="A plan for free wifi on the village square.",
        consent_rules=True,
        consent_privacy=True,
        submitted_at=edition.submissions_close_at - timedelta(days=3),
    )
    edition_reference_counter_sync(edition=edition)

    quality = {p.pk: rng.uniform(3.5, 8.5) for p in projects}
    # The printed applicant's project won its category, so that login has a certificate to show.
    quality[projects[1].pk] = 9.3
    leniency = _leniencies(panels, rng)
    first = _shortlist_assign(round1, projects, panels, set(), rng)
    _reviews_write(
        first, first, criteria, round1, rng, quality=quality, leniency=leniency, done=len(first), started=0, today=today
    )

    results: list[Result] = []
    finalists: dict[int, list[Project]] = {}
    ranked = _by_calibrated_score(round1, projects)
    for category in categories:
        chosen = ranked[category.pk][: category.finalists_count]
        finalists[category.pk] = chosen
        results += [
            Result(
                edition=edition,
                category=category,
                round=round1,
                project=p,
                kind=ResultKind.FINALIST,
                created_by=organiser,
            )
            for p in chosen
        ]
    # The final round: the whole category panel scores each finalist.
    final = [
        Assignment(round=round2, project=project, juror=juror)
        for category in categories
        for project in finalists[category.pk]
        for juror, juror_panels in panels
        if category.pk in juror_panels
    ]
    _reviews_write(
        final, final, criteria, round2, rng, quality=quality, leniency=leniency, done=len(final), started=0, today=today
    )
    ranked = _by_calibrated_score(round2, projects)
    for category in categories:
        results.append(
            Result(
                edition=edition,
                category=category,
                round=round2,
                project=ranked[category.pk][0],
                kind=ResultKind.WINNER,
                created_by=organiser,
            )
        )
    special = next(p for p in projects if p.category_id == categories[2].pk and p not in finalists[categories[2].pk])
    results.append(
        Result(
            edition=edition,
            category=special.category,
            project=special,
            kind=ResultKind.SPECIAL,
            created_by=organiser,
            title="Citizens' choice",
            citation="For the service that residents themselves asked the jury to look at.",
        )
    )
    Result.objects.bulk_create(results)
    # Frozen and published through the services' sealing, so the demo's published numbers are
    # sealed like real ones (issue 15): a snapshot per round and one for the publication.
    for rnd in edition.rounds.order_by("number"):
        round_freeze(round=rnd, actor=organiser, signed_off=True)
    snapshot_store(edition=edition, round=None, actor=organiser, sign_off=SIGN_OFF_TEXT)
    certificates_issue(
        edition=edition, kinds=["winner", "finalist", "special", "participant", "juror"], actor=organiser
    )
    return edition


def _current_seed(
    *, today: datetime, password_hash: str, organiser: User, applicant: User, jurors: list[User]
) -> Edition:
    """This year's edition, being judged: the call closed 30 days ago, round 1 is open."""
    rng = random.Random(2026)
    edition = _edition_create(year=2026, slug=DEMO_SLUG, today=today, opens=-90, closes=-30, ceremony=45)
    categories, criteria, (round1, _round2) = _rubric_create(edition, today, 0)
    EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)
    panels = _juror_roles(edition, categories, jurors)
    # The statute gives the jury chair a veto (as the Czech Chytrá radnice competition does), and
    # the organiser appoints the chair through the service, audited like a real appointment.
    Edition.objects.filter(pk=edition.pk).update(chair_veto=True)
    edition.chair_veto = True
    chair = EditionRole.objects.get(edition=edition, user__email=CHAIR_EMAIL, role=Role.JUROR)
    # A fresh user object: the one passed in holds the roles it had when last year was sealed.
    jury_chair_set(actor=User.objects.get(pk=organiser.pk), role=chair, is_chair=True)

    projects: list[Project] = []
    number = 0
    for category in categories:
        for j, title_base in enumerate(TITLES[category.slug]):
            number += 1
            projects.append(
                _team_project(
                    edition, category, number, j, title_base, rng,
                    tag="", applicant=applicant if number == 5 else None,
                    password_hash=password_hash, today=today,
                )
            )  # fmt: skip

    # A few applications that did not make it to scoring, so that screening has something to show.
    extra = [
        ("Smart bench pilot", ProjectStatus.INELIGIBLE, "The project has not started yet; the rules require results."),
        ("Municipal e-newsletter", ProjectStatus.INELIGIBLE, "The applicant's country is not eligible."),
        ("Digital noticeboard for villages", ProjectStatus.SUBMITTED, ""),
    ]
    for title, status, reason in extra:
        number += 1
        Project.objects.create(
            edition=edition,
            category=categories[number % 4],
            owner=_user(
                f"team{number:02d}@demo.v4award.eu", password_hash, first_name="Team", last_name=f"{number:02d}"
            ),
            reference=f"{edition.reference_prefix}-{edition.year}-{number:04d}",
            status=status,
            ineligibility_reason=reason,
            organisation_name="Obec Malá Lehota",
            organisation_type=OrganisationType.MUNICIPALITY,
            country=Country.SLOVAKIA,
            city_region="Malá Lehota",
            title=title,
            summary="A small municipality's first digital project.",
            consent_rules=True,
            consent_privacy=True,
            submitted_at=edition.submissions_close_at - timedelta(days=2),
        )
    # The references above were written directly: the counter must follow them, or the next
    # reference issued (an organiser reopening an application, say) would collide.
    edition_reference_counter_sync(edition=edition)

    # Conflicts of interest: a juror from the applicant's organisation, and some declared ones.
    conflicts: set[tuple[int, int]] = set()
    for juror, _panels in panels:
        for project in projects:
            if juror.organisation and juror.organisation == project.organisation_name:
                conflicts.add((juror.pk, project.pk))
    declared = rng.sample(
        [(j.pk, p.pk) for j, juror_panels in panels for p in projects if p.category_id in juror_panels], 6
    )
    conflicts.update(declared)
    for juror_id, project_id in sorted(conflicts):
        ConflictOfInterest.objects.create(
            edition=edition,
            juror_id=juror_id,
            project_id=project_id,
            source=ConflictSource.DECLARED,
            reason="Former colleague of the project lead.",
        )
    assignments = _shortlist_assign(round1, projects, panels, conflicts, rng)

    # Scores: each project has a latent quality, each juror a leniency; about 70 % of the
    # reviews are finalised and a further 10 % are in progress.
    quality = {p.pk: rng.uniform(3.5, 8.5) for p in projects}
    leniency = _leniencies(panels, rng)
    # Reviews are finished project by project (in a random project order), so that most
    # projects are fully reviewed and rankable while the rest show "missing reviews".
    project_order = [p.pk for p in projects]
    rng.shuffle(project_order)
    # Half of the printed demo juror's projects go last, so that login has open work.
    demo_juror_projects = [a.project_id for a in assignments if a.juror_id == jurors[0].pk]
    postponed = set(demo_juror_projects[::2])
    project_order = [pk for pk in project_order if pk not in postponed] + [
        pk for pk in project_order if pk in postponed
    ]
    position = {pk: i for i, pk in enumerate(project_order)}
    order = sorted(assignments, key=lambda a: (position[a.project_id], rng.random()))
    _reviews_write(
        assignments,
        order,
        criteria,
        round1,
        rng,
        quality=quality,
        leniency=leniency,
        done=round(len(order) * 0.7),
        started=round(len(order) * 0.1),
        today=today,
    )
    _public_vote_seed(edition, projects, categories, today)
    _email_log_seed(edition, jurors, today)
    return edition


def _email_log_seed(edition: Edition, jurors: list[User], today: datetime) -> None:
    """The email log of the edition being judged: each juror's invitation went out two months
    ago; a reserve juror's, a week ago, was refused by the mail server four times, and its data
    is kept for a few more days, so the organiser can send it again from the log."""
    from award.emails import KINDS, RESEND_KEEP, email_texts, fill
    from award.enums import EmailStatus

    kind = KINDS["jury_invitation"]
    invited = [(juror.email, juror.display_name, juror.language or "en") for juror in jurors]
    invited.append(("reserve.juror@demo.v4award.eu", "Ivana Rezervná", "sk"))
    for number, (email, name, language) in enumerate(invited):
        values = {
            "juror_name": name,
            "edition_name": edition.name,
            "link": f"https://award.example.org/jury/invitation/{number + 1}/",
        }
        subject, _body, _own = email_texts(kind=kind, edition=edition, language=language)
        failed = number == len(invited) - 1
        at = today - timedelta(days=7 if failed else 60, minutes=-3 * number)
        EmailLog.objects.create(
            edition=edition,
            at=at,
            recipient=email,
            kind=kind.key,
            language=language,
            subject=fill(subject, values)[:255],
            status=EmailStatus.FAILED if failed else EmailStatus.SENT,
            error="SMTPRecipientsRefused: 550 5.1.1 Mailbox temporarily unavailable" if failed else "",
            attempts=4 if failed else 1,
            payload={"to": email, "values": values, "count": 2, "site_url": "", "attachments": []} if failed else None,
            payload_expires_at=today + RESEND_KEEP - timedelta(days=1) if failed else None,
        )


# The demo's audience vote: a planted burst that the fraud report shows (one network, one browser,
# a domain nobody else uses, the voting page never opened, a dozen votes within a minute).
BURST_NETWORK, BURST_DOMAIN, BURST_VOTES = "203.0.113.0/24", "fastvote-mail.example", 12
VOTE_DOMAINS = ["gmail.com", "seznam.cz", "centrum.sk", "wp.pl", "freemail.hu", "azet.sk", "outlook.com", "o2.pl"]


def _public_vote_seed(edition: Edition, projects: list[Project], categories: list[Category], today: datetime):
    """This year's public vote for the audience prize: every eligible project of every category
    stands (the finalists are not chosen yet), open since ten days, closing two days before the
    ceremony, one vote per category; about 150 confirmed votes and a planted burst."""
    rng = random.Random(20261)
    poll = PublicVote.objects.create(
        edition=edition,
        standing=Standing.CATEGORIES,
        opens_at=_at(today, -10, 9),
        closes_at=edition.ceremony_at - timedelta(days=2),
        per_category=True,
    )
    poll.categories.set(categories)
    standing = [p for p in projects if p.status == ProjectStatus.ELIGIBLE]
    appeal = {p.pk: rng.uniform(0.5, 3.0) for p in standing}
    votes = []

    def vote(project: Project, email: str, at: datetime, network: str, signature: str, seen: bool, after=None) -> None:
        votes.append(
            Vote(
                poll=poll,
                project=project,
                scope=project.category_id or 0,
                voter_hash=voter_hash(poll.secret, email),
                email_domain=email.rpartition("@")[2],
                network=network,
                signature=signature,
                page_seen=seen,
                challenge=f"{rng.getrandbits(256):064x}",
                status=VoteStatus.CONFIRMED,
                created_at=at,
                confirmed_at=at + (after or timedelta(minutes=rng.randint(1, 90))),
            )
        )

    for i in range(150):
        project = rng.choices(standing, weights=[appeal[p.pk] for p in standing])[0]
        at = _at(today, -rng.randint(1, 9), rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59))
        network = f"{rng.choice([78, 85, 91, 188, 195])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0/24"
        vote(project, f"voter{i}@{rng.choice(VOTE_DOMAINS)}", at, network, f"{rng.getrandbits(64):016x}", True)
    burst_at, target = _at(today, -2, 3, 14), standing[len(standing) // 3]
    for i in range(BURST_VOTES):
        at = burst_at + timedelta(seconds=4 * i)
        vote(target, f"fan{i}@{BURST_DOMAIN}", at, BURST_NETWORK, "5f1e0c2d9a7b3e44", False, timedelta(seconds=3))
    Vote.objects.bulk_create(votes)
    return poll


def _next_seed(*, today: datetime, password_hash: str, organiser: User, applicant: User) -> Edition:
    """Next year's edition: its call opened a week ago (while this year's jury is at work) and
    closes in about eleven weeks; a few teams have submitted, the applicant has a draft; the
    jury is not appointed yet."""
    rng = random.Random(2027)
    edition = _edition_create(year=2027, slug=NEXT_SLUG, today=today, opens=-7, closes=75, ceremony=150)
    categories, _criteria, _rounds = _rubric_create(edition, today, 105)
    EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)
    for number, category in enumerate(categories, start=1):
        title_base = TITLES[category.slug][-1 - number]
        owner = _user(f"team{number:02d}@demo.v4award.eu", password_hash, first_name="Team", last_name=f"{number:02d}")
        submitted = _at(today, -rng.randint(1, 6), rng.randint(8, 20), rng.randint(0, 59))
        _project(
            edition,
            category,
            owner,
            number,
            number,
            title_base,
            rng,
            status=ProjectStatus.SUBMITTED,
            submitted_at=submitted,
            today=today,
        )
    edition_reference_counter_sync(edition=edition)
    Project.objects.create(
        edition=edition,
        category=categories[0],
        owner=applicant,
        status=ProjectStatus.DRAFT,
        organisation_name="City of Trnava",
        organisation_type=OrganisationType.MUNICIPALITY,
        country=Country.SLOVAKIA,
        city_region="Trnava",
        title="Smart benches with solar charging (draft)",
    )
    return edition


@transaction.atomic
def demo_seed() -> list[DemoSummary]:
    """Create the demo editions once; a second call changes nothing and reports the same counts."""
    existing = list(Edition.objects.filter(slug__in=DEMO_SLUGS).order_by("year"))
    if existing:
        return [demo_summary(edition, created=False) for edition in existing]

    password_hash = make_password(DEMO_PASSWORD)
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(DEMO_TIMEZONE)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )

    # The administrator runs the installation: creates editions and appoints their organisers.
    _user(
        ADMIN_EMAIL,
        password_hash,
        first_name="Adam",
        last_name="Administrátor",
        organisation="ITAPA",
        country=Country.SLOVAKIA,
        is_staff=True,
        is_superuser=True,
        email_confirmed_at=timezone.now(),
    )
    organiser = _user(
        ORGANISER_EMAIL,
        password_hash,
        first_name="Olga",
        last_name="Organizátorová",
        organisation="ITAPA",
        country=Country.SLOVAKIA,
        email_confirmed_at=timezone.now(),
    )
    jurors = []
    for i, (first, last, org, country, lang) in enumerate(JURORS, start=1):
        # The first juror's login is the one printed for people trying the demo: keep it in English.
        language = Language.ENGLISH if i == 1 else lang
        jurors.append(
            _user(
                f"juror{i}@demo.v4award.eu",
                password_hash,
                first_name=first,
                last_name=last,
                organisation=org,
                country=country,
                language=language,
            )
        )
    applicant = _user(
        APPLICANT_EMAIL,
        password_hash,
        first_name="Andrea",
        last_name="Applicantová",
        organisation="City of Trnava",
        country=Country.SLOVAKIA,
        email_confirmed_at=timezone.now(),
    )

    people = {"today": today, "password_hash": password_hash, "organiser": organiser, "applicant": applicant}
    editions = [
        _past_seed(**people, jurors=jurors),
        _current_seed(**people, jurors=jurors),
        _next_seed(**people),
    ]
    return [demo_summary(edition, created=True) for edition in editions]
