"""SQLite's SQL, as the store's modules write it, in PostgreSQL's words.

The store's queries are written once, in SQLite's dialect, and most of them are standard
SQL already. What differs is small and regular, so it is rewritten here rather than kept
twice: placeholders (`?` and `:name` become psycopg's `%s` and `%(name)s`), `INSERT OR
IGNORE`, `IS ?` for a value that may be NULL, two-argument `MAX`/`MIN`, and in the
migrations the column types and `INTEGER PRIMARY KEY`. The few queries that need functions
of their own (dates, JSON, the schema's catalog) ask `dialect` in their module instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _rewrite_outside_strings(sql: str) -> str:
    """Placeholders to psycopg's, `%` doubled; quoted strings and names kept as they are
    but for `%`, which psycopg reads everywhere once parameters are passed."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:  # '' inside a string
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == ":" and sql[i + 1 : i + 2] == ":":  # a cast, `x::jsonb`
            out.append("::")
            i += 2
        elif c == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            name = IDENTIFIER.match(sql, i + 1)
            assert name is not None
            out.append(f"%({name.group()})s")
            i = name.end()
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _closing(sql: str, opening: int) -> tuple[int, list[int]]:
    """The index of the parenthesis closing the one at `opening`, and the top-level commas."""
    depth, commas, quote = 0, [], ""
    for i in range(opening, len(sql)):
        c = sql[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i, commas
        elif c == "," and depth == 1:
            commas.append(i)
    raise ValueError(f"Unbalanced parentheses in {sql!r}")


SCALAR = re.compile(r"\b(MAX|MIN)\(", re.IGNORECASE)


def _scalar_max_min(sql: str) -> str:
    """SQLite's `MAX(a, b)` (the larger of its arguments) is PostgreSQL's `GREATEST(a, b)`."""
    start = 0
    while found := SCALAR.search(sql, start):
        opening = found.end() - 1
        _, commas = _closing(sql, opening)
        if commas:
            word = "GREATEST" if found.group(1).upper() == "MAX" else "LEAST"
            sql = sql[: found.start()] + word + sql[opening:]
        start = found.start() + 1
    return sql


INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
IS_PARAM = re.compile(r"\bIS\s+(NOT\s+)?%s", re.IGNORECASE)
INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """One statement of the store, in PostgreSQL's dialect (cached: the store's statements
    are a few hundred fixed strings)."""
    stripped = sql.strip().upper()
    if stripped == "BEGIN IMMEDIATE":
        return "BEGIN"
    sql = _rewrite_outside_strings(sql)
    if INSERT_OR_IGNORE.match(sql):
        sql = INSERT_OR_IGNORE.sub("INSERT INTO", sql, count=1).rstrip().rstrip(";")
        sql += " ON CONFLICT DO NOTHING"
    sql = IS_PARAM.sub(
        lambda m: "IS DISTINCT FROM %s" if m.group(1) else "IS NOT DISTINCT FROM %s", sql
    )
    return _scalar_max_min(sql)


def inserted_table(sql: str) -> str | None:
    """The table an `INSERT` statement (already translated) writes to, if it is one."""
    found = INSERT_INTO.match(sql)
    return found.group(1).lower() if found else None


# --- the migrations ------------------------------------------------------------------------

ID_KEY = re.compile(r"\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?\b", re.IGNORECASE)
TYPES = (
    (re.compile(r"\bINTEGER\b", re.IGNORECASE), "BIGINT"),
    (re.compile(r"\bREAL\b", re.IGNORECASE), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
)
WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID\s*;", re.IGNORECASE)
CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(", re.IGNORECASE)
COMMENT = re.compile(r"--[^\n]*")


def _add_rowid(sql: str) -> str:
    """SQLite gives every table but a `WITHOUT ROWID` one a `rowid` in insertion order, and
    the store orders by it; PostgreSQL has none, so such a table gets a column of that name:
    the `id` itself where the table has one, else a sequence of its own."""
    out, start = [], 0
    for found in CREATE_TABLE.finditer(sql):
        opening = found.end() - 1
        closing, _ = _closing(sql, opening)
        tail = sql[closing : closing + 40]
        if WITHOUT_ROWID.match(tail):
            continue
        body = sql[opening + 1 : closing]
        if re.search(r"^\s*id\s+BIGINT\s+GENERATED", body, re.IGNORECASE | re.MULTILINE):
            column = "rowid BIGINT GENERATED ALWAYS AS (id) STORED"
        else:
            column = "rowid BIGSERIAL"
        out.append(sql[start:closing].rstrip() + f",\n    {column}\n")
        start = closing
    out.append(sql[start:])
    return "".join(out)


IGNORING_TRIGGER = re.compile(
    r"CREATE\s+TRIGGER\s+(\w+)\s+BEFORE\s+INSERT\s+ON\s+(\w+)\s+WHEN\s+(.*?)\s+BEGIN\s+"
    r"SELECT\s+RAISE\(IGNORE\);\s+END;",
    re.IGNORECASE | re.DOTALL,
)


def _ignoring_trigger(found: re.Match[str]) -> str:
    """SQLite's `BEFORE INSERT … WHEN c BEGIN SELECT RAISE(IGNORE); END` (skip the row when
    c holds) as a PostgreSQL trigger function that returns no row when c holds."""
    name, table, condition = found.groups()
    return (
        f"CREATE FUNCTION {name}_skip() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  IF {condition} THEN RETURN NULL; END IF;\n  RETURN NEW;\nEND $$;\n"
        f"CREATE TRIGGER {name} BEFORE INSERT ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {name}_skip();"
    )


def translate_schema(sql: str) -> str:
    """One migration file, in PostgreSQL's dialect."""
    sql = COMMENT.sub("", sql)
    sql = IGNORING_TRIGGER.sub(_ignoring_trigger, sql)
    sql = ID_KEY.sub("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
    for pattern, word in TYPES:
        sql = pattern.sub(word, sql)
    sql = _add_rowid(sql)
    return WITHOUT_ROWID.sub(");", sql)
