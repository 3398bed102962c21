"""The demo edition: a realistic, deterministic 'V4 Smart Project Award' for trying the system.

Everything random comes from one seeded generator, so two runs on two machines give the same
projects, jurors, conflicts and scores; only the dates follow the day the demo is created, so
that round 1 is always open for scoring when someone tries it.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from award.enums import AggregationMethod, Country, Language, OrganisationType, Role, RoundKind
from award.models import Category, Criterion, Edition, EditionRole, Round, User
from scoring import demo_i18n
from scoring.demo_i18n import translated
from scoring.enums import AssignmentStatus, ConflictSource
from scoring.models import Assignment, ConflictOfInterest, Score
from submissions.enums import ProjectStatus
from submissions.models import Project, TeamMember

DEMO_SLUG = "v4-smart-project-award-2026"
DEMO_PASSWORD = "award-demo-2026"  # noqa: S105 (printed demo login)
ORGANISER_EMAIL = "organiser@demo.v4award.eu"
APPLICANT_EMAIL = "applicant@demo.v4award.eu"
JUROR_EMAIL = "juror1@demo.v4award.eu"
JURORS_PER_PROJECT = 3

CATEGORIES = [
    ("smart-city", "Smart City", "Digital and data-driven solutions that make a city work better for the people who live in it.", 3),
    ("smart-region", "Smart Region", "Solutions that connect towns, villages and their region: rural services, regional mobility, shared infrastructure.", 3),
    ("digital-public-services", "Digital Public Services", "Public services that citizens and businesses can use online, end to end, in their own language.", 3),
    ("cyber-security", "Cyber Security", "Projects that make public bodies and their citizens safer online: resilience, awareness, secure infrastructure.", 2),
]

CRITERIA = [
    ("Innovation", "How new is the solution in its context? Does it go beyond what is usual in comparable municipalities?", 3),
    ("Impact on citizens", "What measurable difference does the project make to the lives of citizens or the work of public bodies?", 3),
    ("Sustainability", "Will the project continue after its initial funding? Is its operation financially and organisationally secured?", 2),
    ("Replicability in the V4 region", "Could other municipalities or regions in Slovakia, Czechia, Poland or Hungary adopt it with reasonable effort?", 2),
    ("Citizen participation", "Were citizens involved in designing, testing or running the solution?", 1.5),
    ("Use of data and technology", "Is technology used appropriately, securely and openly (open data, open standards, interoperability)?", 1.5),
    ("Partnership", "Does the project bring together public bodies, businesses, academia and civil society?", 1),
    ("Cost-effectiveness", "Are the results proportionate to the money and effort spent?", 1),
]
LEVELS = "0–3: weak or not demonstrated\n4–6: adequate, with clear gaps\n7–8: strong and well evidenced\n9–10: outstanding, a model for others"

PLACES = {
    Country.SLOVAKIA: ["Bratislava", "Košice", "Žilina", "Banská Bystrica", "Prešov", "Trnava", "Nitra", "Trenčín"],
    Country.CZECHIA: ["Brno", "Ostrava", "Plzeň", "Olomouc", "Liberec", "České Budějovice", "Hradec Králové", "Praha 7"],
    Country.POLAND: ["Kraków", "Wrocław", "Gdańsk", "Łódź", "Poznań", "Lublin", "Rzeszów", "Katowice"],
    Country.HUNGARY: ["Debrecen", "Szeged", "Győr", "Pécs", "Miskolc", "Székesfehérvár", "Kecskemét", "Budapest XIII"],
}

TITLES = {
    "smart-city": [
        "Sensor network for adaptive street lighting", "Open data portal for city budgets", "Smart parking with real-time occupancy",
        "Digital twin of the historic centre", "Air quality monitoring for schools", "Citizen reporting app for city defects",
        "Heat map and green roof programme", "Shared micromobility hub network", "Smart waste collection with fill sensors",
        "Accessible city navigation for blind residents",
    ],
    "smart-region": [
        "On-demand rural bus service", "Regional broadband for small villages", "Telemedicine points in rural health centres",
        "Regional tourism data platform", "Shared energy community of five villages", "Flood early-warning system for the river basin",
        "Digital library network for rural schools", "Regional labour market matching platform", "Smart irrigation for regional farms",
        "Cross-border cycling route information system",
    ],
    "digital-public-services": [
        "Building permits fully online", "One-stop digital registry office", "Chatbot for municipal services in four languages",
        "Electronic school enrolment", "Digital parking permits for residents", "Online participatory budgeting",
        "Social benefits application in ten minutes", "Digital mailbox for municipal decisions", "Public procurement transparency portal",
        "Mobile app for senior citizens' services",
    ],
    "cyber-security": [
        "Security operations centre shared by municipalities", "Phishing awareness training for civil servants",
        "Backup and recovery service for small towns", "Secure identity for municipal employees", "Incident response playbook for hospitals",
        "Vulnerability disclosure programme of the city", "Cyber hygiene audits for schools", "Regional CSIRT for local governments",
        "Secure e-voting pilot for participatory budgets", "Ransomware resilience programme for water utilities",
    ],
}

ORG_TEMPLATES = [
    ("City of {place}", OrganisationType.MUNICIPALITY),
    ("{place} Region", OrganisationType.REGION),
    ("{place} Digital s.r.o.", OrganisationType.COMPANY),
    ("University of {place}", OrganisationType.UNIVERSITY),
    ("Smart {place} Association", OrganisationType.NGO),
]

JURORS = [
    ("Katarína", "Horváthová", "Slovak University of Technology", Country.SLOVAKIA, Language.SLOVAK),
    ("Martin", "Kováč", "Košice IT Valley", Country.SLOVAKIA, Language.SLOVAK),
    ("Zuzana", "Šimková", "Ministry of Investments, Regional Development and Informatization", Country.SLOVAKIA, Language.SLOVAK),
    ("Jan", "Novák", "Czech Technical University in Prague", Country.CZECHIA, Language.CZECH),
    ("Petra", "Dvořáková", "Union of Towns and Municipalities of the Czech Republic", Country.CZECHIA, Language.CZECH),
    ("Tomáš", "Černý", "Brno Digital s.r.o.", Country.CZECHIA, Language.CZECH),
    ("Agnieszka", "Wiśniewska", "Warsaw University of Technology", Country.POLAND, Language.POLISH),
    ("Piotr", "Zieliński", "Kraków Technology Park", Country.POLAND, Language.POLISH),
    ("Magdalena", "Łukasik", "Association of Polish Cities", Country.POLAND, Language.POLISH),
    ("Gábor", "Nagy", "Budapest University of Technology and Economics", Country.HUNGARY, Language.HUNGARIAN),
    ("Eszter", "Kovács", "Hungarian Association of Smart Cities", Country.HUNGARY, Language.HUNGARIAN),
    ("Balázs", "Szőke", "University of Debrecen", Country.HUNGARY, Language.HUNGARIAN),
]


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    categories: int
    criteria: int
    rounds: int
    projects: int
    jurors: int
    assignments: int
    completed_assignments: int
    scores: int
    conflicts: int

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed_assignments / self.assignments) if self.assignments else 0


def demo_summary(edition: Edition, *, created: bool) -> DemoSummary:
    assignments = Assignment.objects.filter(round__edition=edition)
    return DemoSummary(
        created=created,
        categories=edition.categories.count(),
        criteria=edition.criteria.count(),
        rounds=edition.rounds.count(),
        projects=edition.projects.count(),
        jurors=edition.roles.filter(role=Role.JUROR).count(),
        assignments=assignments.count(),
        completed_assignments=assignments.filter(status=AssignmentStatus.COMPLETED).count(),
        scores=Score.objects.filter(assignment__round__edition=edition).count(),
        conflicts=edition.conflicts.count(),
    )


def _user(email: str, password_hash: str, **fields) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # Hashing once for all demo accounts keeps the seed fast (the hasher is slow on purpose).
        user = User.objects.create(email=email, password=password_hash, **fields)
    return user


def _step(value: float, lo: int = 0, hi: int = 10) -> Decimal:
    return Decimal(max(lo, min(hi, round(value))))


@transaction.atomic
def demo_seed() -> DemoSummary:
    """Create the demo edition once; a second call changes nothing and reports the same counts."""
    existing = Edition.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return demo_summary(existing, created=False)

    rng = random.Random(2026)
    password_hash = make_password(DEMO_PASSWORD)
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    edition = Edition.objects.create(
        name="V4 Smart Project Award 2026",
        slug=DEMO_SLUG,
        year=2026,
        description=(
            "The award recognises smart-city and smart-region projects from Slovakia, Czechia, Poland and Hungary "
            "that use digital solutions to meet social challenges: ageing, migration, environment, mobility, "
            "public services, citizen participation and cyber security."
        ),
        submissions_open_at=today - timedelta(days=90),
        submissions_close_at=(today - timedelta(days=30)).replace(hour=23, minute=59, second=59),
        ceremony_at=(today + timedelta(days=45)).replace(hour=18, minute=0),
        ceremony_place="Bratislava, Slovakia",
        **translated("ceremony_place", demo_i18n.CEREMONY_PLACE),
        results_published_at=(today + timedelta(days=45)).replace(hour=21, minute=0),
        signatories=[
            {"name": "Ľubica Dvořáková", "title": "Chair of the jury"},
            {"name": "Zsolt Kovács-Wiśniewski", "title": "Programme director"},
        ],
        jurors_per_project=JURORS_PER_PROJECT,
        aggregation_method=AggregationMethod.STANDARDISED,
    )
    categories = [
        Category.objects.create(
            edition=edition, slug=slug, name=name, description=desc, finalists_count=n, position=i,
            **translated("name", demo_i18n.CATEGORY_NAMES[slug]),
            **translated("description", demo_i18n.CATEGORY_DESCRIPTIONS[slug]),
        )
        for i, (slug, name, desc, n) in enumerate(CATEGORIES)
    ]
    criteria = [
        Criterion.objects.create(
            edition=edition, name=name, guidance=guidance, level_descriptors=LEVELS, weight=Decimal(str(weight)), position=i,
            **translated("name", demo_i18n.CRITERION_NAMES[name]),
            **translated("level_descriptors", demo_i18n.LEVELS),
        )
        for i, (name, guidance, weight) in enumerate(CRITERIA)
    ]
    round1 = Round.objects.create(
        edition=edition, number=1, name="Round 1: shortlist", kind=RoundKind.SHORTLIST, **translated("name", demo_i18n.ROUND_NAMES[1]),
        scoring_opens_at=today - timedelta(days=20), scoring_closes_at=(today + timedelta(days=10)).replace(hour=23, minute=59),
    )
    Round.objects.create(
        edition=edition, number=2, name="Round 2: final", kind=RoundKind.FINAL, **translated("name", demo_i18n.ROUND_NAMES[2]),
        scoring_opens_at=today + timedelta(days=15), scoring_closes_at=(today + timedelta(days=30)).replace(hour=23, minute=59),
    )

    organiser = _user(ORGANISER_EMAIL, password_hash, first_name="Olga", last_name="Organizátorová", organisation="ITAPA", country=Country.SLOVAKIA,
        is_staff=True, is_superuser=True,
    )
    EditionRole.objects.create(edition=edition, user=organiser, role=Role.ORGANISER)

    jurors = []
    for i, (first, last, org, country, lang) in enumerate(JURORS, start=1):
        # The first juror's login is the one printed for people trying the demo: keep it in English.
        language = Language.ENGLISH if i == 1 else lang
        juror = _user(f"juror{i}@demo.v4award.eu", password_hash, first_name=first, last_name=last, organisation=org, country=country, language=language)
        role = EditionRole.objects.create(edition=edition, user=juror, role=Role.JUROR)
        # Each juror sits on two category panels, so every panel has six members.
        panel = [categories[(i - 1) % 4], categories[(i + 1) % 4]]
        role.panels.set(panel)
        role.expertise.set(panel[:1])
        jurors.append((juror, {c.pk for c in panel}))

    applicant = _user(APPLICANT_EMAIL, password_hash, first_name="Andrea", last_name="Applicantová", organisation="City of Trnava", country=Country.SLOVAKIA)

    projects: list[Project] = []
    countries = list(Country)
    number = 0
    for category in categories:
        for j, title_base in enumerate(TITLES[category.slug]):
            number += 1
            country = countries[number % 4]
            place = rng.choice(PLACES[country])
            org_template, org_type = ORG_TEMPLATES[(number * 7 + j) % len(ORG_TEMPLATES)]
            owner = applicant if number == 5 else _user(
                f"team{number:02d}@demo.v4award.eu", password_hash, first_name="Team", last_name=f"{number:02d}", country=country
            )
            org_name = org_template.format(place=place)
            start = (today - timedelta(days=rng.randint(400, 1400))).date()
            project = Project.objects.create(
                edition=edition, category=category, owner=owner,
                reference=f"{edition.reference_prefix}-{edition.year}-{number:04d}",
                status=ProjectStatus.ELIGIBLE,
                organisation_name=org_name, organisation_type=org_type, country=country, city_region=place,
                title=f"{title_base} in {place}",
                summary=(
                    f"{org_name} built a {title_base.lower()} that serves residents of {place} every day. "
                    "The project was designed with citizens, runs on open standards and is ready to be adopted "
                    "by other municipalities in the V4 region."
                ),
                problem=f"Residents of {place} lacked timely information and services; the old process was slow, paper-based and expensive.",
                solution=f"A {title_base.lower()} built on open data and open-source components, integrated with existing municipal systems.",
                results=f"Within a year {rng.randint(5, 60)} % more residents used the service and processing times fell by {rng.randint(20, 70)} %.",
                innovation="First deployment of its kind in the country; combines sensor data with citizen feedback.",
                citizen_involvement=f"{rng.randint(3, 25)} public workshops, an online consultation and a citizen testing panel.",
                sustainability="Operated by the municipality's IT department from its regular budget; documentation and code are public.",
                budget_eur=Decimal(rng.randrange(20_000, 2_500_000, 500)),
                funding_sources="Municipal budget, EU structural funds, regional co-financing.",
                start_date=start,
                end_date=start + timedelta(days=rng.randint(180, 720)),
                website=f"https://example.org/{category.slug}/{number}",
                partners="Local university; regional development agency; a technology SME.",
                consent_rules=True, consent_privacy=True,
                submitted_at=edition.submissions_close_at - timedelta(days=rng.randint(1, 40)),
            )
            TeamMember.objects.create(project=project, name=f"{owner.get_full_name()}", role="Project lead", email=owner.email, is_contact=True)
            TeamMember.objects.create(project=project, name=f"Expert {number:02d}", role="Technical lead", position=1)
            projects.append(project)

    # A few applications that did not make it to scoring, so that screening has something to show.
    extra = [
        ("Smart bench pilot", ProjectStatus.INELIGIBLE, "The project has not started yet; the rules require results."),
        ("Municipal e-newsletter", ProjectStatus.INELIGIBLE, "The applicant's country is not eligible."),
        ("Digital noticeboard for villages", ProjectStatus.SUBMITTED, ""),
    ]
    for title, status, reason in extra:
        number += 1
        Project.objects.create(
            edition=edition, category=categories[number % 4],
            owner=_user(f"team{number:02d}@demo.v4award.eu", password_hash, first_name="Team", last_name=f"{number:02d}"),
            reference=f"{edition.reference_prefix}-{edition.year}-{number:04d}", status=status, ineligibility_reason=reason,
            organisation_name="Obec Malá Lehota", organisation_type=OrganisationType.MUNICIPALITY, country=Country.SLOVAKIA,
            city_region="Malá Lehota", title=title, summary="A small municipality's first digital project.",
            consent_rules=True, consent_privacy=True, submitted_at=edition.submissions_close_at - timedelta(days=2),
        )
    Project.objects.create(
        edition=edition, category=categories[0], owner=applicant, status=ProjectStatus.DRAFT,
        organisation_name="City of Trnava", organisation_type=OrganisationType.MUNICIPALITY, country=Country.SLOVAKIA,
        city_region="Trnava", title="Smart benches with solar charging (draft)",
    )

    # Conflicts of interest: a juror from the applicant's organisation, and some declared ones.
    conflicts: set[tuple[int, int]] = set()
    for juror, _panels in jurors:
        for project in projects:
            if juror.organisation and juror.organisation == project.organisation_name:
                conflicts.add((juror.pk, project.pk))
    declared = rng.sample([(j.pk, p.pk) for j, panels in jurors for p in projects if p.category_id in panels], 6)
    conflicts.update(declared)
    for juror_id, project_id in sorted(conflicts):
        ConflictOfInterest.objects.create(
            edition=edition, juror_id=juror_id, project_id=project_id, source=ConflictSource.DECLARED,
            reason="Former colleague of the project lead.",
        )

    # Round 1 assignments: each project gets three panel jurors without conflicts, the least loaded first.
    load = {juror.pk: 0 for juror, _ in jurors}
    assignments: list[Assignment] = []
    for project in projects:
        candidates = [
            juror for juror, panels in jurors if project.category_id in panels and (juror.pk, project.pk) not in conflicts
        ]
        candidates.sort(key=lambda juror: (load[juror.pk], rng.random()))
        for juror in candidates[:JURORS_PER_PROJECT]:
            load[juror.pk] += 1
            assignments.append(Assignment(round=round1, project=project, juror=juror))
    Assignment.objects.bulk_create(assignments)
    assignments = list(Assignment.objects.filter(round=round1).order_by("id"))

    # Scores: each project has a latent quality, each juror a leniency; about 70 % of the
    # reviews are finalised and a further 10 % are in progress.
    quality = {p.pk: rng.uniform(3.5, 8.5) for p in projects}
    leniency = {juror.pk: rng.uniform(-1.5, 1.5) for juror, _ in jurors}
    # Reviews are finished project by project (in a random project order), so that most
    # projects are fully reviewed and rankable while the rest show "missing reviews".
    project_order = [p.pk for p in projects]
    rng.shuffle(project_order)
    # Half of the printed demo juror's projects go last, so that login has open work.
    demo_juror_projects = [a.project_id for a in assignments if a.juror_id == jurors[0][0].pk]
    postponed = set(demo_juror_projects[::2])
    project_order = [pk for pk in project_order if pk not in postponed] + [pk for pk in project_order if pk in postponed]
    position = {pk: i for i, pk in enumerate(project_order)}
    order = sorted(assignments, key=lambda a: (position[a.project_id], rng.random()))
    n_done = round(len(order) * 0.7)
    n_started = round(len(order) * 0.1)
    scores: list[Score] = []
    for index, assignment in enumerate(order):
        if index >= n_done + n_started:
            continue
        finished = index < n_done
        chosen = criteria if finished else criteria[: rng.randint(2, 6)]
        for criterion in chosen:
            value = _step(quality[assignment.project_id] + leniency[assignment.juror_id] + rng.gauss(0, 1.0))
            scores.append(Score(assignment=assignment, criterion=criterion, value=value, comment=""))
        when = round1.scoring_opens_at + timedelta(days=rng.randint(1, 19), hours=rng.randint(0, 10))
        assignment.started_at = when
        assignment.version = 1
        if finished:
            assignment.status = AssignmentStatus.COMPLETED
            assignment.finalised_at = when + timedelta(minutes=rng.randint(15, 90))
            assignment.overall_comment = rng.choice(
                [
                    "A convincing project with clear, measured results.",
                    "Good idea, but the evidence of impact is thin.",
                    "Strong partnership; replicability could be better documented.",
                    "Solid and useful, though not very innovative.",
                ]
            )
        else:
            assignment.status = AssignmentStatus.IN_PROGRESS
    Score.objects.bulk_create(scores)
    Assignment.objects.bulk_update(order, ["status", "started_at", "finalised_at", "overall_comment", "version"])
    return demo_summary(edition, created=True)
