"""Write locale/glossary/README.md from the glossary files: python locale/glossary/render.py"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ["sk", "cs", "pl", "hu"]
INTRO = """# Glossary of the award's terms

One word per term and language, chosen as a public-sector or award professional would say it. The
catalogues (locale/*/LC_MESSAGES/django.po) must follow it: tests/award/test_glossary.py checks that every
msgstr whose msgid holds an English term uses one of the term's accepted forms, and that no word the glossary
rules out ("avoid") comes back.

- `terms.json`: how each English term is found in a msgid (`match`, a case-insensitive regular expression
  with the English inflections) and the few senses that are not the term (`exclude`, with `why`).
- `sk.json`, `cs.json`, `pl.json`, `hu.json`: per term, the one translation (`term`), a note on its grammar
  (`note`), the accepted forms (`forms`, regular expressions covering the inflections) and words ruled out
  (`avoid`).
- Register: formal (vykanie, vykání, magázás) in sk, cs and hu; Polish informal (ty) but gender-neutral (no
  "wpisałeś"), formal (Państwo, impersonal) on certificates and official emails.

To add a term: add it to terms.json and to the four language files, then run
`python locale/glossary/render.py` to refresh this page. A new string that needs another word for a term
in a different sense gets an `exclude` with a `why`, not a second word.

"""


def load(name: str) -> dict:
    data = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def render() -> str:
    terms = load("terms")
    local = {lang: load(lang) for lang in LANGS}
    lines = [INTRO, "| English | " + " | ".join(LANGS) + " |", "|---" * (len(LANGS) + 1) + "|"]
    for term in terms:
        cells = [local[lang][term]["term"] for lang in LANGS]
        lines.append(f"| {term} | " + " | ".join(cells) + " |")
    lines.append("")
    for lang in LANGS:
        lines.append(f"## {lang}: grammar notes")
        lines.append("")
        for term in terms:
            lines.append(f"- **{term}**: {local[lang][term]['term']} ({local[lang][term]['note']})")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    (HERE / "README.md").write_text(render(), encoding="utf-8")
