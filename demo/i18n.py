"""Slovak, Czech, Polish and Hungarian texts of the demo edition's organiser content (the
English originals are in demo/content.py), so that the demo shows content in the reader's
language. Guidance texts are left in English on purpose: they show the fallback."""

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

CRITERION_NAMES = {
    "Innovation": {"sk": "Inovatívnosť", "cs": "Inovativnost", "pl": "Innowacyjność", "hu": "Innováció"},
    "Impact on citizens": {
        "sk": "Prínos pre občanov",
        "cs": "Přínos pro občany",
        "pl": "Wpływ na mieszkańców",
        "hu": "Hatás a polgárokra",
    },
    "Sustainability": {"sk": "Udržateľnosť", "cs": "Udržitelnost", "pl": "Trwałość", "hu": "Fenntarthatóság"},
    "Replicability in the V4 region": {
        "sk": "Prenosnosť v regióne V4",
        "cs": "Přenositelnost v regionu V4",
        "pl": "Możliwość powielenia w regionie V4",
        "hu": "Átvehetőség a V4-régióban",
    },
    "Citizen participation": {
        "sk": "Zapojenie občanov",
        "cs": "Zapojení občanů",
        "pl": "Udział mieszkańców",
        "hu": "Állampolgári részvétel",
    },
    "Use of data and technology": {
        "sk": "Využitie dát a technológií",
        "cs": "Využití dat a technologií",
        "pl": "Wykorzystanie danych i technologii",
        "hu": "Adatok és technológia használata",
    },
    "Partnership": {"sk": "Partnerstvo", "cs": "Partnerství", "pl": "Partnerstwo", "hu": "Partnerség"},
    "Cost-effectiveness": {
        "sk": "Nákladová efektívnosť",
        "cs": "Nákladová efektivita",
        "pl": "Efektywność kosztowa",
        "hu": "Költséghatékonyság",
    },
}

LEVELS = {
    "sk": "0–3: slabé alebo nepreukázané\n4–6: primerané, s jasnými nedostatkami\n7–8: silné a dobre doložené\n9–10: vynikajúce, vzor pre ostatných",
    "cs": "0–3: slabé nebo neprokázané\n4–6: přiměřené, s jasnými nedostatky\n7–8: silné a dobře doložené\n9–10: vynikající, vzor pro ostatní",
    "pl": "0–3: słabe lub niewykazane\n4–6: wystarczające, z wyraźnymi brakami\n7–8: mocne i dobrze udokumentowane\n9–10: wybitne, wzór dla innych",
    "hu": "0–3: gyenge vagy nem igazolt\n4–6: megfelelő, egyértelmű hiányosságokkal\n7–8: erős és jól alátámasztott\n9–10: kiemelkedő, példa mások számára",
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
