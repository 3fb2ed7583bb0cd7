"""A correctness run of the load generator (bench/): 200 phones against the real server,
a vote burst with changed votes and a reflection burst. Exact totals; no assertion on speed."""

from __future__ import annotations

from bench.fleet import Fleet
from bench.loadgen import one_session
from bench.scenarios import Config
from bench.targets import WorkshopTarget
from tests.live import PASSWORD, Server

PHONES = 200


async def test_burst_of_votes_and_posts_is_stored_exactly(server: Server) -> None:
    assert server.process is not None
    cfg = Config(phones=PHONES, rate=1000, window=1.0, change=0.3, options=4, seed=3)
    fleet = Fleet(2, None, "deflate").start()
    try:
        run = await one_session(
            WorkshopTarget(server.url, "anna", PASSWORD),
            fleet,
            cfg,
            server.process.pid,
            scenarios=("vote", "reflection"),
        )
    finally:
        await fleet.stop()

    join = run["join"]
    assert (join["connected"], join["failed"]) == (PHONES, 0), join["failures"]

    votes = run["vote_burst"]
    assert votes["firsts"] == PHONES
    assert votes["sent"] > PHONES  # some changed their vote
    assert votes["outcomes"] == {"ack": votes["sent"]}
    assert votes["check"] == {
        "phones": PHONES,
        "voters_acked": PHONES,
        "stored_total": PHONES,
        "lost": 0,
        "double_counted": 0,
        "option_mismatch": 0,
        "unacked_phones": 0,
        "exact": True,
    }
    assert votes["vote_to_screen"]["not_shown"] == 0
    assert votes["vote_to_screen"]["ms"]["n"] == PHONES

    posts = run["reflection_burst"]
    assert posts["firsts"] == PHONES and posts["sent"] > PHONES
    assert posts["outcomes"] == {"ack": posts["sent"]}
    assert posts["check"] == {
        "posts_acked": posts["sent"],
        "stored_total": posts["sent"],
        "lost": 0,
        "double_counted": 0,
        "exact": True,
    }
    assert posts["vote_to_screen"]["not_shown"] == 0
    # Every frame a phone got was counted, and none was left unmatched.
    assert votes["frames_to_clients"] >= votes["sent"]
