"""What the demo editions are made of: categories, places, titles, organisations, jurors and
comments (English originals; their translations are in demo.i18n). The rubric is the V4 award's
rubric template (award.rubric_templates.V4_CRITERIA), in five languages."""

from award.enums import Country, Language, OrganisationType

CATEGORIES = [
    (
        "smart-city",
        "Smart City",
        "Digital and data-driven solutions that make a city work better for the people who live in it.",
        3,
    ),
    (
        "smart-region",
        "Smart Region",
        "Solutions that connect towns, villages and their region: rural services, regional mobility, shared infrastructure.",
        3,
    ),
    (
        "digital-public-services",
        "Digital Public Services",
        "Public services that citizens and businesses can use online, end to end, in their own language.",
        3,
    ),
    (
        "cyber-security",
        "Cyber Security",
        "Projects that make public bodies and their citizens safer online: resilience, awareness, secure infrastructure.",
        2,
    ),
]

DESCRIPTION = (
    "The award recognises smart-city and smart-region projects from Slovakia, Czechia, Poland and Hungary "
    "that use digital solutions to meet social challenges: ageing, migration, environment, mobility, "
    "public services, citizen participation and cyber security."
)
# Who signs the certificates: (name, title in English); the titles' translations are in demo.i18n.
SIGNATORIES = [
    ("Ľubica Dvořáková", "Chair of the jury"),
    ("Zsolt Kovács-Wiśniewski", "Programme director"),
]

PLACES = {
    Country.SLOVAKIA: ["Bratislava", "Košice", "Žilina", "Banská Bystrica", "Prešov", "Trnava", "Nitra", "Trenčín"],
    Country.CZECHIA: [
        "Brno",
        "Ostrava",
        "Plzeň",
        "Olomouc",
        "Liberec",
        "České Budějovice",
        "Hradec Králové",
        "Praha 7",
    ],
    Country.POLAND: ["Kraków", "Wrocław", "Gdańsk", "Łódź", "Poznań", "Lublin", "Rzeszów", "Katowice"],
    Country.HUNGARY: ["Debrecen", "Szeged", "Győr", "Pécs", "Miskolc", "Székesfehérvár", "Kecskemét", "Budapest XIII"],
}

TITLES = {
    "smart-city": [
        "Sensor network for adaptive street lighting",
        "Open data portal for city budgets",
        "Smart parking with real-time occupancy",
        "Digital twin of the historic centre",
        "Air quality monitoring for schools",
        "Citizen reporting app for city defects",
        "Heat map and green roof programme",
        "Shared micromobility hub network",
        "Smart waste collection with fill sensors",
        "Accessible city navigation for blind residents",
    ],
    "smart-region": [
        "On-demand rural bus service",
        "Regional broadband for small villages",
        "Telemedicine points in rural health centres",
        "Regional tourism data platform",
        "Shared energy community of five villages",
        "Flood early-warning system for the river basin",
        "Digital library network for rural schools",
        "Regional labour market matching platform",
        "Smart irrigation for regional farms",
        "Cross-border cycling route information system",
    ],
    "digital-public-services": [
        "Building permits fully online",
        "One-stop digital registry office",
        "Chatbot for municipal services in four languages",
        "Electronic school enrolment",
        "Digital parking permits for residents",
        "Online participatory budgeting",
        "Social benefits application in ten minutes",
        "Digital mailbox for municipal decisions",
        "Public procurement transparency portal",
        "Mobile app for senior citizens' services",
    ],
    "cyber-security": [
        "Security operations centre shared by municipalities",
        "Phishing awareness training for civil servants",
        "Backup and recovery service for small towns",
        "Secure identity for municipal employees",
        "Incident response playbook for hospitals",
        "Vulnerability disclosure programme of the city",
        "Cyber hygiene audits for schools",
        "Regional CSIRT for local governments",
        "Secure e-voting pilot for participatory budgets",
        "Ransomware resilience programme for water utilities",
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
    (
        "Zuzana",
        "Šimková",
        "Ministry of Investments, Regional Development and Informatization",
        Country.SLOVAKIA,
        Language.SLOVAK,
    ),
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

# How the demo jury scores, in points of a 0–10 criterion (a tenth of them on the 0–100 total).
# A real jury: most jurors within a few tenths of a point of each other (JUROR_LENIENCY_SD), one
# clearly lenient and one clearly harsh juror (by their number in JURORS, 1-based; not juror 1,
# whose login is printed) for the ranking's rater diagnostics to find, and no favouritism
# planted. A review's overall impression of a project varies by REVIEW_SPREAD, each criterion
# by CRITERION_SPREAD around it, so jurors disagree enough for a few places to be contested.
JUROR_LENIENCY_SD = 0.15
PLANTED_LENIENCY = {4: 1.2, 10: -1.2}
REVIEW_SPREAD = 0.5
CRITERION_SPREAD = 1.0


OVERALL_COMMENTS = [
    "A convincing project with clear, measured results.",
    "Good idea, but the evidence of impact is thin.",
    "Strong partnership; replicability could be better documented.",
    "Solid and useful, though not very innovative.",
]
