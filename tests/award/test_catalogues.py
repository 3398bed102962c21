"""Every catalogue is complete: no untranslated and no fuzzy entry, placeholders intact."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


@pytest.mark.parametrize("lang", ["sk", "cs", "pl", "hu"])
def test_catalogue_complete(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid}")
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(forms):
            problems.append(f"untranslated: {entry.msgid}")
            continue
        expected = set(PLACEHOLDER.findall(entry.msgid))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != expected:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {form!r}")
    assert problems == []
    # The compiled catalogue that Django reads must hold the same translations.
    # Keyed by context too: "Name" of a person and "Name" of a thing are two entries.
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    stale = [
        e.msgid for e in po if not e.obsolete and not e.msgid_plural and compiled.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert stale == [], "run: .venv/bin/python locale/apply_pending.py"
