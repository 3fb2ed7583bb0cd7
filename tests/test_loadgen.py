"""A correctness run of the load generator (bench/): 200 phones against the real server,
a vote burst with changed votes and a reflection burst. Exact totals; no assertion on speed."""

from __future__ import annotations

from pathlib import Path

from bench import abuse, abuser
from bench.fleet import Fleet
from bench.flood import one_run
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


async def test_abusive_phone_is_counted_and_the_others_are_stored_exactly(tmp_path: Path) -> None:
    """bench.abuse at a small size, with and without the abuser: the phones' votes are
    stored exactly once either way, and every frame the abuser sent is accounted for (an
    answer, or owed when its socket closed), however the server answered."""
    args = abuse.parser().parse_args(
        ["--phones", "20", "--rounds", "1", "--window", "0.5", "--lead", "0.3", "--tail", "0.2"]
    )
    cfg = Config(phones=20, rate=1000, window=0.5, change=0.5, seed=3)
    fleet = Fleet(1, None, "deflate").start()
    bad = Fleet(1, None, "deflate", entry=abuser.main, name="bench-abuser").start()
    try:
        clean = await one_run(args, fleet, None, cfg, tmp_path, None)
        run = await one_run(args, fleet, bad, cfg, tmp_path, None)
    finally:
        await bad.stop()
        await fleet.stop()

    for figures, ballots in ((clean, 0), (run, 1)):
        assert figures["join"]["connected"] == 20, figures["join"]["failures"]
        assert figures["outcomes"] == {"ack": figures["sent"]}
        (one,) = figures["rounds"]
        assert one["check"]["exact"], one["check"]
        assert (one["check"]["voters_acked"], one["check"]["abuser_ballots"]) == (20, ballots)
        assert figures["rss_peak_sampled_kib"] >= figures["rss_before_kib"] > 0

    (flood,) = run["floods"]
    assert flood["sent"]["vote_new"] and flood["sent"]["vote_repeat"] and flood["sent"]["post"]
    assert flood["sockets_opened"]["extra"] > 0
    assert sum(flood["by_kind"].values()) + flood["unanswered"] == flood["sent_total"]
    assert flood["by_kind"]["vote ack"] > 0  # its one ballot, above
    posts = run["rounds"][0]["abuser_posts_check"]
    assert posts["exact"] and posts["stored_total"] == flood["by_kind"].get("post ack", 0)
