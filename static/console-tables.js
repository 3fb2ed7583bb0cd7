// The console's card for the talk at the tables: tables that called the facilitator (longest
// waiting first, with "I am on my way / answered"), and the round of the tables on the screen
// (start with a speaking time per table, previous, next, stop), and every table's notes on the
// current activity, live, with who speaks for it: the facilitator can keep one table's notes
// off the screen, or empty them (after a second press that says what it does). State:
// `s.talk` = {hands: [{table, name, since}], round: {table, position, total, next, …} | null,
// notes: {activity, tables: [{table, name, people, spokesperson, text, shown, generation}]} | null}.
import { h, replace, fmt } from "./dom.js";
import { postJSON, deleteJSON, request } from "./api.js";

function clock(seconds) {
  const at = new Date(seconds * 1000);
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}

function personName(person, S) {
  if (!person) return "";
  if (person.name) return person.name;
  return person.number ? fmt(S.participant_n, { n: person.number }) : S.anonymous || "";
}

export function createTablesPanel({ S, act, base }) {
  const box = document.getElementById("talk-panel");
  const hands = h("ol", { class: "talk-hands", id: "talk-hands", "aria-live": "polite" });
  const noHands = h("p", { class: "muted", id: "talk-no-hands" }, S.talk_no_hands);
  const roundBox = h("div", { class: "talk-round", id: "talk-round" });
  const minutes = h("input", { id: "talk-minutes", class: "input", type: "number", min: "0", max: "30", step: "1", value: "2" });
  const notesList = h("ol", { class: "talk-notes", id: "talk-notes" });
  const noNotes = h("p", { class: "muted", id: "talk-no-notes" }, S.talk_notes_none);
  replace(box,
    h("h2", { id: "talk-title" }, S.talk_title),
    h("h3", { class: "talk-sub" }, S.talk_hands_title), noHands, hands,
    h("h3", { class: "talk-sub" }, S.talk_round_title), roundBox,
    h("h3", { class: "talk-sub" }, S.talk_notes_title), noNotes, notesList);
  let round = null; // the latest state's round, for the buttons' `at`
  const rows = new Map(); // table number -> its row in the notes list, kept between redraws
  const confirming = new Set(); // tables whose "empty the notes" waits for the second press
  let notesActivity = null;

  function noteRow(number) {
    const row = {
      entry: null,
      name: h("strong", { class: "talk-note-table" }),
      speaker: h("span", { class: "talk-note-speaker" }),
      badge: h("span", { class: "talk-note-off", hidden: true }, S.talk_notes_off_screen),
      text: h("p", { class: "talk-note-text" }),
      toggle: h("button", { type: "button", class: "button secondary talk-note-toggle" }),
      clear: h("button", { type: "button", class: "button secondary talk-note-clear" }, S.talk_notes_clear),
      ask: h("p", { class: "talk-note-ask" }),
      confirmBox: h("div", { class: "talk-note-confirm", role: "group", hidden: true }),
    };
    const yes = h("button", { type: "button", class: "button danger talk-note-yes" }, S.talk_notes_clear_yes);
    const no = h("button", { type: "button", class: "button secondary talk-note-no" }, S.cancel);
    replace(row.confirmBox, row.ask, h("div", { class: "talk-note-buttons" }, yes, no));
    row.toggle.addEventListener("click", (e) => act(e.currentTarget, () => request("PUT",
      `${base}/tables/${number}/notes/screen`, { activity: notesActivity, shown: !row.entry.shown })));
    row.clear.addEventListener("click", () => { confirming.add(number); drawRow(row); yes.focus(); });
    no.addEventListener("click", () => { confirming.delete(number); drawRow(row); row.clear.focus(); });
    yes.addEventListener("click", (e) => act(e.currentTarget, async () => {
      await postJSON(`${base}/tables/${number}/notes/clear`,
        { activity: notesActivity, generation: row.entry.generation });
      confirming.delete(number);
      drawRow(row);
    }));
    row.li = h("li", { class: "talk-note", dataset: { table: String(number) } },
      h("p", { class: "talk-note-head" }, row.name, " ", row.speaker, " ", row.badge),
      row.text,
      h("div", { class: "talk-note-buttons" }, row.toggle, row.clear),
      row.confirmBox);
    return row;
  }

  function drawRow(row) {
    const t = row.entry;
    row.name.textContent = t.name;
    row.speaker.textContent = t.spokesperson ? `· ${fmt(S.talk_speaks, { name: personName(t.spokesperson, S) })}` : "";
    row.badge.hidden = t.shown;
    row.li.classList.toggle("is-off-screen", !t.shown);
    row.text.textContent = t.text || S.talk_notes_empty;
    row.text.classList.toggle("muted", !t.text);
    row.toggle.textContent = t.shown ? S.talk_notes_hide : S.talk_notes_show;
    row.toggle.setAttribute("aria-pressed", t.shown ? "false" : "true");
    const asking = confirming.has(t.table);
    row.clear.hidden = asking || !t.text;
    row.confirmBox.hidden = !asking;
    row.ask.textContent = fmt(S.talk_notes_clear_ask, { table: t.name });
  }

  function drawNotes(notes) {
    const list = notes ? notes.tables : [];
    if (!notes || notes.activity !== notesActivity) confirming.clear();
    notesActivity = notes ? notes.activity : null;
    noNotes.hidden = list.length > 0;
    const seen = new Set();
    list.forEach((entry, i) => {
      seen.add(entry.table);
      let row = rows.get(entry.table);
      if (!row) { row = noteRow(entry.table); rows.set(entry.table, row); }
      row.entry = entry;
      drawRow(row);
      if (notesList.children[i] !== row.li) notesList.insertBefore(row.li, notesList.children[i] || null);
    });
    for (const [number, row] of rows) {
      if (seen.has(number)) continue;
      row.li.remove();
      rows.delete(number);
      confirming.delete(number);
    }
  }

  const send = (body) => postJSON(`${base}/round`, body);
  const start = (e) => act(e.currentTarget, () => {
    const n = Math.max(0, Math.min(30, Math.round(Number(minutes.value) || 0)));
    return send({ action: "start", seconds: n * 60 });
  });
  const step = (action) => (e) => act(e.currentTarget, () => send({ action, at: round ? round.table.number : undefined }));

  function drawHands(list) {
    noHands.hidden = list.length > 0;
    const sig = JSON.stringify(list);
    if (hands.dataset.sig === sig) return;
    hands.dataset.sig = sig;
    replace(hands, list.map((hand) => h("li", { dataset: { table: String(hand.table) } },
      h("span", {}, h("span", { class: "hand-table" }, hand.name), " ", fmt(S.talk_called_at, { time: clock(hand.since) })),
      h("button", { type: "button", class: "button secondary", onclick: (e) => act(e.currentTarget,
        () => deleteJSON(`${base}/tables/${hand.table}/hand`)) }, S.talk_answered))));
  }

  function drawRound(now) {
    const sig = JSON.stringify(now ? [now.table, now.position, now.total, now.next, now.spokesperson] : null);
    if (roundBox.dataset.sig === sig) return;
    roundBox.dataset.sig = sig;
    if (!now) {
      replace(roundBox,
        h("p", { class: "hint" }, S.talk_round_hint),
        h("label", { class: "talk-minutes" }, S.talk_minutes, minutes),
        h("button", { type: "button", id: "round-start", class: "button primary wide", onclick: start }, S.talk_round_start));
      return;
    }
    replace(roundBox,
      h("p", { class: "talk-round-now", id: "round-now" },
        h("strong", {}, fmt(S.talk_round_now, { table: now.table.name, n: now.position, total: now.total })),
        now.spokesperson ? ` · ${fmt(S.talk_speaks, { name: personName(now.spokesperson, S) })}` : ""),
      h("p", { class: "muted" }, now.next ? fmt(S.talk_round_next, { table: now.next.name }) : S.talk_round_last),
      h("div", { class: "talk-round-buttons" },
        h("button", { type: "button", id: "round-previous", class: "button secondary", disabled: now.position <= 1, onclick: step("previous") }, S.talk_previous),
        h("button", { type: "button", id: "round-next", class: "button primary", disabled: !now.next, onclick: step("next") }, S.talk_next),
        h("button", { type: "button", id: "round-stop", class: "button secondary", onclick: step("stop") }, S.talk_stop)));
  }

  return {
    draw(s) {
      const talk = (s && s.talk) || { hands: [], round: null, notes: null };
      round = talk.round;
      drawHands(talk.hands || []);
      drawRound(talk.round);
      drawNotes(talk.notes || null);
    },
  };
}
