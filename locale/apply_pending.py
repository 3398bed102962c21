"""Refresh the catalogues: makemessages, merge translations from locale/pending/*.json, compile.

Each pending file maps an English msgid to its translations, for example
    {"Save draft": {"sk": "Uložiť koncept", "cs": "Uložit koncept", "pl": "Zapisz szkic", "hu": "Piszkozat mentése"}}
an entry with a context (pgettext) as "context\u0004msgid", e.g. "person\u0004Name";
and, for a plural entry, lists of forms:
    {"%(n)s project": {"plural": "%(n)s projects", "sk": ["…", "…", "…"], ...}}
Run: .venv/bin/python locale/apply_pending.py [--missing]   (--missing lists untranslated entries)
Several people may run it at once; a file lock serialises them. After merging, fold the pending
files into the .po files for good by deleting them (the .po files are the source of truth).
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["sk", "cs", "pl", "hu"]
PYTHON = sys.executable


def main() -> int:
    with open("/tmp/award-locale.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [
                PYTHON,
                "manage.py",
                "makemessages",
                "--no-obsolete",
                "--no-location",
                "-l",
                "en",
                *[arg for lang in LANGS for arg in ("-l", lang)],
                "-i",
                ".venv/*",
                "-i",
                "bench/*",
                "-i",
                "tests/*",
                "-i",
                "locale/*",
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        pending: dict = {}
        for path in sorted((ROOT / "locale" / "pending").glob("*.json")):
            pending.update(json.loads(path.read_text(encoding="utf-8")))
        missing: dict[str, list[str]] = {}
        for lang in LANGS:
            po_path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
            po = polib.pofile(str(po_path), wrapwidth=0)
            for entry in po:
                if entry.obsolete:
                    continue
                # An entry with a context (pgettext) is keyed "context\u0004msgid", as gettext does, so that
                # "Name" of a thing never overwrites "Name" of a person.
                key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
                given = pending.get(key, {}).get(lang)
                if given is not None:
                    if entry.msgid_plural:
                        forms = given if isinstance(given, list) else [given]
                        entry.msgstr_plural = {i: form for i, form in enumerate(forms)}
                    else:
                        entry.msgstr = given
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    # msgfmt refuses a "#| msgid_plural" left without its "#| msgid".
                    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                elif "fuzzy" in entry.flags:
                    # A guess by msgmerge is not a translation.
                    entry.flags.remove("fuzzy")
                    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
                    if entry.msgid_plural:
                        entry.msgstr_plural = {i: "" for i in entry.msgstr_plural}
                    else:
                        entry.msgstr = ""
                empty = not all(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr
                if empty:
                    missing.setdefault(lang, []).append(entry.msgid)
            po.metadata_is_fuzzy = False
            po.save(str(po_path))
        subprocess.run(
            [PYTHON, "manage.py", "compilemessages", "-i", ".venv"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )
    for lang in LANGS:
        print(f"{lang}: {len(missing.get(lang, []))} untranslated")
    if "--missing" in sys.argv:
        for msgid in sorted({m for items in missing.values() for m in items}):
            print(json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
