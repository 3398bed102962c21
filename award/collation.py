"""People's names in the order people read them, on every database.

A plain ORDER BY compares code points: "Černý", "Łukasik" and "Šimková" come after every name in
plain Latin letters, which no reader in the four countries would accept. `name_order(field)`
orders by the field with an accent- and case-insensitive collation instead:

- PostgreSQL: ICU's root collation "und-x-icu" (Č sorts among the C's, Ł among the L's); every
  PostgreSQL build of the last years that Debian, Ubuntu and the official images ship has ICU.
- SQLite: a collation "names" registered on each new connection (below): names compared by
  their letters without accents, case folded, then as written, so equal keys keep one order.
- Any other database: the field as it is.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from django.db.backends.signals import connection_created
from django.db.models import CharField, F, Func

SQLITE_COLLATION = "names"
POSTGRES_COLLATION = "und-x-icu"
# Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})


@lru_cache(maxsize=4096)
def name_key(value: str) -> tuple[str, str]:
    """The sort key of a name: its letters without accents, case folded; then the name itself."""
    plain = unicodedata.normalize("NFKD", (value or "").translate(_FOLD))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold(), value or ""


def _compare(left: str, right: str) -> int:
    a, b = name_key(left), name_key(right)
    return (a > b) - (a < b)


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


connection_created.connect(_register, dispatch_uid="award.collation.names")


class NameCollate(Func):
    """The expression, compared as a person's name (see the module docstring)."""

    def __init__(self, expression, **extra):
        super().__init__(expression, output_field=CharField(), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f'{sql} COLLATE "{POSTGRES_COLLATION}"', params
        if connection.vendor == "sqlite":
            return f"{sql} COLLATE {SQLITE_COLLATION}", params
        return sql, params


def name_order(field: str) -> NameCollate:
    """For order_by(): the field (a last or first name, a display name) as people read it."""
    return NameCollate(F(field))
