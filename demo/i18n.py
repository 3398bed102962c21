"""Slovak, Czech, Polish and Hungarian texts of the demo editions' organiser content (the
English originals are in demo/content.py), so that the demo shows content in the reader's
language and its editions pass the set-up checklist (award.setup.readiness) in all five: a copy
of one for next year can open its call. The rubric's texts come with the V4 rubric template
(award.rubric_templates.V4_CRITERIA). Terms follow locale/glossary."""

# The award's name is a brand: the catalogues keep "V4 Smart Project Award" in every language
# (msgid "V4 Smart Project Award"), so an edition's name is the same in all five.
AWARD_NAME = {language: "V4 Smart Project Award" for language in ("sk", "cs", "pl", "hu")}

DESCRIPTION = {
    "sk": (
        "Ocenenie sa udeľuje projektom inteligentných miest a regiónov zo Slovenska, Česka, Poľska a Maďarska, "
        "ktoré pomocou digitálnych riešení reagujú na spoločenské výzvy: starnutie obyvateľstva, migráciu, "
        "životné prostredie, mobilitu, verejné služby, zapojenie občanov a kybernetickú bezpečnosť."
    ),
    "cs": (
        "Ocenění se uděluje projektům chytrých měst a regionů ze Slovenska, Česka, Polska a Maďarska, "
        "které pomocí digitálních řešení reagují na společenské výzvy: stárnutí obyvatelstva, migraci, "
        "životní prostředí, mobilitu, veřejné služby, zapojení občanů a kybernetickou bezpečnost."
    ),
    "pl": (
        "Nagroda wyróżnia projekty inteligentnych miast i regionów ze Słowacji, Czech, Polski i Węgier, "
        "które dzięki rozwiązaniom cyfrowym odpowiadają na wyzwania społeczne: starzenie się społeczeństwa, "
        "migrację, ochronę środowiska, mobilność, usługi publiczne, udział mieszkańców i cyberbezpieczeństwo."
    ),
    "hu": (
        "A díjat olyan szlovákiai, csehországi, lengyelországi és magyarországi okosváros- és okosrégió-projektek "
        "kapják, amelyek digitális megoldásokkal válaszolnak a társadalmi kihívásokra: a népesség öregedésére, "
        "a migrációra, a környezet védelmére, a mobilitásra, a közszolgáltatásokra, az állampolgári részvételre "
        "és a kiberbiztonságra."
    ),
}

# Signatories' titles by their English title (demo.content.SIGNATORIES). The chair of the jury
# is a woman (Ľubica): the glossary's feminine forms.
SIGNATORY_TITLES = {
    "Chair of the jury": {
        "sk": "Predsedníčka poroty",
        "cs": "Předsedkyně poroty",
        "pl": "Przewodnicząca jury",
        "hu": "Zsűrielnök",
    },
    "Programme director": {
        "sk": "Programový riaditeľ",
        "cs": "Programový ředitel",
        "pl": "Dyrektor programowy",
        "hu": "Programigazgató",
    },
}


CATEGORY_NAMES = {
    "smart-city": {"sk": "Inteligentné mesto", "cs": "Chytré město", "pl": "Inteligentne miasto", "hu": "Okos város"},
    "smart-region": {
        "sk": "Inteligentný región",
        "cs": "Chytrý region",
        "pl": "Inteligentny region",
        "hu": "Okos régió",
    },
    "digital-public-services": {
        "sk": "Digitálne verejné služby",
        "cs": "Digitální veřejné služby",
        "pl": "Cyfrowe usługi publiczne",
        "hu": "Digitális közszolgáltatások",
    },
    "cyber-security": {
        "sk": "Kybernetická bezpečnosť",
        "cs": "Kybernetická bezpečnost",
        "pl": "Cyberbezpieczeństwo",
        "hu": "Kiberbiztonság",
    },
}

CATEGORY_DESCRIPTIONS = {
    "smart-city": {
        "sk": "Digitálne riešenia založené na dátach, vďaka ktorým mesto lepšie slúži ľuďom, ktorí v ňom žijú.",
        "cs": "Digitální řešení založená na datech, díky nimž město lépe slouží lidem, kteří v něm žijí.",
        "pl": "Cyfrowe rozwiązania oparte na danych, dzięki którym miasto lepiej służy swoim mieszkańcom.",
        "hu": "Digitális, adatvezérelt megoldások, amelyekkel a város jobban szolgálja az ott élőket.",
    },
    "smart-region": {
        "sk": "Riešenia, ktoré prepájajú mestá, obce a ich región: služby na vidieku, regionálna mobilita, spoločná infraštruktúra.",
        "cs": "Řešení, která propojují města, obce a jejich region: služby na venkově, regionální mobilita, sdílená infrastruktura.",
        "pl": "Rozwiązania łączące miasta, wsie i ich region: usługi na obszarach wiejskich, mobilność regionalna, wspólna infrastruktura.",
        "hu": "Városokat, falvakat és térségüket összekötő megoldások: vidéki szolgáltatások, regionális mobilitás, közös infrastruktúra.",
    },
    "digital-public-services": {
        "sk": "Verejné služby, ktoré občania a firmy vybavia online od začiatku do konca, vo svojom jazyku.",
        "cs": "Veřejné služby, které občané a firmy vyřídí online od začátku do konce, ve svém jazyce.",
        "pl": "Usługi publiczne, z których mieszkańcy i firmy mogą w pełni korzystać online, we własnym języku.",
        "hu": "Közszolgáltatások, amelyeket a polgárok és a vállalkozások elejétől végéig online, a saját nyelvükön intézhetnek.",
    },
    "cyber-security": {
        "sk": "Projekty, vďaka ktorým sú verejné inštitúcie a ich občania online bezpečnejší: odolnosť, povedomie, bezpečná infraštruktúra.",
        "cs": "Projekty, díky nimž jsou veřejné instituce a jejich občané online bezpečnější: odolnost, povědomí, bezpečná infrastruktura.",
        "pl": "Projekty, dzięki którym instytucje publiczne i ich mieszkańcy są bezpieczniejsi w sieci: odporność, świadomość, bezpieczna infrastruktura.",
        "hu": "Projektek, amelyek biztonságosabbá teszik a közintézményeket és polgáraikat az interneten: ellenálló képesség, tudatosság, biztonságos infrastruktúra.",
    },
}

ROUND_NAMES = {
    1: {
        "sk": "1. kolo: užší výber",
        "cs": "1. kolo: užší výběr",
        "pl": "Runda 1: krótka lista",
        "hu": "1. forduló: előválogatás",
    },
    2: {"sk": "2. kolo: finále", "cs": "2. kolo: finále", "pl": "Runda 2: finał", "hu": "2. forduló: döntő"},
}

CEREMONY_PLACE = {
    "sk": "Bratislava, Slovensko",
    "cs": "Bratislava, Slovensko",
    "pl": "Bratysława, Słowacja",
    "hu": "Pozsony, Szlovákia",
}


def translated(field: str, texts: dict[str, str]) -> dict[str, str]:
    """Model keyword arguments for the other languages of a translated field: name_sk=…, …"""
    return {f"{field}_{language}": text for language, text in texts.items()}
