"""Backup and restore of one edition: a zip archive with the edition's data as JSON (every row
of every model that reaches the edition through foreign keys, plus the people they reference)
and the files they point to (attachments, logos, certificates).

The models are discovered, not listed, so a model added later is backed up without touching
this file. Restoring keeps primary keys, which is why it needs a database without editions.
"""

import io
import json
import zipfile
from collections import deque
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from award.models import Edition
from submissions.services import edition_reference_counter_sync

APPS = ("award", "submissions", "scoring", "reports")
FORMAT_VERSION = 1
MAX_DEPTH = 4


def _paths_to_edition() -> list[tuple[type[models.Model], str]]:
    """For every model of our apps that reaches Edition by foreign keys, the shortest lookup path
    (e.g. Score -> "assignment__round__edition"). Ordered so that referenced models come first."""
    found: dict[type[models.Model], str] = {Edition: ""}
    candidates = [m for label in APPS for m in apps.get_app_config(label).get_models()]
    for model in candidates:
        if model is Edition:
            continue
        queue = deque([(model, "", 0)])
        seen = {model}
        while queue:
            current, path, depth = queue.popleft()
            if depth >= MAX_DEPTH:
                continue
            for field in current._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    continue
                target = field.related_model
                lookup = f"{path}__{field.name}" if path else field.name
                if target is Edition:
                    found[model] = lookup
                    queue.clear()
                    break
                if target not in seen and target._meta.app_label in APPS and target is not get_user_model():
                    seen.add(target)
                    queue.append((target, lookup, depth + 1))
    return _dependency_order(found)


def _dependency_order(found: dict) -> list[tuple[type[models.Model], str]]:
    ordered: list = []
    remaining = dict(found)
    while remaining:
        progressed = False
        for model, path in list(remaining.items()):
            deps = {
                f.related_model
                for f in model._meta.get_fields()
                if (f.many_to_one or f.one_to_one)
                and f.concrete
                and f.related_model in remaining
                and f.related_model is not model
            }
            if not deps:
                ordered.append((model, path))
                del remaining[model]
                progressed = True
        if not progressed:  # a cycle: keep the rest in any order; FK checks are deferred on restore
            ordered.extend(remaining.items())
            break
    return ordered


def edition_export(*, edition: Edition) -> bytes:
    groups = []
    user_ids: set[int] = set()
    files: set[str] = set()
    User = get_user_model()
    for model, path in _paths_to_edition():
        qs = model.objects.filter(pk=edition.pk) if model is Edition else model.objects.filter(**{path: edition})
        rows = list(qs.order_by("pk"))
        for row in rows:
            for field in model._meta.concrete_fields:
                if field.many_to_one and field.related_model is User and getattr(row, field.attname):
                    user_ids.add(getattr(row, field.attname))
                if isinstance(field, models.FileField) and getattr(row, field.name):
                    files.add(getattr(row, field.name).name)
        groups.append((model, rows))
    users = list(User.objects.filter(pk__in=user_ids).order_by("pk"))
    payload = {
        "format": FORMAT_VERSION,
        "edition": edition.slug,
        "objects": json.loads(serializers.serialize("json", users + [row for _, rows in groups for row in rows])),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("edition.json", json.dumps(payload, ensure_ascii=False, indent=1))
        for name in sorted(files):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    archive.writestr(f"files/{name}", handle.read())
    return buffer.getvalue()


@transaction.atomic
def edition_import(*, archive: bytes) -> Edition:
    if Edition.objects.exists():
        raise ValidationError(_("The database already holds an edition; restore into an empty database."))
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
            payload = json.loads(bundle.read("edition.json"))
            file_names = [n for n in bundle.namelist() if n.startswith("files/") and not n.endswith("/")]
            file_blobs = {n.removeprefix("files/"): bundle.read(n) for n in file_names}
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as error:
        raise ValidationError(_("This is not an edition archive.")) from error
    if payload.get("format") != FORMAT_VERSION:
        raise ValidationError(_("This archive was written by an incompatible version."))
    touched: set[type[models.Model]] = set()
    with connection.constraint_checks_disabled():
        for item in serializers.deserialize("json", json.dumps(payload["objects"])):
            item.save()
            touched.add(type(item.object))
    connection.check_constraints()
    for name, blob in file_blobs.items():
        safe = PurePosixPath(name)
        if safe.is_absolute() or ".." in safe.parts:
            raise ValidationError(_("This is not an edition archive."))
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(blob))
    # Rows came with their primary keys; move the sequences past them (PostgreSQL).
    statements = connection.ops.sequence_reset_sql(no_style(), list(touched))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    edition = Edition.objects.get(slug=payload["edition"])
    # An archive from an older version, or one whose counter lagged, would otherwise hand out a
    # reference that a restored application already holds.
    edition_reference_counter_sync(edition=edition)
    return edition
