"""The reads every request makes (its session row, a page's fingerprint) on the driver's own cursor.

SQLAlchemy compiles the statement, once per dialect, with the same SQL text and the same type
conversions as its execute() would use; running it then skips the execution context and the result
object, which cost more than the query itself on these one-row reads (≈ 60 µs of ≈ 100 per query on
PostgreSQL, bench/load_profile.py). Only for selects whose parameters need no conversion; any other
statement is refused when it is first prepared, so a change that breaks that shows at once.
"""
from __future__ import annotations

import threading
from collections import namedtuple
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select


class _Prepared:
    __slots__ = ("sql", "order", "constants", "row", "processors")

    def __init__(self, statement: Select, dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        for bind in compiled.binds.values():
            if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
                raise TypeError(f"fastread: le paramètre {bind.key} demande une conversion ; utilisez execute()")
        self.sql = compiled.string
        # Values written in the statement itself (a separator, a coalesce default) are parameters too.
        self.constants = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
        # Positional drivers (sqlite3: ?) take the values in this order; named ones (psycopg) a dict.
        self.order = tuple(compiled.positiontup) if compiled.positional else None
        columns = list(statement.selected_columns)
        self.row = namedtuple("Row", [c.key for c in columns], rename=True)
        self.processors = [
            (index, processor) for index, column in enumerate(columns)
            if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
        ]


_PREPARED: dict[tuple[int, str], _Prepared] = {}
_LOCK = threading.Lock()


def _prepared(statement: Select, dialect) -> _Prepared:
    key = (id(statement), dialect.name)
    prepared = _PREPARED.get(key)
    if prepared is None:
        with _LOCK:
            prepared = _PREPARED.setdefault(key, _Prepared(statement, dialect))
    return prepared


def first(connection: Connection, statement: Select, params: dict[str, Any]):
    """The statement's first row (a named tuple, values converted as SQLAlchemy would), or None.

    statement must live as long as the process (a module constant): it is keyed by identity.
    Driver errors come out as SQLAlchemy's (OperationalError…), as from execute().
    """
    dialect = connection.dialect
    prepared = _prepared(statement, dialect)
    values = {**prepared.constants, **params} if prepared.constants else params
    if prepared.order is not None:
        values = tuple(values[name] for name in prepared.order)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(prepared.sql, values)
        found = cursor.fetchone()
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(prepared.sql, values, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
    finally:
        cursor.close()
    if found is None:
        return None
    if prepared.processors:
        found = list(found)
        for index, processor in prepared.processors:
            found[index] = processor(found[index])
    return prepared.row._make(found)
