"""docs/api.md documents every WebSocket message type and every route; README.md names the
commands people run. Each test fails naming what is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.routing import BaseRoute, Route, WebSocketRoute

from workshop import messages
from workshop.web import (
    api,
    cofacilitators_api,
    day_api,
    export_api,
    hybrid_api,
    login_api,
    over_time_api,
    pages,
    participant_pages,
    plain_pages,
    plan_api,
    posts_api,
    report_pages,
    room_api,
    seating_api,
    sockets,
    stations_api,
    table_answers_api,
    table_talk_api,
)

ROOT = Path(__file__).resolve().parent.parent
API_DOC = ROOT / "docs" / "api.md"
CATCH_ALL = "/api/{rest:path}"


def api_doc() -> str:
    return API_DOC.read_text("utf-8")


def normalise(path: str) -> str:
    """`{param:int}` as `{param}`: the docs name a parameter, not its converter."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def documented_paths(text: str) -> set[str]:
    """Every path written in a code span, without its query: `/screen/{code}?key=…`."""
    found = set()
    for span in re.findall(r"`([^`\n]+)`", text):
        for word in span.split():
            if word.startswith("/"):
                found.add(word.split("?", 1)[0])
    return found


def documented_endpoints(text: str) -> set[tuple[str, str]]:
    """(method, path) of every `METHOD /path` code span."""
    return {
        (method, path)
        for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s?]*)", text)
    }


def message_defined(text: str, message_type: str) -> bool:
    """Described, not only mentioned: a list item or table row starts with `type`."""
    pattern = rf"^\s*(?:[-*]|\|)\s*`{re.escape(message_type)}`"
    return re.search(pattern, text, re.MULTILINE) is not None


def app_routes() -> list[BaseRoute]:
    return [
        *export_api.routes,
        *plan_api.routes,
        *day_api.routes,
        *login_api.routes,
        *room_api.routes,
        *posts_api.routes,
        *stations_api.routes,
        *seating_api.routes,
        *hybrid_api.routes,
        *table_answers_api.routes,
        *table_talk_api.routes,
        *cofacilitators_api.routes,
        *over_time_api.routes,
        *api.routes,
        *sockets.routes,
        *report_pages.routes,
        *pages.routes,
        *participant_pages.routes,
        *plain_pages.routes,
    ]


def route_paths() -> list[str]:
    paths = []
    for route in app_routes():
        assert isinstance(route, Route | WebSocketRoute), route
        if route.path != CATCH_ALL:
            paths.append(normalise(route.path))
    return sorted(set(paths))


def test_the_app_has_the_routes_this_test_reads():
    # Guards the test itself: if the route lists moved, it would pass on nothing.
    paths = route_paths()
    assert "/api/login" in paths
    assert "/ws/{code}/participant" in paths
    assert "/j/{code}" in paths
    assert len(paths) > 20


@pytest.mark.parametrize(
    "message_type", sorted({*messages.INBOUND_TYPES, *messages.OUTBOUND_TYPES})
)
def test_every_message_type_is_documented(message_type: str):
    assert message_defined(api_doc(), message_type), (
        f"docs/api.md does not document the message `{message_type}`"
    )


@pytest.mark.parametrize("path", route_paths())
def test_every_route_is_documented(path: str):
    documented = documented_paths(api_doc())
    assert path in documented, f"docs/api.md does not document the route {path}"


def test_every_api_method_is_documented():
    endpoints = documented_endpoints(api_doc())
    missing = []
    for route in app_routes():
        if not route.path.startswith("/api/"):
            continue
        if not isinstance(route, Route) or route.path == CATCH_ALL:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            if (method, normalise(route.path)) not in endpoints:
                missing.append(f"{method} {normalise(route.path)}")
    assert not missing, f"docs/api.md does not document: {', '.join(missing)}"


def test_the_docs_name_no_route_that_does_not_exist():
    real = set(route_paths())
    documented = {p for p in documented_paths(api_doc()) if p.startswith(("/api/", "/ws/"))}
    assert documented <= real, f"documented but not served: {sorted(documented - real)}"


def test_the_readme_names_the_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    for command in ("make run", "make test"):
        assert command in readme, f"README.md does not mention `{command}`"


def test_the_helpers_find_what_is_written():
    text = "`POST /api/sessions/{code}/join` and `/screen/{code}?key=…` but not /loose/path"
    assert documented_paths(text) == {"/api/sessions/{code}/join", "/screen/{code}"}
    assert documented_endpoints(text) == {("POST", "/api/sessions/{code}/join")}
    assert normalise("/a/{id:int}/b/{rest:path}") == "/a/{id}/b/{rest}"
    assert message_defined("- `ack` `{type, id}`", "ack")
    assert message_defined("| `ack` | stored |", "ack")
    assert not message_defined("Nothing sends `shout` yet.", "shout")


def test_every_test_the_security_doc_names_exists():
    """docs/security.md proves each defence with a named test: the name must be real."""
    doc = (ROOT / "docs" / "security.md").read_text("utf-8")
    tests = ROOT / "tests"
    source = "".join(path.read_text("utf-8") for path in tests.glob("*.py"))
    defined = set(re.findall(r"def (test_\w+)", source))
    files = {path.stem for path in tests.glob("test_*.py")}
    named = set(re.findall(r"\b(test_\w+)\b", doc)) - files
    assert named, "docs/security.md names no test"
    assert named <= defined, f"docs/security.md names missing tests: {sorted(named - defined)}"
