"""The phone page without JavaScript (issue 18, point 3), over plain HTTP form posts against
the real server: join (by code and by a table card's link), vote, change the vote (counted
once on the screen), a "why", a reflection's post, a form sent twice counted once, a closed
activity refused with a message on the page, a post from another site refused."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live import (
    WAIT,
    Server,
    Socket,
    add_activity,
    add_facilitator,
    login,
    new_session,
    results,
    screen_socket_url,
    set_state,
)
from workshop.i18n import gettext_for

ACTION = re.compile(r'name="action" value="([0-9a-f-]{36})"')
REFRESH = '<meta http-equiv="refresh"'


def nb(message: str, **params: Any) -> str:
    return gettext_for("nb", message, **params)


def action_of(page: httpx.Response) -> str:
    found = ACTION.search(page.text)
    assert found, page.text
    return found.group(1)


def phone(server: Server) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, timeout=WAIT)


async def join(client: httpx.AsyncClient, code: str, table: str = "", **query: str) -> None:
    form = await client.get(f"/j/{code}/plain", params=query)
    assert form.status_code == 200, form.text
    answer = await client.post(
        f"/j/{code}/plain/join", data={"action": action_of(form), "name": "", "table": table}
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/j/{code}/plain"


async def vote(client: httpx.AsyncClient, code: str, activity: int, option: int) -> None:
    page = await client.get(f"/j/{code}/plain")
    data = {"action": action_of(page), "activity": str(activity), "option": str(option)}
    answer = await client.post(f"/j/{code}/plain/vote", data=data)
    assert answer.status_code == 303, answer.text


async def dilemma(facilitator: httpx.AsyncClient, code: str) -> int:
    activity = await add_activity(
        facilitator, code, kind="dilemma", prompt="Skal vi bygge?", options=["Ja", "Nei", "Vent"]
    )
    await set_state(facilitator, code, activity, "open")
    return activity


async def test_join_vote_change_and_why_count_once_on_the_screen(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator)
    code = created["code"]
    activity = await dilemma(facilitator, code)
    screen = await Socket.open(screen_socket_url(created))
    async with phone(server) as client:
        form = await client.get(f"/j/{code}/plain")
        assert nb("Choose a table for me") in form.text
        answer = await client.post(
            f"/j/{code}/plain/join", data={"action": action_of(form), "table": ""}
        )
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert f"Path=/j/{code}" in cookie and "HttpOnly" in cookie, cookie
        assert "samesite=lax" in cookie.lower(), cookie

        page = await client.get(f"/j/{code}/plain")
        assert "Skal vi bygge?" in page.text and REFRESH in page.text
        await vote(client, code, activity, 0)
        await vote(client, code, activity, 2)  # changed: still one person, one vote
        page = await client.get(f"/j/{code}/plain")
        assert nb("✓ Saved: your answer %(mark)s “%(label)s”", mark="C", label="Vent") in page.text

        why_page = await client.get(f"/j/{code}/plain/why")
        assert 'name="why"' in why_page.text and REFRESH not in why_page.text
        data = {
            "action": action_of(why_page),
            "activity": str(activity),
            "option": "2",
            "why": "Vi må\r\nvente",
        }
        assert (await client.post(f"/j/{code}/plain/vote", data=data)).status_code == 303
        await vote(client, code, activity, 1)  # a changed vote keeps its reason

    await screen.wait_for(
        lambda m: (
            m["type"] == "state"
            and m["activity"]
            and m["activity"]["id"] == activity
            and m["activity"]["answered"] == 1
        )
    )
    await set_state(facilitator, code, activity, "revealed")
    shown = await screen.wait_for(
        lambda m: (
            m["type"] == "state"
            and m["activity"]
            and m["activity"].get("results")
            and m["activity"]["results"]["counts"] == [0, 1, 0]
        )
    )
    assert shown["activity"]["answered"] == 1
    await screen.close()
    stored = (await results(facilitator, code))[activity]
    assert stored["counts"] == [0, 1, 0]
    assert [w["text"] for w in stored["whys"]] == ["Vi må\nvente"]


async def test_a_table_cards_link_seats_at_that_table(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=4))["code"]
    async with phone(server) as client:
        card = await client.get(f"/j/{code}?table=3")  # the JavaScript page links the plain one
        assert f'href="/j/{code}/plain?table=3"' in card.text
        form = await client.get(f"/j/{code}/plain", params={"table": "3"})
        assert nb("Join %(table)s", table="Bord 3") in form.text
        await join(client, code, "3")
        page = await client.get(f"/j/{code}/plain")
        assert nb("You are at %(table)s", table="Bord 3") in page.text
        assert nb("You are in!") in page.text and REFRESH in page.text
    listed = (await facilitator.get(f"/api/sessions/{code}/participants")).json()
    assert [p["table"] for p in listed["participants"]] == [3]


async def test_a_reflection_post_and_a_form_sent_twice_count_once(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    activity = await add_activity(facilitator, code, kind="reflection", prompt="Hva lærte du?")
    await set_state(facilitator, code, activity, "open")
    async with phone(server) as client:
        await join(client, code)
        page = await client.get(f"/j/{code}/plain")
        assert 'name="text"' in page.text and REFRESH not in page.text
        assert nb("Refresh") in page.text
        data = {"action": action_of(page), "activity": str(activity), "text": "Mye\r\nnytt"}
        first, again = await asyncio.gather(
            client.post(f"/j/{code}/plain/post", data=data),
            client.post(f"/j/{code}/plain/post", data=data),
        )
        assert first.status_code == again.status_code == 303
        resent = await client.post(f"/j/{code}/plain/post", data=data)  # the browser resends
        assert resent.status_code == 303
        page = await client.get(resent.headers["location"])
        assert nb("✓ Saved: what you wrote, “%(text)s”", text="Mye nytt") in page.text

        vote_form = await client.get(f"/j/{code}/plain")
        second = await add_activity(
            facilitator, code, kind="poll", prompt="Kaffe?", options=["Ja", "Nei"]
        )
        await set_state(facilitator, code, second, "open")
        page = await client.get(f"/j/{code}/plain")
        data = {"action": action_of(page), "activity": str(second), "option": "0"}
        for _ in range(2):
            assert (await client.post(f"/j/{code}/plain/vote", data=data)).status_code == 303
        data["option"] = "1"  # the same form again, another button: still the first answer
        assert (await client.post(f"/j/{code}/plain/vote", data=data)).status_code == 303
        assert vote_form.status_code == 200
    stored = await results(facilitator, code)
    assert [p["text"] for p in stored[activity]["posts"]] == ["Mye\nnytt"]
    assert stored[second]["counts"] == [1, 0]


async def test_a_join_form_sent_twice_makes_one_seat(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    async with phone(server) as client:
        form = await client.get(f"/j/{code}/plain")
    data = {"action": action_of(form), "name": "Kari", "table": ""}
    async with phone(server) as one, phone(server) as two, phone(server) as three:
        answers = await asyncio.gather(
            one.post(f"/j/{code}/plain/join", data=data),
            two.post(f"/j/{code}/plain/join", data=data),
        )
        late = await three.post(f"/j/{code}/plain/join", data=data)  # resent after the answer
    tokens = {a.cookies.get("workshop-seat") for a in (*answers, late)}
    assert len(tokens) == 1 and None not in tokens
    listed = (await facilitator.get(f"/api/sessions/{code}/participants")).json()
    assert listed["total"] == 1 and listed["participants"][0]["name"] == "Kari"


async def test_a_closed_activity_is_refused_with_a_message_on_the_page(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    activity = await dilemma(facilitator, code)
    async with phone(server) as client:
        await join(client, code)
        page = await client.get(f"/j/{code}/plain")
        await set_state(facilitator, code, activity, "closed")
        data = {"action": action_of(page), "activity": str(activity), "option": "1"}
        refused = await client.post(f"/j/{code}/plain/vote", data=data)
        assert refused.status_code == 409
        assert refused.headers["content-type"].startswith("text/html")
        assert nb("Voting is closed for this activity.") in refused.text
        assert nb("Voting is closed") in refused.text  # the page shows it closed, too
        english = await client.post(f"/j/{code}/plain/vote?lang=en", data=data)
        assert "Voting is closed for this activity." in english.text
    assert (await results(facilitator, code))[activity]["counts"] == [0, 0, 0]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Referer": "http://evil.example/form.html"},
    ],
)
async def test_a_form_from_another_site_is_refused(
    server: Server, facilitator: httpx.AsyncClient, headers: dict[str, str]
):
    code = (await new_session(facilitator))["code"]
    activity = await dilemma(facilitator, code)
    async with phone(server) as client:
        form = await client.get(f"/j/{code}/plain")
        data = {"action": action_of(form), "table": ""}
        refused = await client.post(f"/j/{code}/plain/join", data=data, headers=headers)
        assert refused.status_code == 403
        own = {"Origin": server.url, "Sec-Fetch-Site": "same-origin"}
        assert (
            await client.post(f"/j/{code}/plain/join", data=data, headers=own)
        ).status_code == 303
        page = await client.get(f"/j/{code}/plain")
        data = {"action": action_of(page), "activity": str(activity), "option": "0"}
        refused = await client.post(f"/j/{code}/plain/vote", data=data, headers=headers)
        assert refused.status_code == 403
    assert (await results(facilitator, code))[activity]["counts"] == [0, 0, 0]
    listed = (await facilitator.get(f"/api/sessions/{code}/participants")).json()
    assert listed["total"] == 1


async def test_a_removed_seat_is_asked_to_join_again(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    activity = await dilemma(facilitator, code)
    async with phone(server) as client:
        await join(client, code)
        page = await client.get(f"/j/{code}/plain")
        listed = (await facilitator.get(f"/api/sessions/{code}/participants")).json()
        someone = listed["participants"][0]["id"]
        removed = await facilitator.delete(f"/api/sessions/{code}/participants/{someone}")
        assert removed.status_code == 204
        data = {"action": action_of(page), "activity": str(activity), "option": "0"}
        refused = await client.post(f"/j/{code}/plain/vote", data=data)
        assert refused.status_code == 403
        assert nb("This seat is no longer valid. Join again.") in refused.text
        assert nb("Choose a table for me") in refused.text
    assert (await results(facilitator, code))[activity]["counts"] == [0, 0, 0]


async def test_join_questions_a_locked_room_and_the_end_of_the_day(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator))["code"]
    asked = await facilitator.post(
        f"/api/sessions/{code}/join-questions",
        json={"prompt": "Første periode?", "options": ["Ja", "Nei"]},
    )
    question = asked.json()["id"]
    async with phone(server) as client:
        form = await client.get(f"/j/{code}/plain")
        assert "Første periode?" in form.text and f'name="q{question}"' in form.text
        data = {"action": action_of(form), "table": "", f"q{question}": "1"}
        assert (await client.post(f"/j/{code}/plain/join", data=data)).status_code == 303
    counts = (await facilitator.get(f"/api/sessions/{code}/join-questions")).json()
    assert counts["questions"][0]["counts"] == [0, 1]

    locked = await facilitator.post(f"/api/sessions/{code}/joining", json={"open": False})
    assert locked.status_code == 200
    async with phone(server) as late:
        form = await late.get(f"/j/{code}/plain")
        refused = await late.post(
            f"/j/{code}/plain/join", data={"action": action_of(form), "name": "Ola", "table": ""}
        )
        assert refused.status_code == 403
        message = "Joining is closed for this session. Ask the facilitator to let you in."
        assert nb(message) in refused.text
        assert 'value="Ola"' in refused.text  # the form again, as it was filled in
        assert "workshop-seat" not in refused.headers.get("set-cookie", "")

    async with phone(server) as client:
        await facilitator.post(f"/api/sessions/{code}/joining", json={"open": True})
        await join(client, code)
        assert (await facilitator.post(f"/api/sessions/{code}/close")).status_code == 200
        page = await client.get(f"/j/{code}/plain")
        assert nb("The session has ended. Thank you.") in page.text


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with a small submission limit (tests/live.py lifts it otherwise)."""
    db = tmp_path_factory.mktemp("plain-limits") / "workshop.db"
    add_facilitator(db, "anna")
    env = {"WORKSHOP_SUBMIT_RATE": "0.01", "WORKSHOP_SUBMIT_BURST": "2"}
    running = Server(db, env=env).start()
    yield running
    running.stop()


