"""Make Great Expectations 1.24 compute SQL metrics on DuckDB (duckdb-engine).

The bug (upstream GX issues #10738 and #11579, fix PR #12084 not merged): GX's
`SqlAlchemyExecutionEngine.execute_query` runs the query inside `with get_connection()` and
returns the *unfetched* cursor result after the block has closed the connection. Closing it
rolls back, and on DuckDB any statement on a connection (the rollback included) discards that
connection's pending result. Every metric then reads zero rows and fails with
`MetricResolutionError: list index out of range` — which GX records in `exception_info` while the
validation just reports "unsuccessful", so nothing is computed and nothing crashes.

The fix: for the DuckDB dialect only, fetch the rows *before* the connection closes and return
them as a buffered SQLAlchemy result. The first `NATIVE_ROWS` rows are fetched natively (exactly
the Python values duckdb-engine would give, which covers every aggregate metric and every
LIMITed query GX issues); a larger result (GX's COMPLETE format selects all unexpected values
but then reads only 200 of them) is taken as one Arrow table — cheap, columnar — and turned into
Python rows only as GX reads them, so millions of values never become Python objects.

`apply()` patches the method once (idempotent); other dialects keep GX's own code path.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData

NATIVE_ROWS = 10_000  # rows fetched as native Python values before switching to Arrow
_MARK = "_zfaudit_duckdb_buffered"


def _arrow_rows(table: Any) -> Iterator[tuple]:
    for batch in table.to_batches(max_chunksize=2048):
        yield from zip(*(col.to_pylist() for col in batch.columns), strict=True)


def buffer_result(result: Any) -> Any:
    """Fetch a DuckDB cursor result completely while its connection is still open."""
    if not result.returns_rows:
        return result
    keys = list(result.keys())
    cursor = result.cursor  # duckdb-engine's wrapper around the DuckDB connection
    head = [tuple(r) for r in cursor.fetchmany(NATIVE_ROWS)]
    rows: Iterator[tuple] = iter(head)
    if len(head) == NATIVE_ROWS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Arrow output on a DB-API result makes a copy"
            # duckdb ≥ 1.4 names it to_arrow_table; older releases fetch_arrow_table
            fetch = getattr(cursor, "to_arrow_table", None) or cursor.fetch_arrow_table
            rest = fetch()
        rows = itertools.chain(head, _arrow_rows(rest))
    result.close()
    return IteratorResult(SimpleResultMetaData(keys), rows)


def apply() -> None:
    """Patch `SqlAlchemyExecutionEngine.execute_query` for DuckDB; safe to call repeatedly."""
    from great_expectations.execution_engine import sqlalchemy_execution_engine as gx_sa

    engine_cls = gx_sa.SqlAlchemyExecutionEngine
    if getattr(engine_cls.execute_query, _MARK, False):
        return
    original = engine_cls.execute_query

    def execute_query(self, query):
        if self.dialect_name != "duckdb":
            return original(self, query)
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            return buffer_result(result)  # before the `with` closes (and empties) it

    execute_query.__doc__ = original.__doc__
    setattr(execute_query, _MARK, True)
    engine_cls.execute_query = execute_query


def is_applied() -> bool:
    from great_expectations.execution_engine import sqlalchemy_execution_engine as gx_sa

    return bool(getattr(gx_sa.SqlAlchemyExecutionEngine.execute_query, _MARK, False))
