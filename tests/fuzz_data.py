"""Hypothesis strategies for tests/test_fuzz.py: hostile JSON values, request bodies and
WebSocket frames, and the profiles that say how many examples to try.

`HYPOTHESIS_PROFILE=fuzz-ci` (the default) is derandomized and writes no example database,
so `make test` and CI try the same inputs every time; `HYPOTHESIS_PROFILE=fuzz-explore`
draws fresh inputs, ten times as many, for a longer hunt by hand.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from workshop.domain import LANGUAGES, MAX_TEXT, ActivityKind, ActivityState

# Each test asks for `examples(n)`; the profile scales it.
settings.register_profile(
    "fuzz-ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-explore",
    database=None,  # nothing written into the work tree; a failure prints its input
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci")
if PROFILE not in ("fuzz-ci", "fuzz-explore"):
    PROFILE = "fuzz-ci"
SCALE = 10 if PROFILE == "fuzz-explore" else 1


def fuzz_settings(examples: int) -> settings:
    return settings(settings.get_profile(PROFILE), max_examples=examples * SCALE)


def weighted(
    often: st.SearchStrategy[Any], rarely: st.SearchStrategy[Any], odds: int
) -> st.SearchStrategy[Any]:
    """`often` `odds` times as often as `rarely` (one_of gives each branch the same chance,
    and a branch named twice still counts once)."""
    return st.tuples(st.integers(0, odds), often, rarely).map(lambda t: t[2] if t[0] == 0 else t[1])


# --- values ------------------------------------------------------------------------------

HUGE_INTS = [
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    10**30,
    -(10**30),
    10**400,
]
SPECIAL_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e",
    "\ufeff",
    "\ud800",  # lone surrogates: valid as JSON escapes, not encodable as UTF-8
    "\udfff",
    "x\ud83d",
    "💥👩‍👩‍👧",
    "e\u0301",
    "<script>alert(1)</script>",
    "'; DROP TABLE votes; --",
    "../../etc/passwd",
    "%00%ff",
    "\\",
    "\n\r\t",
    "null",
    "true",
    "0",
    "-1",
    "1e309",
    "NaN",
    "12:60",
    "25:00",
    "00:00",
    "open",
    "æ" * (MAX_TEXT + 1),
    "ø" * 4001,
]
WORDS = [
    *LANGUAGES,
    *(k.value for k in ActivityKind),
    *(s.value for s in ActivityState),
    "options",
    "tables",
    "agenda",
    "workshop-plan",
]

any_text = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates included
strings = st.one_of(st.sampled_from(SPECIAL_STRINGS), st.sampled_from(WORDS), any_text)
numbers = st.one_of(
    st.integers(-5, 12),
    st.integers(),
    st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=True, allow_infinity=True),  # NaN and Infinity: Python's json reads them
)
scalars = st.one_of(st.none(), st.booleans(), numbers, strings)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(strings, inner, max_size=5),
    max_leaves=20,
)


def nest(value: Any, depth: int, as_list: bool) -> Any:
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


deep_values = st.builds(nest, json_values, st.integers(1, 400), st.booleans())
hostile = st.one_of(json_values, deep_values, scalars)


def id_like(pool: list[Any]) -> st.SearchStrategy[Any]:
    """A real id from `pool` (of this or another session) or junk in its place."""
    real = st.sampled_from(pool) if pool else st.nothing()
    junk = st.one_of(st.integers(-3, 3), st.sampled_from(HUGE_INTS), hostile)
    return weighted(real, junk, 2)


# --- HTTP bodies -------------------------------------------------------------------------

JSON = "application/json"
Body = tuple[str | None, bytes | None]  # (Content-Type, bytes); (None, None): no body at all

# Each is tried on every route, as the facilitator and anonymously (test_fuzz's sweep).
MALFORMED: list[tuple[str, Body]] = [
    ("no body", (None, None)),
    ("empty JSON body", (JSON, b"")),
    ("truncated JSON", (JSON, b'{"title": "Kommune')),
    ("truncated UTF-8", (JSON, b'{"title": "\xc3')),
    ("invalid UTF-8", (JSON, b'{"title": "\xff\xfe"}')),
    ("UTF-16", (JSON, '{"title": "x"}'.encode("utf-16"))),
    ("byte order mark", (JSON, b'\xef\xbb\xbf{"title": "x"}')),
    ("lone surrogate escape", (JSON, b'{"title": "\\ud800", "name": "\\udfff"}')),
    ("surrogate bytes", (JSON, '{"title": "\ud800"}'.encode("utf-8", "surrogatepass"))),
    ("NaN and Infinity", (JSON, b'{"seconds": NaN, "tables": Infinity, "table": -Infinity}')),
    ("number overflow", (JSON, b'{"seconds": 1e999, "tables": 1e400}')),
    ("5,000 digits", (JSON, b'{"tables": ' + b"9" * 5000 + b"}")),
    ("duplicate keys", (JSON, b'{"title": "a", "title": 7}')),
    ("null body", (JSON, b"null")),
    ("array body", (JSON, b"[1, 2, 3]")),
    ("string body", (JSON, b'"x"')),
    ("nested 300 deep", (JSON, b'{"title": ' + b"[" * 300 + b"]" * 300 + b"}")),
    ("nested 30,000 deep", (JSON, b"[" * 30_000 + b"]" * 30_000)),
    ("objects 20,000 deep", (JSON, b'{"a":' * 20_000 + b"1" + b"}" * 20_000)),
    ("over the size limit", (JSON, b'{"title": "' + b"x" * 70_000 + b'"}')),
    ("JSON as text/plain", ("text/plain", b'{"title": "x"}')),
    ("JSON without a type", (None, b'{"title": "x"}')),
    ("a form", ("application/x-www-form-urlencoded", b"title=x&username=a&password=b")),
    (
        "multipart",
        ("multipart/form-data; boundary=zz", b'--zz\r\nContent-Disposition: form-data; name="t"'),
    ),
    ("JSON with a charset", ("application/json; charset=latin-1", b'{"title": "\xe6"}')),
    ("content type junk", ("application/json;;;\x7f", b"{}")),
]


def encode(value: Any, ascii_only: bool) -> bytes:
    """JSON as a client would send it; non-ASCII text raw as UTF-8 unless `ascii_only`
    (lone surrogates then become bytes no UTF-8 decoder accepts)."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass")


