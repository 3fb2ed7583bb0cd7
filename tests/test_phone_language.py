"""A phone's own language (issue 18): chosen with one tap, kept on the device, and every
text on that phone follows it: fixed texts, case texts where the case has them (saying so
when they fall back), scale labels, glossary, table names and errors. Real server, real
sockets, a copy of the shipped library with one case written in bokmål only."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.live import (
    WAIT,
    Phone,
    Server,
    Socket,
    add_activity,
    add_facilitator,
    login,
    new_id,
    new_session,
    set_state,
)
from workshop.library import DEFAULT_ROOT

ONLY_BOKMAL = """
id = "bare-bokmal"
minutes = 20
tags = ["elected"]

[nb]
title = "Møtet i Nordvik"
narrative = "Kommunestyret møtes i Nordvik for første gang."
questions = ["Hva gjør dere først?"]
notes = "Bare på bokmål."

[[nb.activities]]
kind = "dilemma"
title = "Hvor møtes vi?"
prompt = "Hvor bør neste møte være?"
options = ["I Nordvik", "I Sørbø"]

[en]
title = "The meeting in Nordvik"
narrative = "The council meets in Nordvik for the first time."
questions = ["What do you do first?"]
notes = "In English."

[[en.activities]]
kind = "dilemma"
title = "Where do we meet?"
prompt = "Where should the next meeting be?"
options = ["In Nordvik", "In Sørbø"]
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("language")
    cases = root / "cases"
    shutil.copytree(DEFAULT_ROOT, cases)
    (cases / "library" / "bare-bokmal.toml").write_text(ONLY_BOKMAL, "utf-8")
    db = root / "workshop.db"
    add_facilitator(db, "anna")
    running = Server(db, env={"WORKSHOP_CASES": str(cases)}).start()
    yield running
    running.stop()


@pytest.fixture
async def facilitator(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    client = await login(server, "anna")
    yield client
    await client.aclose()


async def _case(client: httpx.AsyncClient, code: str, case: str) -> list[int]:
    """Add library case `case` to a new segment of the session; its activities' ids."""
    response = await client.post(
        f"/api/sessions/{code}/segments", json={"title": "Saken", "start": "09:00", "minutes": 30}
    )
    assert response.status_code == 201, response.text
    segment = response.json()["id"]
    response = await client.post(
        f"/api/sessions/{code}/segments/{segment}/cases", json={"case": case}
    )
    assert response.status_code == 201, response.text
    return response.json()["activities"]


async def _open(phone: Phone, language: str | None) -> Socket:
    url = phone.url + (f"&lang={language}" if language else "")
    return await Socket.open(url)


def _showing(activity: int):
    def match(m: dict[str, Any]) -> bool:
        return (
            m["type"] in ("activity", "welcome") and (m.get("activity") or {}).get("id") == activity
        )

    return match


async def test_each_phone_gets_the_case_in_the_language_it_chose(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=2, language="nb"))["code"]
    dilemma, scale, _ = await _case(facilitator, code, "fredrik-forste-uke")
    phones = [await Phone.join(server, code) for _ in range(3)]
    sockets = {
        lang: await _open(phone, lang)
        for lang, phone in zip((None, "en", "nn"), phones, strict=True)
    }
    await set_state(facilitator, code, dilemma, "open")
    seen = {lang: await s.wait_for(_showing(dilemma)) for lang, s in sockets.items()}
    own, english, nynorsk = (seen[k]["activity"] for k in (None, "en", "nn"))
    assert own["title"] == "Hva svarer Fredrik?" and own["language"] == "nb"
    assert english["title"] == "What does Fredrik answer?" and english["language"] == "en"
    assert english["case"]["title"].startswith("Fredrik's first weeks")
    assert english["case"]["language"] == "en"
    assert english["options"][0].startswith("Be honest")
    assert nynorsk["title"] == "Kva svarar Fredrik?" and nynorsk["language"] == "nn"
    # Glossary marks and explanations in the phone's language.
    runs = english["case"]["marks"]["narrative"]
    assert "".join(run for run, _ in runs) == english["case"]["narrative"]
    terms = seen["en"]["terms"]
    assert terms and all(t["explanation"] for t in terms.values())
    assert seen[None]["terms"] != terms

    await set_state(facilitator, code, scale, "open")
    scales = {lang: await s.wait_for(_showing(scale)) for lang, s in sockets.items()}
    assert scales["en"]["activity"]["options"][0] == "Strongly disagree"
    assert scales[None]["activity"]["options"][0] != "Strongly disagree"
    assert scales["en"]["activity"]["prompt"].startswith("It is fine")

    # The welcome of a reconnect, and errors, follow the choice too.
    again = await _open(phones[1], "en")
    welcome = await again.wait_for(lambda m: m["type"] == "welcome")
    assert welcome["activity"]["prompt"].startswith("It is fine")
    assert welcome["participant"]["table"]["name"].startswith("Table ")
    await again.send({"type": "vote", "id": new_id(), "activity": 999999, "option": 0})
    error = await again.wait_for(lambda m: m["type"] == "error")
    assert error["message"] == "This session has no such activity."
    await again.close()
    for socket in sockets.values():
        await socket.close()