async def test_the_forms_share_the_per_participant_limit(limited: Server):
    admin = await login(limited, "anna")
    code = (await new_session(admin))["code"]
    activity = await add_activity(admin, code, kind="poll", prompt="Kaffe?", options=["Ja", "Nei"])
    await set_state(admin, code, activity, "open")
    async with phone(limited) as client:
        await join(client, code)
        await vote(client, code, activity, 0)
        await vote(client, code, activity, 1)
        page = await client.get(f"/j/{code}/plain")
        data = {"action": action_of(page), "activity": str(activity), "option": "0"}
        refused = await client.post(f"/j/{code}/plain/vote", data=data)
        assert refused.status_code == 429
        assert nb("You are sending too fast. Wait a moment and try again.") in refused.text
    assert (await results(admin, code))[activity]["counts"] == [0, 1]
    await admin.aclose()


async def test_the_days_evaluation_in_one_form(server: Server, facilitator: httpx.AsyncClient):
    code = (await new_session(facilitator))["code"]
    activity = await add_activity(facilitator, code, kind="evaluation", prompt="Dagen")
    await set_state(facilitator, code, activity, "open")
    async with phone(server) as client:
        await join(client, code)
        page = await client.get(f"/j/{code}/plain")
        assert 'name="e_useful"' in page.text and REFRESH not in page.text
        data = {
            "action": action_of(page),
            "activity": str(activity),
            "e_useful": "4",
            "e_engaged": "",
            "e_again": "yes",
            "e_comment": "Mer tid\r\ntil bordene",
        }
        for _ in range(2):  # sent twice: one evaluation
            assert (await client.post(f"/j/{code}/plain/evaluation", data=data)).status_code == 303
        page = await client.get(f"/j/{code}/plain")
        assert nb("Thank you! Your evaluation is saved.") in page.text
        assert 'value="4" checked' in page.text and "Mer tid\ntil bordene" in page.text
        data = {**data, "action": action_of(page), "e_useful": "9"}
        refused = await client.post(f"/j/{code}/plain/evaluation", data=data)
        assert refused.status_code == 400
        assert nb("%(key)s is a whole number from 1 to 5.", key="useful") in refused.text
    stored = (await results(facilitator, code))[activity]
    assert stored["responses"] == 1
    assert stored["summary"]["useful"]["counts"] == [0, 0, 0, 1, 0]
    assert stored["summary"]["again"]["counts"]["yes"] == 1
    assert stored["summary"]["comment"]["texts"] == ["Mer tid\ntil bordene"]


async def test_joining_from_home_sits_at_a_digital_table(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, digital_tables=2))["code"]
    async with phone(server) as client:
        home = await client.get(f"/j/{code}?from=home")
        assert f'href="/j/{code}/plain?from=home"' in home.text
        form = await client.get(f"/j/{code}/plain", params={"from": "home"})
        assert nb("You are joining from home") in form.text and "Digitalt bord 1" in form.text
        assert "Bord 1<" not in form.text  # only the digital tables to pick
        data = {"action": action_of(form), "from": "home", "table": ""}
        assert (await client.post(f"/j/{code}/plain/join", data=data)).status_code == 303
    listed = (await facilitator.get(f"/api/sessions/{code}/participants")).json()
    assert listed["participants"][0]["table"] in (3, 4)
