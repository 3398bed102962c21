"""Rubrics and categories to start an edition from (issue 16, item 2).

Rubric templates: the V4 award's own rubric (the demo editions seed theirs from it), the six
smart-city pillars the region's city indexes use, the criteria of the Czech Chytrá města
competition, and any earlier edition's rubric. Every text is given in the
five languages of the interface. Category templates: categories by the size of the
municipality, as that competition runs them; `category_suggest` proposes one of them from the
population an applicant enters.

Applying a template replaces the edition's rubric (or adds the categories that are missing);
both are refused once scores exist, since a score belongs to a criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from award.enums import OrganisationType
from award.models import Category, Criterion, Edition, User
from award.rules import require_organiser
from award.selectors import editions_organised_by
from award.services import audit_log

LANGUAGES = ("en", "sk", "cs", "pl", "hu")
EDITION_PREFIX = "edition-"

# The level descriptors of a 0–10 scale, shared by the built-in templates.
LEVELS = {
    "en": "0–3: weak or not demonstrated\n4–6: adequate, with clear gaps\n7–8: strong and well evidenced\n9–10: outstanding, a model for others",
    "sk": "0–3: slabé alebo nepreukázané\n4–6: primerané, s jasnými nedostatkami\n7–8: silné a dobre doložené\n9–10: vynikajúce, vzor pre ostatných",
    "cs": "0–3: slabé nebo neprokázané\n4–6: přiměřené, s jasnými nedostatky\n7–8: silné a dobře doložené\n9–10: vynikající, vzor pro ostatní",
    "pl": "0–3: słabe lub niewykazane\n4–6: wystarczające, z wyraźnymi brakami\n7–8: mocne i dobrze udokumentowane\n9–10: wybitne, wzór dla innych",
    "hu": "0–3: gyenge vagy nem igazolt\n4–6: megfelelő, egyértelmű hiányosságokkal\n7–8: erős és jól alátámasztott\n9–10: kiemelkedő, példa mások számára",
}


@dataclass(frozen=True)
class CriterionTemplate:
    name: dict[str, str]
    guidance: dict[str, str]
    weight: Decimal
    levels: dict[str, str]
    min_value: Decimal = Decimal(0)
    max_value: Decimal = Decimal(10)
    step: Decimal = Decimal(1)


@dataclass(frozen=True)
class RubricTemplate:
    key: str
    name: str
    description: str
    criteria: tuple[CriterionTemplate, ...]

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))


def _criterion(weight: str, name: dict[str, str], guidance: dict[str, str]) -> CriterionTemplate:
    return CriterionTemplate(name=name, guidance=guidance, weight=Decimal(weight), levels=LEVELS)


V4_CRITERIA = (
    _criterion(
        "3",
        {"en": "Innovation", "sk": "Inovatívnosť", "cs": "Inovativnost", "pl": "Innowacyjność", "hu": "Innováció"},
        {
            "en": "How new is the solution in its context? Does it go beyond what is usual in comparable municipalities?",
            "sk": "Nakoľko je riešenie nové vo svojom kontexte? Presahuje to, čo je bežné v porovnateľných samosprávach?",
            "cs": "Nakolik je řešení nové ve svém kontextu? Jde nad rámec toho, co je obvyklé ve srovnatelných obcích?",
            "pl": "Na ile rozwiązanie jest nowe w swoim kontekście? Czy wykracza poza to, co jest typowe w porównywalnych gminach?",
            "hu": "Mennyire új a megoldás a saját környezetében? Túlmutat-e azon, ami a hasonló önkormányzatoknál megszokott?",
        },
    ),
    _criterion(
        "3",
        {
            "en": "Impact on citizens",
            "sk": "Prínos pre občanov",
            "cs": "Přínos pro občany",
            "pl": "Wpływ na mieszkańców",
            "hu": "Hatás a polgárokra",
        },
        {
            "en": "What measurable difference does the project make to the lives of citizens or the work of public bodies?",
            "sk": "Aký merateľný rozdiel prináša projekt do života občanov alebo do práce verejných inštitúcií?",
            "cs": "Jaký měřitelný rozdíl přináší projekt do života občanů nebo do práce veřejných institucí?",
            "pl": "Jaką wymierną zmianę projekt wnosi w życie mieszkańców lub w pracę instytucji publicznych?",
            "hu": "Milyen mérhető változást hoz a projekt a polgárok életében vagy a közintézmények munkájában?",
        },
    ),
    _criterion(
        "2",
        {"en": "Sustainability", "sk": "Udržateľnosť", "cs": "Udržitelnost", "pl": "Trwałość", "hu": "Fenntarthatóság"},
        {
            "en": "Will the project continue after its initial funding? Is its operation financially and organisationally secured?",
            "sk": "Bude projekt pokračovať aj po skončení počiatočného financovania? Je jeho prevádzka finančne a organizačne zabezpečená?",
            "cs": "Bude projekt pokračovat i po skončení počátečního financování? Je jeho provoz finančně a organizačně zajištěn?",
            "pl": "Czy projekt będzie kontynuowany po wyczerpaniu początkowego finansowania? Czy jego działanie jest zabezpieczone finansowo i organizacyjnie?",
            "hu": "Folytatódik-e a projekt a kezdeti finanszírozás után? Pénzügyileg és szervezetileg biztosított-e a működése?",
        },
    ),
    _criterion(
        "2",
        {
            "en": "Replicability in the V4 region",
            "sk": "Prenosnosť v regióne V4",
            "cs": "Přenositelnost v regionu V4",
            "pl": "Możliwość powielenia w regionie V4",
            "hu": "Átvehetőség a V4-régióban",
        },
        {
            "en": "Could other municipalities or regions in Slovakia, Czechia, Poland or Hungary adopt it with reasonable effort?",
            "sk": "Mohli by ho s primeraným úsilím prevziať iné samosprávy alebo regióny na Slovensku, v Česku, Poľsku či Maďarsku?",
            "cs": "Mohly by ho s přiměřeným úsilím převzít jiné obce nebo regiony na Slovensku, v Česku, Polsku či Maďarsku?",
            "pl": "Czy inne gminy lub regiony na Słowacji, w Czechach, Polsce lub na Węgrzech mogłyby je wdrożyć rozsądnym nakładem pracy?",
            "hu": "Átvehetnék-e észszerű ráfordítással más szlovákiai, csehországi, lengyelországi vagy magyarországi önkormányzatok vagy régiók?",
        },
    ),
    _criterion(
        "1.5",
        {
            "en": "Citizen participation",
            "sk": "Zapojenie občanov",
            "cs": "Zapojení občanů",
            "pl": "Udział mieszkańców",
            "hu": "Állampolgári részvétel",
        },
        {
            "en": "Were citizens involved in designing, testing or running the solution?",
            "sk": "Boli občania zapojení do navrhovania, testovania alebo prevádzky riešenia?",
            "cs": "Byli občané zapojeni do navrhování, testování nebo provozu řešení?",
            "pl": "Czy mieszkańcy byli zaangażowani w projektowanie, testowanie lub prowadzenie rozwiązania?",
            "hu": "Részt vettek-e a polgárok a megoldás tervezésében, tesztelésében vagy működtetésében?",
        },
    ),
    _criterion(
        "1.5",
        {
            "en": "Use of data and technology",
            "sk": "Využitie dát a technológií",
            "cs": "Využití dat a technologií",
            "pl": "Wykorzystanie danych i technologii",
            "hu": "Adatok és technológia használata",
        },
        {
            "en": "Is technology used appropriately, securely and openly (open data, open standards, interoperability)?",
            "sk": "Využíva sa technológia primerane, bezpečne a otvorene (otvorené dáta, otvorené štandardy, interoperabilita)?",
            "cs": "Je technologie využita přiměřeně, bezpečně a otevřeně (otevřená data, otevřené standardy, interoperabilita)?",
            "pl": "Czy technologia jest wykorzystywana właściwie, bezpiecznie i otwarcie (otwarte dane, otwarte standardy, interoperacyjność)?",
            "hu": "Megfelelően, biztonságosan és nyíltan használja-e a technológiát (nyílt adatok, nyílt szabványok, interoperabilitás)?",
        },
    ),
    _criterion(
        "1",
        {"en": "Partnership", "sk": "Partnerstvo", "cs": "Partnerství", "pl": "Partnerstwo", "hu": "Partnerség"},
        {
            "en": "Does the project bring together public bodies, businesses, academia and civil society?",
            "sk": "Spája projekt verejné inštitúcie, podniky, akademickú obec a občiansku spoločnosť?",
            "cs": "Propojuje projekt veřejné instituce, firmy, akademickou obec a občanskou společnost?",
            "pl": "Czy projekt łączy instytucje publiczne, przedsiębiorstwa, środowisko akademickie i społeczeństwo obywatelskie?",
            "hu": "Összefogja-e a projekt a közintézményeket, a vállalkozásokat, a tudományos szférát és a civil társadalmat?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Cost-effectiveness",
            "sk": "Nákladová efektívnosť",
            "cs": "Nákladová efektivita",
            "pl": "Efektywność kosztowa",
            "hu": "Költséghatékonyság",
        },
        {
            "en": "Are the results proportionate to the money and effort spent?",
            "sk": "Sú výsledky primerané vynaloženým prostriedkom a úsiliu?",
            "cs": "Jsou výsledky přiměřené vynaloženým prostředkům a úsilí?",
            "pl": "Czy rezultaty są proporcjonalne do poniesionych nakładów finansowych i pracy?",
            "hu": "Arányosak-e az eredmények a ráfordított pénzzel és munkával?",
        },
    ),
)

# The six dimensions of the European smart-city model (Giffinger et al.) that the region's city
# indexes score; equal weights, as the indexes give them.
PILLAR_CRITERIA = (
    _criterion(
        "1",
        {
            "en": "Smart governance",
            "sk": "Inteligentná správa",
            "cs": "Chytrá správa",
            "pl": "Inteligentne zarządzanie",
            "hu": "Okos kormányzás",
        },
        {
            "en": "Does the project make the municipality's decisions and services more open, transparent and efficient: e-government, open data, participation in decisions?",
            "sk": "Robí projekt rozhodovanie a služby samosprávy otvorenejšími, transparentnejšími a efektívnejšími: elektronická správa, otvorené dáta, účasť na rozhodovaní?",
            "cs": "Činí projekt rozhodování a služby obce otevřenějšími, transparentnějšími a efektivnějšími: elektronická správa, otevřená data, účast na rozhodování?",
            "pl": "Czy projekt sprawia, że decyzje i usługi gminy są bardziej otwarte, przejrzyste i sprawne: e-administracja, otwarte dane, udział w podejmowaniu decyzji?",
            "hu": "Nyitottabbá, átláthatóbbá és hatékonyabbá teszi-e a projekt az önkormányzat döntéseit és szolgáltatásait: e-közigazgatás, nyílt adatok, részvétel a döntésekben?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Smart people",
            "sk": "Inteligentní ľudia",
            "cs": "Chytří lidé",
            "pl": "Inteligentni mieszkańcy",
            "hu": "Okos emberek",
        },
        {
            "en": "Does the project build digital skills, education and inclusion, so that everyone can take part in the community's life?",
            "sk": "Rozvíja projekt digitálne zručnosti, vzdelávanie a začlenenie, aby sa každý mohol zapojiť do života komunity?",
            "cs": "Rozvíjí projekt digitální dovednosti, vzdělávání a začlenění, aby se každý mohl zapojit do života komunity?",
            "pl": "Czy projekt rozwija kompetencje cyfrowe, edukację i włączenie społeczne, tak aby każdy mógł uczestniczyć w życiu wspólnoty?",
            "hu": "Fejleszti-e a projekt a digitális készségeket, az oktatást és a befogadást, hogy mindenki részt vehessen a közösség életében?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Smart environment",
            "sk": "Inteligentné životné prostredie",
            "cs": "Chytré životní prostředí",
            "pl": "Inteligentne środowisko",
            "hu": "Okos környezet",
        },
        {
            "en": "Does the project reduce emissions, energy use, waste or pollution, or help the community adapt to climate change?",
            "sk": "Znižuje projekt emisie, spotrebu energie, odpad alebo znečistenie, alebo pomáha komunite prispôsobiť sa zmene klímy?",
            "cs": "Snižuje projekt emise, spotřebu energie, odpad nebo znečištění, nebo pomáhá komunitě přizpůsobit se změně klimatu?",
            "pl": "Czy projekt ogranicza emisje, zużycie energii, odpady lub zanieczyszczenia albo pomaga wspólnocie dostosować się do zmian klimatu?",
            "hu": "Csökkenti-e a projekt a kibocsátást, az energiafelhasználást, a hulladékot vagy a szennyezést, vagy segíti-e a közösség alkalmazkodását az éghajlatváltozáshoz?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Smart living",
            "sk": "Inteligentné bývanie",
            "cs": "Chytré bydlení",
            "pl": "Inteligentne życie",
            "hu": "Okos életminőség",
        },
        {
            "en": "Does the project improve the quality of life: health, safety, housing, culture and social services?",
            "sk": "Zlepšuje projekt kvalitu života: zdravie, bezpečnosť, bývanie, kultúru a sociálne služby?",
            "cs": "Zlepšuje projekt kvalitu života: zdraví, bezpečnost, bydlení, kulturu a sociální služby?",
            "pl": "Czy projekt poprawia jakość życia: zdrowie, bezpieczeństwo, mieszkalnictwo, kulturę i usługi społeczne?",
            "hu": "Javítja-e a projekt az életminőséget: az egészséget, a biztonságot, a lakhatást, a kultúrát és a szociális szolgáltatásokat?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Smart mobility",
            "sk": "Inteligentná mobilita",
            "cs": "Chytrá mobilita",
            "pl": "Inteligentna mobilność",
            "hu": "Okos mobilitás",
        },
        {
            "en": "Does the project make getting around easier, cleaner and safer: public transport, cycling, walking, shared and accessible mobility?",
            "sk": "Robí projekt dopravu jednoduchšou, čistejšou a bezpečnejšou: verejná doprava, cyklistika, chôdza, zdieľaná a bezbariérová mobilita?",
            "cs": "Činí projekt dopravu jednodušší, čistší a bezpečnější: veřejná doprava, cyklistika, chůze, sdílená a bezbariérová mobilita?",
            "pl": "Czy projekt sprawia, że przemieszczanie się jest łatwiejsze, czystsze i bezpieczniejsze: transport publiczny, rower, ruch pieszy, mobilność współdzielona i dostępna?",
            "hu": "Egyszerűbbé, tisztábbá és biztonságosabbá teszi-e a projekt a közlekedést: tömegközlekedés, kerékpározás, gyaloglás, megosztott és akadálymentes mobilitás?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Smart economy",
            "sk": "Inteligentná ekonomika",
            "cs": "Chytrá ekonomika",
            "pl": "Inteligentna gospodarka",
            "hu": "Okos gazdaság",
        },
        {
            "en": "Does the project strengthen the local economy: entrepreneurship, innovation, jobs, tourism and productivity?",
            "sk": "Posilňuje projekt miestnu ekonomiku: podnikanie, inovácie, pracovné miesta, cestovný ruch a produktivitu?",
            "cs": "Posiluje projekt místní ekonomiku: podnikání, inovace, pracovní místa, cestovní ruch a produktivitu?",
            "pl": "Czy projekt wzmacnia lokalną gospodarkę: przedsiębiorczość, innowacje, miejsca pracy, turystykę i produktywność?",
            "hu": "Erősíti-e a projekt a helyi gazdaságot: a vállalkozást, az innovációt, a munkahelyeket, a turizmust és a termelékenységet?",
        },
    ),
)

# The criteria of the Czech Chytrá města (Smart Cities) competition; equal weights to start from.
CHYTRA_MESTA_CRITERIA = (
    _criterion(
        "1",
        {
            "en": "Feasibility",
            "sk": "Realizovateľnosť",
            "cs": "Proveditelnost",
            "pl": "Wykonalność",
            "hu": "Megvalósíthatóság",
        },
        {
            "en": "Is the project realistic and well prepared: a clear plan, budget, responsibilities and managed risks, or is it already running?",
            "sk": "Je projekt realistický a dobre pripravený: jasný plán, rozpočet, zodpovednosti a riadené riziká, alebo už funguje?",
            "cs": "Je projekt realistický a dobře připravený: jasný plán, rozpočet, odpovědnosti a řízená rizika, nebo už běží?",
            "pl": "Czy projekt jest realistyczny i dobrze przygotowany: jasny plan, budżet, podział odpowiedzialności i kontrolowane ryzyka, czy też już działa?",
            "hu": "Reális és jól előkészített-e a projekt: világos terv, költségvetés, felelősségi körök és kezelt kockázatok, vagy már működik?",
        },
    ),
    _criterion(
        "1",
        {"en": "Sustainability", "sk": "Udržateľnosť", "cs": "Udržitelnost", "pl": "Trwałość", "hu": "Fenntarthatóság"},
        {
            "en": "Will the solution keep working and be maintained after the project ends, financially, technically and organisationally?",
            "sk": "Bude riešenie fungovať a bude udržiavané aj po skončení projektu, finančne, technicky a organizačne?",
            "cs": "Bude řešení fungovat a bude udržováno i po skončení projektu, finančně, technicky a organizačně?",
            "pl": "Czy rozwiązanie będzie działać i będzie utrzymywane po zakończeniu projektu, finansowo, technicznie i organizacyjnie?",
            "hu": "Működik-e tovább és fenntartják-e a megoldást a projekt lezárása után, pénzügyileg, műszakilag és szervezetileg?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Demonstrated savings",
            "sk": "Preukázané úspory",
            "cs": "Prokázané úspory",
            "pl": "Wykazane oszczędności",
            "hu": "Igazolt megtakarítások",
        },
        {
            "en": "Has the project demonstrably saved money, energy, time or other resources? Are the savings measured and documented?",
            "sk": "Ušetril projekt preukázateľne peniaze, energiu, čas alebo iné zdroje? Sú úspory zmerané a zdokumentované?",
            "cs": "Ušetřil projekt prokazatelně peníze, energii, čas nebo jiné zdroje? Jsou úspory změřené a zdokumentované?",
            "pl": "Czy projekt w wykazany sposób zaoszczędził pieniądze, energię, czas lub inne zasoby? Czy oszczędności są zmierzone i udokumentowane?",
            "hu": "Igazolhatóan megtakarított-e a projekt pénzt, energiát, időt vagy más erőforrást? Mérték és dokumentálták-e a megtakarítást?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Open data",
            "sk": "Otvorené dáta",
            "cs": "Otevřená data",
            "pl": "Otwarte dane",
            "hu": "Nyílt adatok",
        },
        {
            "en": "Does the project publish its data as open data, in machine-readable formats and under an open licence?",
            "sk": "Zverejňuje projekt svoje dáta ako otvorené dáta, v strojovo čitateľných formátoch a pod otvorenou licenciou?",
            "cs": "Zveřejňuje projekt svá data jako otevřená data, ve strojově čitelných formátech a pod otevřenou licencí?",
            "pl": "Czy projekt udostępnia swoje dane jako otwarte dane, w formatach nadających się do odczytu maszynowego i na otwartej licencji?",
            "hu": "Nyílt adatként, géppel olvasható formátumban és nyílt licenc alatt teszi-e közzé a projekt az adatait?",
        },
    ),
    _criterion(
        "1",
        {
            "en": "Public involvement",
            "sk": "Zapojenie verejnosti",
            "cs": "Zapojení veřejnosti",
            "pl": "Zaangażowanie społeczności",
            "hu": "A lakosság bevonása",
        },
        {
            "en": "Were residents and local stakeholders involved in preparing and running the project, and is it explained to the public?",
            "sk": "Boli obyvatelia a miestni aktéri zapojení do prípravy a realizácie projektu a je projekt vysvetlený verejnosti?",
            "cs": "Byli obyvatelé a místní aktéři zapojeni do přípravy a realizace projektu a je projekt vysvětlen veřejnosti?",
            "pl": "Czy mieszkańcy i lokalni interesariusze uczestniczyli w przygotowaniu i realizacji projektu i czy jest on wyjaśniany opinii publicznej?",
            "hu": "Bevonták-e a lakosokat és a helyi érintetteket a projekt előkészítésébe és megvalósításába, és ismertetik-e a projektet a nyilvánossággal?",
        },
    ),
)


def builtin_templates() -> list[RubricTemplate]:
    return [
        RubricTemplate(
            key="v4-award",
            name=_("The V4 award's rubric"),
            description=_(
                "Eight criteria, from innovation and impact on citizens to cost-effectiveness, weighted as the V4 award weighs them."
            ),
            criteria=V4_CRITERIA,
        ),
        RubricTemplate(
            key="smart-city-pillars",
            name=_("The six smart-city pillars"),
            description=_(
                "Smart governance, people, environment, living, mobility and economy, with equal weights, as the region's city indexes use them."
            ),
            criteria=PILLAR_CRITERIA,
        ),
        RubricTemplate(
            key="chytra-mesta",
            name=_("The criteria of the Czech Chytrá města competition"),
            description=_(
                "Feasibility, sustainability, demonstrated savings, open data and public involvement, with equal weights."
            ),
            criteria=CHYTRA_MESTA_CRITERIA,
        ),
    ]


def _texts(obj, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code}") or "" for code in LANGUAGES}


def edition_template(source: Edition, criteria=None) -> RubricTemplate:
    """An earlier edition's rubric as a template, with every language it has."""
    if criteria is None:
        criteria = source.criteria.order_by("position", "id")
    return RubricTemplate(
        key=f"{EDITION_PREFIX}{source.pk}",
        name=gettext("The rubric of %(edition)s") % {"edition": source.name},
        description="",
        criteria=tuple(
            CriterionTemplate(
                name=_texts(c, "name"),
                guidance=_texts(c, "guidance"),
                weight=c.weight,
                levels=_texts(c, "level_descriptors"),
                min_value=c.min_value,
                max_value=c.max_value,
                step=c.step,
            )
            for c in criteria
        ),
    )