async def test_a_text_the_phone_cannot_have_in_its_language_says_which_it_is_in(
    server: Server, facilitator: httpx.AsyncClient
):
    code = (await new_session(facilitator, tables=1, language="nn"))["code"]
    (dilemma,) = await _case(facilitator, code, "bare-bokmal")
    written = await add_activity(
        facilitator, code, kind="poll", prompt="Kva vel de?", options=["Ja", "Nei"]
    )
    phone = await Phone.join(server, code)
    nynorsk, english = await _open(phone, None), await _open(phone, "en")
    await set_state(facilitator, code, dilemma, "open")
    # The case has no nynorsk: the session's own phones read it in bokmål, and are told.
    shown = (await nynorsk.wait_for(_showing(dilemma)))["activity"]
    assert shown["language"] == "nb" and shown["case"]["language"] == "nb"
    assert shown["title"] == "Hvor møtes vi?"
    # It has English: an English phone reads it in English.
    shown = (await english.wait_for(_showing(dilemma)))["activity"]
    assert shown["language"] == "en" and shown["title"] == "Where do we meet?"
    await set_state(facilitator, code, dilemma, "closed")
    # What the facilitator wrote stays as written, in the session's language.
    await set_state(facilitator, code, written, "open")
    shown = (await english.wait_for(_showing(written)))["activity"]
    assert shown["prompt"] == "Kva vel de?" and shown["language"] == "nn"
    assert shown["case"] is None
    await nynorsk.close()
    await english.close()


async def test_the_choice_sticks_on_the_device_across_pages_and_rejoins(
    server: Server, facilitator: httpx.AsyncClient
):
    created = await new_session(facilitator, tables=2, language="nb")
    code = created["code"]
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as phone:
        page = await phone.get(f"/j/{code}")
        assert '<html lang="nb">' in page.text and "Bord 1" in page.text
        assert 'hreflang="en"' in page.text and 'aria-current="true">Bokmål<' in page.text
        page = await phone.get(f"/j/{code}", params={"lang": "en"})
        assert '<html lang="en">' in page.text and "Table 1" in page.text
        assert page.cookies.get("workshop_lang") == "en"
        # Without asking again: the kept choice (a rejoin from the QR code, say).
        page = await phone.get(f"/j/{code}", params={"table": "2"})
        assert '<html lang="en">' in page.text
        assert 'href="/j/' in page.text and "table=2&amp;lang=nn" in page.text
        listed = (await phone.get(f"/api/sessions/{code}/tables")).json()["tables"]
        assert [t["name"] for t in listed] == ["Table 1", "Table 2"]
        joined = await phone.post(f"/api/sessions/{code}/join", json={"table": 99})
        assert joined.status_code == 400 and "table" in joined.json()["error"].lower()
        assert "bord" not in joined.json()["error"].lower()
        joined = await phone.post(f"/api/sessions/{code}/join", json={})
        assert joined.json()["welcome"]["participant"]["table"]["name"].startswith("Table ")
        # A screen is not a phone: the room's screen keeps the session's language.
    async with httpx.AsyncClient(timeout=WAIT, cookies={"workshop_lang": "en"}) as laptop:
        page = await laptop.get(created["screen_url"])
        assert '<html lang="nb">' in page.text
