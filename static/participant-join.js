// Joining on the phone: a name, the table to sit at (or "choose for me"), and the join request.
import { h, replace, fmt } from "./dom.js";
import { askQuestions } from "./participant-questions.js";
import {
  S, page, store, view, seatLine, changeButton, seatNote, seatPanel, statusLine, timerLine, live, updateBodyData,
} from "./participant-page.js";

export async function fetchTables() {
  try {
    const res = await fetch(`/api/sessions/${encodeURIComponent(page.code)}/tables`, { credentials: "same-origin" });
    if (res.ok) {
      const data = await res.json();
      if (Array.isArray(data.questions)) page.questions = data.questions; // asked before seating
      return data.tables || null;
    }
  } catch { /* keep what the page came with */ }
  return null;
}

/** The tables a newcomer here may pick: digital ones when joining from home (`page.remote`),
 * else room ones — or the digital ones of a session that has no room tables (hybrid days). */
export function joinable(tables) {
  const all = tables || [];
  const room = all.filter((t) => (t.kind || "room") === "room");
  if (page.remote || !room.length) return all.filter((t) => t.kind === "digital");
  return room;
}

export function tableButton(table, onPick) {
  const left = (table.capacity || 0) - (table.seated || 0);
  const note = left > 0 ? fmt(left === 1 ? S.seat_left_one : S.seat_left_other, { n: left }) : S.table_full;
  return h("button", { type: "button", class: `table-choice${left > 0 ? "" : " is-full"}`, onclick: () => onPick(table.number) },
    h("span", { class: "table-choice-name" }, table.name),
    h("span", { class: "table-choice-note" }, note));
}

/** The join page; `onWelcome` and `startSocket` take over once the seat is given. */
export function createJoin({ onWelcome, startSocket }) {
  let answered = null; // the join questions' answers, once given (kept if the join fails)
  function showJoin(reason = "") {
    live.welcome = null;
    timerLine.hidden = true;
    document.body.dataset.timer = "off";
    seatLine.hidden = true;
    changeButton.hidden = true;
    seatNote.hidden = true;
    seatPanel.hidden = true;
    statusLine.hidden = true;
    const meeting = document.getElementById("meeting"); // no seat, no table's meeting
    if (meeting) meeting.hidden = true;
    let tables = page.tables || [];
    let chosen = page.table || null;
    const nameInput = h("input", { id: "join-name", name: "name", type: "text", maxlength: "60", autocomplete: "nickname", class: "input" });
    const problem = h("p", { class: "alert", role: "alert", hidden: !reason }, reason);
    const choices = h("div", { class: "join-choices" });

    async function join(tableNumber) {
      // The join questions come first (participant-questions.js); answered once per page.
      const questions = page.questions || [];
      if (questions.length && answered === null) {
        askQuestions(view, questions, S, (answers) => {
          answered = answers;
          replace(view, h("section", { class: "card join" }, problem));
          join(tableNumber);
        });
        return;
      }
      for (const b of choices.querySelectorAll("button")) b.disabled = true;
      problem.hidden = false;
      problem.className = "note";
      problem.textContent = S.joining;
      const body = { name: nameInput.value.trim() };
      if (tableNumber) body.table = tableNumber;
      if (answered) body.answers = answered;
      if (page.remote) body.remote = true; // joining from home: a digital table
      try {
        const res = await fetch(`/api/sessions/${encodeURIComponent(page.code)}/join`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          credentials: "same-origin",
          body: JSON.stringify(body),
        });
        const data = await res.json().catch(() => ({}));
        if (!res.ok) throw new Error(data.error || S.join_failed);
        store.forget();
        store.setSeat({ token: data.token, participant_id: data.participant_id, table: data.table });
        onWelcome(data.welcome);
        startSocket();
      } catch (err) {
        problem.className = "alert";
        const text = err instanceof TypeError ? S.no_network : err.message;
        if (answered !== null && !view.contains(choices)) {
          // Back to the start. Refused (a question changed meanwhile, say): ask again, afresh.
          if (!(err instanceof TypeError)) { answered = null; await fetchTables(); }
          showJoin(text);
          return;
        }
        problem.textContent = text;
        for (const b of choices.querySelectorAll("button")) b.disabled = false;
      }
    }

    function drawChoices() {
      const pre = chosen && tables.find((t) => t.number === chosen);
      if (pre) {
        replace(choices,
          h("button", { type: "button", class: "button primary huge", onclick: () => join(pre.number) }, fmt(S.join_table, { table: pre.name })),
          h("button", { type: "button", class: "button link", onclick: () => { chosen = null; drawChoices(); } }, S.choose_other));
        return;
      }
      // People usually sit down first, so their table comes first; "choose for me" is the fallback.
      // No table to pick (from home, none digital): "choose for me" then says why (409).
      replace(choices, tables.length ? [
        h("h2", { class: "step-title" }, page.remote ? S.home_where : S.where_sit),
        h("div", { class: "table-grid" }, tables.map((t) => tableButton(t, join))),
        h("p", { class: "or" }, page.remote ? S.home_not_sure : S.not_sure)] : null,
        h("button", { type: "button", class: "button secondary huge", onclick: () => join(null) }, S.choose_for_me));
    }

    replace(view,
      h("section", { class: "card join" },
        h("h1", { class: "page-title" }, S.welcome_title),
        page.remote ? h("div", { class: "join-home", id: "join-home" },
          h("h2", { class: "join-home-title" }, S.home_title),
          h("p", { class: "join-home-text" }, S.home_text)) : null,
        h("p", { class: "lead" }, S.welcome_text),
        problem,
        h("div", { class: "field" },
          h("label", { for: "join-name" }, S.name_label),
          h("p", { class: "hint", id: "join-name-hint" }, S.name_hint),
          nameInput),
        choices));
    nameInput.setAttribute("aria-describedby", "join-name-hint");
    drawChoices();
    updateBodyData();
    fetchTables().then((fresh) => {
      if (fresh && !live.welcome) { tables = joinable(fresh); if (!choices.querySelector(":focus")) drawChoices(); }
    });
  }

  return showJoin;
}
