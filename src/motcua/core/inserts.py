"""Inserts that Django's ``save`` does not write in one statement, built from the ``INSERT`` it
would run (every field prepared as ``save`` prepares it): rows of two tables in one PostgreSQL
statement (``core.services.record_change``), and a row that yields to a unique constraint
instead of failing (``insert_unless_conflict``), without a savepoint (ADR 0054)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.models.sql import InsertQuery


def insert_sql(
    connection: BaseDatabaseWrapper, obj: Model, *, returning: bool
) -> tuple[str, tuple[Any, ...]]:
    """The ``INSERT`` (and its parameters) Django would run to save the unsaved ``obj``;
    with ``RETURNING`` its database-returned fields (the id) when ``returning``."""
    opts = obj._meta
    query = InsertQuery(type(obj))
    query.insert_values([f for f in opts.local_concrete_fields if f is not opts.auto_field], [obj])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = list(opts.db_returning_fields) if returning else None
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)


def mark_saved(connection: BaseDatabaseWrapper, obj: Model, row: Sequence[Any]) -> None:
    """Give ``obj`` the values its ``INSERT … RETURNING`` returned, and make it a saved instance."""
    for field, value in zip(obj._meta.db_returning_fields, row, strict=False):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = connection.alias


def insert_unless_conflict(obj: Model) -> bool:
    """Insert ``obj`` unless a row already holds one of its unique keys (``ON CONFLICT DO
    NOTHING``, which both engines run and which covers only unique constraints); whether it was
    inserted. One statement, and no savepoint: a conflict does not abort the transaction."""
    connection = transaction.get_connection()
    sql, params = insert_sql(connection, obj, returning=True)
    head, returning, columns = sql.rpartition(" RETURNING ")
    assert returning, "the engine must return the inserted row's id"
    with connection.cursor() as cursor:
        cursor.execute(f"{head} ON CONFLICT DO NOTHING RETURNING {columns}", params)
        row = cursor.fetchone()
    if row is None:
        return False
    mark_saved(connection, obj, row)
    return True
