"""Durability: kill -9 the server in the middle of a burst of votes. Every acknowledged vote
is on disk after a restart; the phones resend what was never acknowledged, as the phone's
offline queue does, and the totals come out exact: nothing lost, nothing counted twice."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from tests.live import Phone, Server, add_activity, login, new_id, new_session, results, set_state

PHONES = 24
VOTES_EACH = 150
ACKS_BEFORE_KILL = 20  # per phone: the kill comes once every phone has this many acks
OPTIONS = ["Skole", "Vei", "Helse", "Kultur"]


@dataclass
class Outbox:
    """One phone's votes in the order it sent them, and which of them were acknowledged."""

    phone: Phone
    sent: list[tuple[str, int]] = field(default_factory=list)  # (client id, option)

    def acked(self) -> set[str]:
        assert self.phone.socket is not None
        return {m["id"] for m in self.phone.socket.received if m["type"] == "ack"}

    def unacked(self) -> list[tuple[str, int]]:
        acked = self.acked()
        return [(vote_id, option) for vote_id, option in self.sent if vote_id not in acked]

    @property
    def last_option(self) -> int:
        return self.sent[-1][1]


async def burst(outbox: Outbox, activity: int, offset: int) -> None:
    """Vote as fast as the socket takes it, changing the option every time, fresh ids."""
    socket = outbox.phone.socket
    assert socket is not None
    for n in range(VOTES_EACH):
        vote = (new_id(), (offset + n) % len(OPTIONS))
        outbox.sent.append(vote)  # queued first, as the phone does: resent until acked
        try:
            await socket.send(
                {"type": "vote", "id": vote[0], "activity": activity, "option": vote[1]}
            )
        except ConnectionClosed:
            return


async def resend(outbox: Outbox, activity: int) -> None:
    """After reconnecting: everything never acknowledged, in the order it was first sent."""
    socket = outbox.phone.socket
    assert socket is not None
    since = len(socket.received)
    pending = outbox.unacked()
    for vote_id, option in pending:
        await socket.send({"type": "vote", "id": vote_id, "activity": activity, "option": option})
    for vote_id, _ in pending:
        assert (await socket.reply_to(vote_id, since=since))["type"] == "ack"


def journal_mode(db: Path) -> str:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]


def stored_votes(db: Path) -> dict[str, str]:
    """Read-only, beside the running server: every stored vote id -> the vote id of its
    owner's ballot (the vote that counts)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return dict(
            conn.execute(
                "SELECT v.id, b.vote_id FROM votes v JOIN ballots b"
                " ON b.activity_id = v.activity_id AND b.participant_id = v.participant_id"
            ).fetchall()
        )


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Every server a test starts is gone when it ends, whatever happened."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


async def test_acknowledged_votes_survive_kill_9(fresh_db: Path, servers: list[Server]):
    server = Server(fresh_db).start()
    servers.append(server)
    admin = await login(server, "anna")
    code = (await new_session(admin, tables=4))["code"]
    poll = await add_activity(admin, code, kind="poll", prompt="Hva først?", options=OPTIONS)
    await set_state(admin, code, poll, "open")
    outboxes = [Outbox(await Phone.join(server, code)) for _ in range(PHONES)]
    await asyncio.gather(*(o.phone.connect() for o in outboxes))

    sending = [asyncio.create_task(burst(o, poll, offset=i)) for i, o in enumerate(outboxes)]
    await asyncio.gather(
        *(
            o.phone.socket.wait_count(lambda m: m["type"] == "ack", ACKS_BEFORE_KILL)
            for o in outboxes
        )
    )
    server.kill()
    await asyncio.gather(*sending)
    for outbox in outboxes:  # every ack the server got out before it died
        await outbox.phone.socket.wait_closed()
        assert {m["type"] for m in outbox.phone.socket.received} <= {
            "welcome",
            "ack",
            "activity",
            "table",
        }
    acked = sum(len(o.acked()) for o in outboxes)
    sent = sum(len(o.sent) for o in outboxes)
    assert PHONES * ACKS_BEFORE_KILL <= acked < sent, "the kill came after the burst"

    server = Server(fresh_db, port=server.port).start()
    servers.append(server)
    assert journal_mode(fresh_db) == "wal"
    # Every acknowledged vote is stored, and each phone's ballot is no older than its last
    # acknowledged vote (votes on one socket are stored in the order they were sent).
    ballot_of = stored_votes(fresh_db)
    for outbox in outboxes:
        ids = [vote_id for vote_id, _ in outbox.sent]
        acked_ids = outbox.acked()
        assert acked_ids <= ballot_of.keys()
        last_acked = max(ids.index(vote_id) for vote_id in acked_ids)
        ballot = ballot_of[ids[last_acked]]
        assert ids.index(ballot) >= last_acked
        # The phone reconnects with its token and sees that very vote as its own.
        await outbox.phone.close()
        welcome = await outbox.phone.connect()
        option = outbox.sent[ids.index(ballot)][1]
        assert welcome["answers"][str(poll)]["vote"] == {"option": option, "why": ""}

    await asyncio.gather(*(resend(o, poll) for o in outboxes))
    expected = [0] * len(OPTIONS)
    expected_tables: dict[str, list[int]] = {}
    for outbox in outboxes:
        expected[outbox.last_option] += 1
        by_table = expected_tables.setdefault(str(outbox.phone.table), [0] * len(OPTIONS))
        by_table[outbox.last_option] += 1
    # The facilitator's login survived the restart too.
    got = (await results(admin, code))[poll]
    assert got["counts"] == expected
    assert sum(got["counts"]) == PHONES
    assert got["tables"] == expected_tables
    for outbox in outboxes:
        await outbox.phone.close()

    server.kill()
    server = Server(fresh_db, port=server.port).start()
    servers.append(server)
    again = (await results(admin, code))[poll]
    assert (again["counts"], again["tables"]) == (expected, expected_tables)
    await admin.aclose()
