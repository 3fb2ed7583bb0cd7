"""The SQLite store: WAL, one writer connection with group commit (`group.py`), and two
reader connections: one for single reads, one for the consistent snapshots of `room()`.

One module a concern; `SQLiteStore` puts them together."""

from __future__ import annotations

from workshop.store.sqlite.accounts import Accounts
from workshop.store.sqlite.hybrid import HybridStore
from workshop.store.sqlite.over_time import OverTime
from workshop.store.sqlite.plan import Plan
from workshop.store.sqlite.room import RoomReads
from workshop.store.sqlite.running import Running
from workshop.store.sqlite.seating import SeatingStore
from workshop.store.sqlite.sessions import Sessions
from workshop.store.sqlite.stations import Stations
from workshop.store.sqlite.submissions import Submissions
from workshop.store.sqlite.table_answers import TableAnswers
from workshop.store.sqlite.table_talk import TableTalkStore
from workshop.store.sqlite.tables import TableReads
from workshop.store.sqlite.talk_reads import TableTalkReads
from workshop.store.sqlite.transfer import Transfer


class SQLiteStore(
    Accounts,
    Sessions,
    Plan,
    Running,
    Submissions,
    RoomReads,
    TableReads,
    OverTime,
    Transfer,
    TableAnswers,
    Stations,
    TableTalkStore,
    TableTalkReads,
    SeatingStore,
    HybridStore,
):
    """The `Store` protocol on one SQLite file."""


__all__ = ["SQLiteStore"]
