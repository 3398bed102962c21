"""Import a list of jurors from an .xlsx sheet: a preview with per-row errors, then the import.

openpyxl is imported here, inside the functions, rather than in reports/: this reads an
organiser's upload (input), and reports/ sits above scoring in the import order.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from award.enums import Country
from award.models import Edition, User
from award.rules import require_organiser
from award.services import audit_log
from scoring.jury.errors import ScoringError
from scoring.jury.jurors import juror_profile_save

COLUMNS = ["email", "first_name", "last_name", "organisation", "country", "panels", "expertise", "nominated_by"]
HEADER_ALIASES = {
    "email": "email",
    "e-mail": "email",
    "first name": "first_name",
    "first_name": "first_name",
    "last name": "last_name",
    "last_name": "last_name",
    "surname": "last_name",
    "organisation": "organisation",
    "organization": "organisation",
    "country": "country",
    "panels": "panels",
    "panel": "panels",
    "category panels": "panels",
    "expertise": "expertise",
    "nominated by": "nominated_by",
    "nominated_by": "nominated_by",
    "nomination": "nominated_by",
}
MAX_ROWS = 1000


@dataclass
class ImportRow:
    line: int
    data: dict
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _country(value: str) -> str | None:
    text = value.strip()
    if not text:
        return ""
    for code, label in Country.choices:
        if text.upper() == code or text.casefold() in {str(label).casefold(), code.casefold()}:
            return code
    names = {
        "slovakia": "SK",
        "slovensko": "SK",
        "czechia": "CZ",
        "czech republic": "CZ",
        "česko": "CZ",
        "poland": "PL",
        "polska": "PL",
        "hungary": "HU",
        "magyarország": "HU",
    }
    return names.get(text.casefold())


def jurors_import_preview(*, edition: Edition, file) -> list[ImportRow]:
    """Read the sheet and check every row; nothing is saved."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ScoringError(_("This file could not be read as an Excel .xlsx sheet."), code="invalid") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ScoringError(_("The sheet is empty."), code="invalid")
    names = [HEADER_ALIASES.get(str(h or "").strip().casefold()) for h in header]
    if "email" not in names:
        # No header row: the columns are in the documented order.
        names = COLUMNS
        rows = sheet.iter_rows(values_only=True)
        start = 1
    else:
        start = 2
    categories = {c.slug: c for c in edition.categories.all()}
    # A panel may be written by its name in any of the edition's languages.
    by_name = {
        text.casefold(): c
        for c in categories.values()
        for text in (getattr(c, f"name_{code}") for code, _name in settings.LANGUAGES)
        if text
    }
    result: list[ImportRow] = []
    seen: set[str] = set()
    for line, values in enumerate(rows, start=start):
        if values is None or all(v in (None, "") for v in values):
            continue
        if len(result) >= MAX_ROWS:
            raise ScoringError(_("The sheet has too many rows (at most 1000)."), code="invalid")
        raw = {
            name: str(values[i]).strip() if i < len(values) and values[i] is not None else ""
            for i, name in enumerate(names)
            if name
        }
        row = ImportRow(line=line, data={name: raw.get(name, "") for name in COLUMNS})
        email = row.data["email"].lower()
        row.data["email"] = email
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(_("“%(value)s” is not a valid email address.") % {"value": email or "—"})
        if email in seen:
            row.errors.append(_("This email address appears twice in the sheet."))
        seen.add(email)
        country = _country(row.data["country"])
        if country is None:
            row.errors.append(_("Unknown country “%(value)s” (use SK, CZ, PL or HU).") % {"value": row.data["country"]})
        else:
            row.data["country"] = country
        for key in ("panels", "expertise"):
            slugs = []
            for part in [p.strip() for p in row.data[key].replace(";", ",").split(",") if p.strip()]:
                category = categories.get(slugify(part)) or by_name.get(part.casefold())
                if category is None:
                    row.errors.append(_("Unknown category “%(value)s”.") % {"value": part})
                else:
                    slugs.append(category.slug)
            row.data[key] = slugs
        if not row.errors and User.objects.filter(email__iexact=email, is_active=False).exists():
            row.errors.append(_("This account is deactivated."))
        result.append(row)
    return result


def jurors_import(*, actor: User, edition: Edition, rows: list[dict], site_url: str, invite: bool = True) -> int:
    """Create or update the jurors of valid preview rows (and invite them); returns how many."""
    from scoring.jury.jurors import juror_invite

    require_organiser(actor, edition)
    categories = {c.slug: c for c in edition.categories.all()}
    count = 0
    with transaction.atomic():
        for data in rows:
            profile = {
                "email": data["email"],
                "first_name": data.get("first_name", ""),
                "last_name": data.get("last_name", ""),
                "organisation": data.get("organisation", ""),
                "country": data.get("country", ""),
                "panels": [categories[s] for s in data.get("panels", []) if s in categories],
                "expertise": [categories[s] for s in data.get("expertise", []) if s in categories],
                # An empty cell keeps a nomination recorded before.
                "nominated_by": (data.get("nominated_by") or "").strip()[:200] or None,
            }
            if invite:
                juror_invite(actor=actor, edition=edition, site_url=site_url, **profile)
            else:
                juror_profile_save(actor=actor, edition=edition, **profile)
            count += 1
        audit_log(actor=actor, action="jurors.import", target=edition, edition=edition, data={"rows": count})
    return count