def text_frame(value: Any, ascii_only: bool) -> str:
    """JSON a socket can carry: a lone surrogate cannot go raw into a text frame, only
    escaped."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def json_bodies(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Body]:
    return st.builds(lambda v, a: (JSON, encode(v, a)), value, st.booleans())


def bodies(fields: list[str], field_values: st.SearchStrategy[Any]) -> st.SearchStrategy[Body]:
    """Bodies for a route whose documented body has `fields`: mostly objects of those fields
    with wrong or borderline values, then any JSON, deep JSON and broken bytes."""
    keys = st.sampled_from(fields) if fields else strings
    objects = st.dictionaries(weighted(keys, strings, 4), field_values, max_size=6)
    content_types = st.sampled_from([JSON, "text/plain", None, "application/json; x=y"])
    broken = st.one_of(
        json_bodies(hostile),
        st.sampled_from([body for _, body in MALFORMED]),
        st.tuples(content_types, st.binary(max_size=200)),
    )
    return weighted(json_bodies(objects), broken, 2)


QUERY_NAMES = ["q", "tag", "language", "page", "offset", "limit", "before", "after", "cursor"]
queries = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=8)),
    st.one_of(st.sampled_from(["", "-1", "0", "2", "99999999999999999999", "en", "x"]), any_text),
    max_size=3,
)


def path_junk() -> st.SearchStrategy[str]:
    """What a path segment may hold instead of a real code or id."""
    return st.one_of(
        st.sampled_from(
            ["0", "-1", "00", "1.5", "1e3", "0x1f", " 1", "9" * 30, "AAAAAA", "..", "%", "null"]
        ),
        st.integers().map(str),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=30),
    )


# --- WebSocket frames --------------------------------------------------------------------

FRAME_TYPES = ["vote", "post", "ping", "pong"]

# A new client id each time a frame is sent, put in by `fresh_ids` as the frame goes out:
# a strategy must draw the same frame on every replay, and a UUID drawn by Hypothesis would
# be the same one in many examples.
FRESH_ID = "@uuid@"
FRESH = {
    FRESH_ID: lambda: str(uuid.uuid4()),
    "@UUID@": lambda: str(uuid.uuid4()).upper(),
    "@{hex}@": lambda: "{" + uuid.uuid4().hex + "}",
}


def fresh_ids(frame: str | bytes) -> str | bytes:
    for mark, make in FRESH.items():
        if isinstance(frame, str):
            while mark in frame:
                frame = frame.replace(mark, make(), 1)
        else:
            while mark.encode() in frame:
                frame = frame.replace(mark.encode(), make().encode(), 1)
    return frame


texts = st.one_of(
    st.sampled_from(SPECIAL_STRINGS[:20]),
    st.integers(0, MAX_TEXT + 1).map(lambda n: "å" * n),
    strings,
)


def near_valid(activity: int) -> st.SearchStrategy[str]:
    """Votes and posts for a phone's open activity, many of them valid: the ack check and
    the tallies need some the server must store, among some it must not."""
    message = st.fixed_dictionaries(
        {
            "type": st.sampled_from(["vote", "post"]),
            "id": st.just(FRESH_ID),
            "activity": st.just(activity),
        },
        optional={
            "option": st.one_of(st.integers(-1, 3), st.integers(0, 2), st.booleans()),
            "why": st.one_of(st.none(), texts),
            "text": texts,
        },
    )
    return st.builds(text_frame, message, st.booleans())


def frames(
    activities: list[Any], ids: list[str], options: st.SearchStrategy[Any]
) -> st.SearchStrategy[str | bytes]:
    """Text and binary frames: messages of the real types with wrong or borderline fields,
    any JSON, deep JSON, junk text and bytes."""
    client_ids = weighted(
        st.sampled_from([FRESH_ID, FRESH_ID, *FRESH]),
        st.one_of(st.sampled_from(ids) if ids else st.nothing(), hostile),
        3,
    )
    fields = st.fixed_dictionaries(
        {"type": weighted(st.sampled_from(FRAME_TYPES), hostile, 2)},
        optional={
            "id": client_ids,
            "activity": id_like(activities),
            "option": options,
            "why": st.one_of(texts, hostile),
            "text": weighted(texts, hostile, 2),
            "padding": st.one_of(hostile, st.integers(16_000, 17_000).map(lambda n: "x" * n)),
        },
    )
    messages = st.builds(
        lambda m, extra: {**extra, **m}, fields, st.dictionaries(strings, hostile, max_size=3)
    )
    others = st.one_of(
        st.builds(json.dumps, hostile),
        st.text(st.characters(codec="utf-8"), max_size=60),
        st.sampled_from(
            [
                "",
                "{",
                '{"type": "vote", ',
                "[" * 30_000 + "]" * 30_000,
                '{"type": "ping", "x": ' + "[" * 5_000 + "]" * 5_000 + "}",
                '{"type": "vote", "id": "' + "0" * 20_000 + '"}',
                '{"type": "post", "activity": 1e999}',
                '{"type": "vote", "activity": ' + "9" * 5000 + "}",
                '{"type": "vote", "activity": NaN}',
            ]
        ),
    )
    text_frames = weighted(st.builds(text_frame, messages, st.booleans()), others, 2)
    binary = st.one_of(
        st.binary(max_size=100), st.builds(lambda m: json.dumps(m).encode(), messages)
    )
    return weighted(text_frames, binary, 3)
