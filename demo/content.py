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

# What each project does, in one sentence (the start of its summary on every page).
WHAT_IT_DOES = {
    "Sensor network for adaptive street lighting": "Street lights dim when the street is empty and brighten as people approach, cutting the lighting bill by a third.",
    "Open data portal for city budgets": "Every payment of the city is published within a week, searchable by street, school and supplier.",
    "Smart parking with real-time occupancy": "Sensors in 1,800 parking spaces show drivers free places before they set off, so fewer cars circle the centre.",
    "Digital twin of the historic centre": "A 3D model of the old town lets planners and residents test a building permit or a new tram line before anything is built.",
    "Air quality monitoring for schools": "Low-cost sensors in every school yard warn teachers when the air is bad and show parents the data on their phones.",
    "Citizen reporting app for city defects": "Residents photograph a pothole or a broken bench; the right department gets it on the map and reports back when it is fixed.",
    "Heat map and green roof programme": "Satellite heat maps pick the hottest blocks, and the city co-funds green roofs and trees there first.",
    "Shared micromobility hub network": "Bikes, scooters and car sharing meet at 40 hubs next to tram stops, with one ticket for all of them.",
    "Smart waste collection with fill sensors": "Bins report how full they are, and the collection trucks follow a route planned each morning from that data.",
    "Accessible city navigation for blind residents": "Beacons at crossings and stops guide blind and partially sighted residents through the centre by voice.",
    "On-demand rural bus service": "Villagers book a minibus by app or phone the day before; it replaces near-empty scheduled lines.",
    "Regional broadband for small villages": "A shared fibre backbone brings fast internet to villages the commercial operators left out.",
    "Telemedicine points in rural health centres": "Patients in small health centres see a specialist by video, with the nurse measuring on site.",
    "Regional tourism data platform": "Anonymous visitor counts from the region's attractions help plan buses, parking and opening hours.",
    "Shared energy community of five villages": "Five villages share the power of their solar roofs and a battery, and pay less for what they buy from the grid.",
    "Flood early-warning system for the river basin": "Water-level sensors along the river give villages downstream hours more warning by text message.",
    "Digital library network for rural schools": "Small schools borrow e-books and teaching material from one regional catalogue.",
    "Regional labour market matching platform": "Job seekers and employers of the region meet on one platform that also suggests retraining courses.",
    "Smart irrigation for regional farms": "Soil-moisture sensors and weather forecasts tell farmers when to water, saving a quarter of the water.",
    "Cross-border cycling route information system": "One map and app for the cycling routes on both sides of the border, with live closures and services.",
    "Building permits fully online": "Builders submit, pay for and follow a building permit online; the average decision now takes 30 days instead of 90.",
    "One-stop digital registry office": "Birth, marriage and residence certificates are requested and delivered online without a visit to the office.",
    "Chatbot for municipal services in four languages": "A chatbot answers residents' questions about municipal services in Slovak, Czech, Polish and Hungarian around the clock.",
    "Electronic school enrolment": "Parents enrol their children in kindergarten and primary school online and see the free places as they choose.",
    "Digital parking permits for residents": "Residents apply for and renew their parking permits online; wardens check the number plate instead of a sticker.",
    "Online participatory budgeting": "Residents propose and vote on projects for a part of the city budget online, and follow their realisation.",
    "Social benefits application in ten minutes": "The application for social benefits is filled in from data the state already holds, in about ten minutes.",
    "Digital mailbox for municipal decisions": "Decisions and letters of the municipality arrive in a secure digital mailbox instead of by registered post.",
    "Public procurement transparency portal": "Every tender of the region, its bids and its contract are published in one searchable place.",
    "Mobile app for senior citizens' services": "Senior citizens order meals, transport and home care through an app designed with them, in large print.",
    "Security operations centre shared by municipalities": "Twelve small municipalities share one security operations centre that watches their networks day and night.",
    "Phishing awareness training for civil servants": "Short monthly lessons and practice emails taught civil servants to spot phishing; reported attempts doubled.",
    "Backup and recovery service for small towns": "Small towns' systems are backed up to a regional data centre and restored in tested drills twice a year.",
    "Secure identity for municipal employees": "Employees sign in to every municipal system with one secure identity and a hardware key.",
    "Incident response playbook for hospitals": "Hospitals of the region follow one tested plan when a cyber attack hits, with drills and a shared on-call team.",
    "Vulnerability disclosure programme of the city": "Anyone who finds a security flaw in the city's services can report it safely and gets an answer within a week.",
    "Cyber hygiene audits for schools": "Schools get a free audit of their computers and networks and a plan to fix what was found.",
    "Regional CSIRT for local governments": "A regional incident response team helps local governments prevent, detect and handle cyber incidents.",
    "Secure e-voting pilot for participatory budgets": "Residents vote on participatory budget projects online with verifiable, secret ballots.",
    "Ransomware resilience programme for water utilities": "Water utilities separate their control systems from the office network and practise running without them.",
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