def _source_editions(edition: Edition, user: User | None) -> QuerySet[Edition]:
    """The other editions whose rubric may be copied: those the person organises (an unpublished
    edition's rubric is not public), with a rubric."""
    editions = editions_organised_by(user) if user is not None else Edition.objects.none()
    return editions.exclude(pk=edition.pk).filter(criteria__isnull=False).distinct().order_by("-year", "-id")


def available_templates(edition: Edition, user: User | None = None) -> list[RubricTemplate]:
    """The templates to offer on the edition's rubric step: the built-in ones, then the rubric of
    every other edition `user` organises (newest first). Two queries whatever the number."""
    sources = _source_editions(edition, user).prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id"))
    )
    return builtin_templates() + [edition_template(source, source.criteria.all()) for source in sources]


def template_get(key: str, *, edition: Edition, user: User | None) -> RubricTemplate:
    for template in builtin_templates():
        if template.key == key:
            return template
    if key.startswith(EDITION_PREFIX) and key[len(EDITION_PREFIX) :].isdigit():
        source = _source_editions(edition, user).filter(pk=int(key[len(EDITION_PREFIX) :])).first()
        if source is not None:
            return edition_template(source)
    raise ValidationError(gettext("Choose one of the rubric templates offered."), code="invalid")


def _translated(field: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{code}": texts.get(code, "") for code in LANGUAGES}


@transaction.atomic
def rubric_apply_template(*, edition: Edition, template: str | RubricTemplate, actor: User) -> list[Criterion]:
    """Replace the edition's rubric by the template's criteria (names, guidance and level
    descriptors in every language, weights, ranges, steps, order). Refused once a juror has
    scored against the rubric."""
    require_organiser(actor, edition)
    if isinstance(template, str):
        template = template_get(template, edition=edition, user=actor)
    # Serialise with scoring: a score saved while the rubric is being replaced would be orphaned.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    if Criterion.objects.filter(edition=edition, scores__isnull=False).exists():
        raise ValidationError(
            gettext("Jurors have already scored against this rubric; it can no longer be replaced."),
            code="locked",
        )
    removed = edition.criteria.count()
    edition.criteria.all().delete()
    criteria = []
    for position, item in enumerate(template.criteria, start=1):
        criterion = Criterion(
            edition=edition,
            weight=item.weight,
            min_value=item.min_value,
            max_value=item.max_value,
            step=item.step,
            position=position,
            **_translated("name", item.name),
            **_translated("guidance", item.guidance),
            **_translated("level_descriptors", item.levels),
        )
        criteria.append(criterion)
    for criterion in criteria:
        criterion.save()
    audit_log(
        actor=actor,
        action="rubric.apply_template",
        target=edition,
        edition=edition,
        data={"template": template.key, "criteria": len(criteria), "replaced": removed},
    )
    return criteria


# --- Categories by the size of the municipality ----------------------------------------------

NBSP = "\u00a0"


@dataclass(frozen=True)
class CategoryTemplate:
    slug: str
    name: dict[str, str]
    population_min: int | None = None
    population_max: int | None = None


def _n(value: int, language: str) -> str:
    """10,000 in English, 10 000 (a non-breaking space) in the other four languages."""
    text = f"{value:,}"
    return text if language == "en" else text.replace(",", NBSP)


def _size_names(low: int | None, high: int | None) -> dict[str, str]:
    if low is None:
        return {
            "en": f"Municipalities under {_n(high + 1, 'en')} inhabitants",
            "sk": f"Obce do {_n(high + 1, 'sk')} obyvateľov",
            "cs": f"Obce do {_n(high + 1, 'cs')} obyvatel",
            "pl": f"Gminy do {_n(high + 1, 'pl')} mieszkańców",
            "hu": f"{_n(high + 1, 'hu')} lakos alatti települések",
        }
    if high is None:
        return {
            "en": f"Cities over {_n(low, 'en')} inhabitants",
            "sk": f"Mestá nad {_n(low, 'sk')} obyvateľov",
            "cs": f"Města nad {_n(low, 'cs')} obyvatel",
            "pl": f"Miasta powyżej {_n(low, 'pl')} mieszkańców",
            "hu": f"{_n(low, 'hu')} lakos feletti városok",
        }
    top = high + 1
    return {
        "en": f"Municipalities of {_n(low, 'en')}–{_n(top, 'en')} inhabitants",
        "sk": f"Obce a mestá s {_n(low, 'sk')} – {_n(top, 'sk')} obyvateľmi",
        "cs": f"Obce a města s {_n(low, 'cs')}–{_n(top, 'cs')} obyvateli",
        "pl": f"Gminy od {_n(low, 'pl')} do {_n(top, 'pl')} mieszkańców",
        "hu": f"{_n(low, 'hu')}–{_n(top, 'hu')} lakosú települések",
    }


SIZE_CATEGORIES = (
    CategoryTemplate("under-10000", _size_names(None, 9_999), 0, 9_999),
    CategoryTemplate("10000-50000", _size_names(10_000, 49_999), 10_000, 49_999),
    CategoryTemplate("50000-200000", _size_names(50_000, 199_999), 50_000, 199_999),
    CategoryTemplate("over-200000", _size_names(200_000, None), 200_000, None),
    CategoryTemplate(
        "region", {"en": "Regions", "sk": "Regióny", "cs": "Kraje a regiony", "pl": "Regiony", "hu": "Régiók"}
    ),
    CategoryTemplate(
        "national",
        {
            "en": "National projects",
            "sk": "Celoštátne projekty",
            "cs": "Celostátní projekty",
            "pl": "Projekty ogólnokrajowe",
            "hu": "Országos projektek",
        },
    ),
    CategoryTemplate(
        "international",
        {
            "en": "International projects",
            "sk": "Medzinárodné projekty",
            "cs": "Mezinárodní projekty",
            "pl": "Projekty międzynarodowe",
            "hu": "Nemzetközi projektek",
        },
    ),
)

CATEGORY_TEMPLATES = {"municipality-size": SIZE_CATEGORIES}


def available_category_templates() -> list[tuple[str, str]]:
    return [("municipality-size", _("Categories by the size of the municipality"))]


@transaction.atomic
def categories_apply_template(
    *, edition: Edition, template: str = "municipality-size", actor: User, finalists_count: int = 3
) -> list[Category]:
    """Add the template's categories (with their population bands and names in five languages)
    after the edition's own; a category whose slug exists already is left as it is."""
    require_organiser(actor, edition)
    items = CATEGORY_TEMPLATES.get(template)
    if items is None:
        raise ValidationError(gettext("Choose one of the category templates offered."), code="invalid")
    existing = set(edition.categories.values_list("slug", flat=True))
    start = max(edition.categories.values_list("position", flat=True), default=0)
    created = []
    for offset, item in enumerate((i for i in items if i.slug not in existing), start=1):
        category = Category(
            edition=edition,
            slug=item.slug,
            position=start + offset,
            finalists_count=finalists_count,
            population_min=item.population_min,
            population_max=item.population_max,
            **_translated("name", item.name),
        )
        category.save()
        created.append(category)
    audit_log(
        actor=actor,
        action="categories.apply_template",
        target=edition,
        edition=edition,
        data={"template": template, "created": [c.slug for c in created]},
    )
    return created


def size_bands(edition: Edition) -> list[tuple[int, int, int | None]]:
    """(category id, from, up to) of the edition's categories by size, in one query, for the
    suggestion (the application page's script gets the same list)."""
    rows = (
        edition.categories.filter(Q(population_min__isnull=False) | Q(population_max__isnull=False))
        .order_by("position", "id")
        .values_list("pk", "population_min", "population_max")
    )
    return [(pk, low or 0, high) for pk, low, high in rows]


def category_suggest(
    *, edition: Edition, population: int | None, organisation_type: str = "", bands=None
) -> int | None:
    """The id of the category whose population band holds `population`, or None. The bands are
    for municipalities: a region, a company or another body chooses its category itself."""
    if population is None or population < 0:
        return None
    if organisation_type and organisation_type != OrganisationType.MUNICIPALITY:
        return None
    for pk, low, high in size_bands(edition) if bands is None else bands:
        if population >= low and (high is None or population <= high):
            return pk
    return None
