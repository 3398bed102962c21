"""Each language uses one word per award term (issue 21): the glossaries in locale/glossary/ name it, and
every msgstr whose msgid holds the English term must use one of its accepted forms, so that a new string
cannot bring a second word (žiadateľ next to prihlasovateľ, évad next to kiírás) back."""

import importlib.util
import json
import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
GLOSSARY = LOCALE / "glossary"
LANGS = ["sk", "cs", "pl", "hu"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
REQUIRED_TERMS = [
    "applicant", "application", "juror", "jury", "jury chair", "organiser", "edition", "call", "category",
    "criterion", "rubric", "weight", "round", "shortlist round", "final round", "assignment",
    "conflict of interest", "score", "review", "finalise", "reopen", "draft", "submit", "withdraw", "eligible",
    "finalist", "winner", "special award", "audience prize", "ranking", "certificate", "revoke", "ceremony",
    "results", "deadline", "blind review",
]  # fmt: skip


def _load(name: str) -> dict:
    """The terms of a glossary file; keys starting with "_" are notes, not terms."""
    data = json.loads((GLOSSARY / f"{name}.json").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def _avoided(lang: str) -> dict[str, list[str]]:
    """Words the language's glossary rules out anywhere (the second words that were found, the register)."""
    data = json.loads((GLOSSARY / f"{lang}.json").read_text(encoding="utf-8"))
    return {key: value["avoid"] for key, value in data.items() if isinstance(value, dict) and value.get("avoid")}


def _entries(lang: str):
    for entry in polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po")):
        if entry.obsolete:
            continue
        texts = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        # A placeholder such as %(edition)s or {{ round }} names a value, not the word.
        texts = [PLACEHOLDER.sub("", text) for text in texts]
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        yield entry, " ".join(texts), forms


def glossary_problems(lang: str) -> list[str]:
    """Every (msgid, term) pair whose translation lacks the term's accepted forms, and every use of a word the
    glossary rules out."""
    terms = _load("terms")
    local = _load(lang)
    problems = []
    for entry, english, forms in _entries(lang):
        for term, rule in terms.items():
            if not re.search(rule["match"], english, re.I):
                continue
            if rule.get("exclude") and re.search(rule["exclude"], english, re.I):
                continue
            accepted = local[term]["forms"]
            for form in forms:
                if not any(re.search(pattern, form, re.I) for pattern in accepted):
                    problems.append(f"{term!r} ({local[term]['term']}): {entry.msgid!r} -> {form!r}")
        for term, patterns in _avoided(lang).items():
            for pattern in patterns:
                for form in forms:
                    if re.search(pattern, form, re.I):
                        problems.append(f"{term!r} avoids {pattern!r}: {entry.msgid!r} -> {form!r}")
    return problems


def test_glossary_covers_the_required_terms():
    terms = _load("terms")
    assert sorted(set(REQUIRED_TERMS) - set(terms)) == []
    for lang in LANGS:
        local = _load(lang)
        assert sorted(set(REQUIRED_TERMS) - set(local)) == [], lang
        for term, spec in local.items():
            assert spec["term"] and spec["note"] and spec["forms"], (lang, term)
            # Each form must accept the glossary's own term, or the rule could never be met.
            assert any(re.search(p, spec["term"], re.I) for p in spec["forms"]), (lang, term)


def test_glossary_matches_english_precisely():
    terms = _load("terms")

    def hits(term, text):
        rule = terms[term]
        return bool(re.search(rule["match"], text, re.I)) and not (
            rule.get("exclude") and re.search(rule["exclude"], text, re.I)
        )

    assert hits("score", "The score must be a multiple of 2.")
    assert hits("score", "Official score (median)")
    assert not hits("score", "You cannot score it.")
    assert not hits("score", "Standardised mean (z-scores)")
    assert hits("juror", "The juror's profile is saved.")
    assert not hits("jury", "Jury chair")
    assert hits("round", "final-round assignments")
    assert not hits("results", "results and measurable impact")


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_uses_the_glossary_terms(lang):
    assert glossary_problems(lang) == []


def test_glossary_readme_is_current():
    # The readable page is generated from the JSON files; a stale page would mislead translators.
    spec = importlib.util.spec_from_file_location("glossary_render", GLOSSARY / "render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    assert (GLOSSARY / "README.md").read_text(encoding="utf-8") == render.render()
