"""Many rows of one model written at once, fast: ``insert_rows(Model, columns, rows)`` for a bulk import.

A service that writes thousands of rows in one transaction (the monthly list import writes four per row) calls it
in place of ``bulk_create``; it is a writer for services, under their validation, audit row and transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from django.db import IntegrityError, connection, models

_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveSmallIntegerField,
)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """INSERT ``rows`` (values of the fields named by attname in ``columns``) with multi-row ``INSERT ... RETURNING``
    statements; the new primary keys, in row order. No ``save()``, no signals, no validation: the caller has
    validated the rows.

    Why not ``bulk_create``: it prepares every field of every instance through the expression machinery, ~300-600
    µs a row for the four models of a release notice on this machine, which alone is more than DESIGN §9's 200 µs
    a row for the list import. This prepares each value by its field's type once decided per call (plain values as
    they are, dates and times through the backend's adapters, anything else, such as JSON and an encrypted field,
    through the field's own ``get_db_prep_save``), and fills every field not named with its model default
    (``auto_now``/``auto_now_add``: now), so a field added later with a default needs no change in the caller. A
    default that is NULL, a boolean, a whole number or a word (``''``, ``awaiting_verification``) is written into
    the statement, the same for every row, as a literal: half a notice's 60 values are such defaults, and each
    parameter costs twice (Django's SQLite backend rewrites every ``%s`` of a statement with a regular expression,
    ~0.15 µs each, then binds it). Rows come back in the order given, which Django's own bulk_create relies on for
    SQLite ≥ 3.35 and PostgreSQL.
    """
    if not rows:
        return []
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    unknown = set(columns) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{opts.label} has no fields {sorted(unknown)}")
    template = model()  # the defaults, as the model's constructor gives them
    position = {name: index for index, name in enumerate(columns)}
    slots: list[str] = []  # each field's place in a row's VALUES: "%s" or its default as a literal
    # per "%s" of a row: (column index, preparer) for a value the row gives, (-1, None, constant) for a default
    params_of_row: list[tuple[int, Callable[[Any], Any] | None, Any]] = []
    for f in fields:
        if f.attname in position:
            slots.append("%s")
            params_of_row.append((position[f.attname], _preparer(f), None))
            continue
        default = f.get_db_prep_save(f.pre_save(template, add=True), connection)
        literal = _literal(default)
        slots.append("%s" if literal is None else literal)
        if literal is None:
            params_of_row.append((-1, None, default))
    width = max(len(params_of_row), 1)
    per_statement = max(1, min(_max_query_params() // width, 500))
    table = connection.ops.quote_name(opts.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pk = connection.ops.quote_name(opts.pk.column)
    one = "(" + ",".join(slots) + ")"  # no spaces: the backend's rewrite of %s scans every character
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            add = params.append
            for row in chunk:
                for source, prepare, constant in params_of_row:
                    add(constant if source < 0 else row[source] if prepare is None else prepare(row[source]))
            # names come from the model's metadata, quoted by the backend; literals are the model's own defaults
            # (see _literal); every value of a row is a parameter
            sql = f"INSERT INTO {table} ({names}) VALUES {','.join([one] * len(chunk))} RETURNING {pk}"  # noqa: S608
            cursor.execute(sql, params)
            ids.extend(returned[0] for returned in cursor.fetchall())
    if len(ids) != len(rows):
        raise IntegrityError(f"{opts.label}: {len(rows)} rows inserted, {len(ids)} ids returned")
    return ids


def _literal(value: Any) -> str | None:
    """A model default as an SQL literal both backends read the same way, or None to pass it as a parameter. Only
    values that need no quoting rules: NULL, TRUE/FALSE, a whole number, and a string of ASCII letters, digits and
    underscores (``''``, a choice's value), so nothing here can alter the statement."""
    if value is None:
        return "NULL"
    if type(value) is bool:
        return "TRUE" if value else "FALSE"  # SQLite ≥ 3.23 reads them as 1 and 0
    if type(value) is int:
        return str(value)
    if type(value) is str and (value == "" or (value.isascii() and value.replace("_", "").isalnum())):
        return f"'{value}'"
    return None


def _max_query_params() -> int:
    """Parameters one statement may hold. Django assumes SQLite's compile-time default of 999 from before 3.32; the
    library states its own limit (32 766 since then), and fewer, larger statements make the import ~15 % faster."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit: int = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return limit
    return connection.features.max_query_params or 65_535  # PostgreSQL: the protocol's 16-bit count


def _preparer(f: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if f.is_relation or type(f) in _PLAIN_FIELDS:
        return None
    if type(f) is models.DateField:
        adapt = connection.ops.adapt_datefield_value
        dates: dict[Any, Any] = {}  # dates repeat (an imported list's release dates, the day, deadlines)

        def prepare_date(value: Any) -> Any:
            prepared = dates.get(value)
            if prepared is None:
                if len(dates) >= 10_000:
                    dates.clear()
                prepared = dates[value] = adapt(value)
            return prepared

        return prepare_date
    if type(f) is models.DateTimeField:
        last: list[Any] = [None, None]  # one "now" serves a whole batch

        def prepare_datetime(value: Any) -> Any:
            if value is not last[0]:
                last[:] = [value, connection.ops.adapt_datetimefield_value(value)]
            return last[1]

        return prepare_datetime
    if type(f) is models.JSONField:
        encoder = f.encoder
        empty = connection.ops.adapt_json_value([], encoder)
        # one dict object given to many rows (the same data for a group of them) is serialised once (kept alive
        # here, so its id holds)
        shared: dict[int, tuple[Any, Any]] = {}

        lists: dict[tuple[str, ...], Any] = {}  # short lists repeat (a notice's needs: "就业;住房"): serialised once

        def prepare_json(value: Any) -> Any:
            if isinstance(value, list):
                if not value:
                    return empty
                key = tuple(value)
                prepared = lists.get(key)
                if prepared is None:
                    if len(lists) >= 10_000:
                        lists.clear()
                    prepared = lists[key] = connection.ops.adapt_json_value(value, encoder)
                return prepared
            if isinstance(value, dict):
                known = shared.get(id(value))
                if known is None or known[0] is not value:
                    known = shared[id(value)] = (value, connection.ops.adapt_json_value(value, encoder))
                return known[1]
            return connection.ops.adapt_json_value(value, encoder)

        return prepare_json
    return lambda value: f.get_db_prep_save(value, connection)
