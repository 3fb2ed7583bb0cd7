// The table's own part of the phone page: who speaks for the table, the table's shared notes
// (participant-notes.js), calling the facilitator, and in the round of the tables "you are
// next" / "your table speaks now". All of it comes from the `table` frame that only this
// table's phones hear; the frames this part sends (spokesperson, hand, note) are its own,
// answered by ack or error like any other.
import { h, replace, fmt } from "./dom.js";
import { newId } from "./store.js";
import { createNotes } from "./participant-notes.js";

const RETRY = 2000;

/** "Kari", or "Participant 7" for someone without a name. */
export function personName(person, S) {
  if (!person) return "";
  if (person.name) return person.name;
  return person.number ? fmt(S.participant_n, { n: person.number }) : S.someone;
}

function clock(seconds) {
  const at = new Date(seconds * 1000);
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}

/**
 * createTableTalk({S, code, send}) → {draw(table, welcome), ack(id), error(frame), reconnected()}
 * `send(frame)` returns false while there is no open socket.
 */
export function createTableTalk({ S, code, send }) {
  const section = document.getElementById("table-talk");
  const turn = document.getElementById("table-turn");
  const notes = createNotes({ S, code, send, newId });
  const pending = new Map(); // id -> frame sent and not yet answered (spokesperson, hand)
  let choosing = false;
  let latest = { table: null, welcome: null };
  let retryTimer = null;

  const speaker = h("p", { class: "speaker-line", id: "speaker-line" });
  const pickBox = h("div", { class: "speaker-pick", hidden: true });
  const pickButton = h("button", { type: "button", class: "button secondary", "aria-expanded": "false",
    onclick: () => { choosing = !choosing; draw(); } }, S.pick_speaker);
  const handLine = h("p", { class: "hand-line", role: "status", "aria-live": "polite" });
  const handButton = h("button", { type: "button", class: "button secondary wide hand-button", onclick: toggleHand });
  const problem = h("p", { class: "table-problem", role: "alert", hidden: true });

  // Built once and kept, so the notes' textarea (its caret, what is being typed) survives
  // every redraw; out of the page while hidden (closed session), so no control lingers.
  const content = [
    h("h2", { class: "table-talk-title", id: "table-talk-title" }, S.table_talk_title),
    h("div", { class: "speaker" }, speaker, pickButton, pickBox),
    notes.element,
    h("div", { class: "hand" }, handLine, handButton),
    problem,
  ];

  function submit(frame) {
    const full = { ...frame, id: newId() };
    // A newer hand or pick replaces one not yet answered.
    for (const [id, other] of pending) if (other.type === full.type) pending.delete(id);
    pending.set(full.id, full);
    send(full);
    problem.hidden = true;
    draw();
  }

  function resend() {
    retryTimer = null;
    for (const frame of pending.values()) send(frame);
  }

  function toggleHand() {
    const table = latest.table;
    if (!table) return;
    submit({ type: "hand", raised: !raisedNow(table) });
  }

  /** Raised as this phone last asked (until the server answers), else as the table frame says. */
  function raisedNow(table) {
    const mine = [...pending.values()].find((f) => f.type === "hand");
    if (mine) return mine.raised;
    return !!(table.hand && table.hand.raised);
  }

  function drawTurn(table) {
    const round = table && table.round;
    const text = !round ? "" : round.speaking ? S.round_speaking : round.next ? S.round_next : "";
    turn.hidden = !text;
    turn.dataset.kind = round && round.speaking ? "speaking" : "next";
    if (turn.textContent !== text) turn.textContent = text;
  }

  function drawSpeaker(table, activity) {
    const who = table.spokesperson;
    const shown = !!(who && activity);
    speaker.hidden = !shown;
    pickButton.hidden = !shown || (table.members || []).length < 2;
    if (!shown) { choosing = false; pickBox.hidden = true; return; }
    const me = latest.welcome && latest.welcome.participant ? latest.welcome.participant.id : null;
    speaker.textContent = who.id === me ? S.you_speak : fmt(S.speaks_for_table, { name: personName(who, S) });
    pickButton.setAttribute("aria-expanded", choosing ? "true" : "false");
    pickBox.hidden = !choosing;
    if (!choosing) return;
    const waiting = [...pending.values()].find((f) => f.type === "spokesperson");
    const sig = JSON.stringify([table.members, who.id, waiting ? waiting.participant : null]);
    if (pickBox.dataset.sig === sig) return;
    pickBox.dataset.sig = sig;
    replace(pickBox,
      h("p", { class: "hint" }, S.pick_speaker_hint),
      h("div", { class: "speaker-grid" }, (table.members || []).map((m) => h("button", {
        type: "button", class: "button secondary speaker-choice",
        "aria-pressed": m.id === who.id ? "true" : "false",
        disabled: !!waiting,
        onclick: () => {
          choosing = false;
          submit({ type: "spokesperson", activity: activity.id, participant: m.id });
        },
      }, m.id === me ? fmt(S.me_name, { name: personName(m, S) }) : personName(m, S)))));
  }

  function drawHand(table) {
    const raised = raisedNow(table);
    const since = table.hand && table.hand.raised ? table.hand.since : null;
    handLine.hidden = !raised;
    handLine.textContent = raised ? (since ? fmt(S.hand_raised_since, { time: clock(since) }) : S.hand_raising) : "";
    handButton.textContent = raised ? S.hand_lower : S.hand_raise;
    handButton.setAttribute("aria-pressed", raised ? "true" : "false");
    handButton.dataset.raised = raised ? "true" : "false";
  }

  function draw() {
    const { table, welcome } = latest;
    const closed = !welcome || welcome.closed || welcome.closing;
    if (!table || closed) {
      section.hidden = true;
      if (section.firstChild) replace(section);
      drawTurn(null);
      return;
    }
    if (!section.firstChild) replace(section, content);
    const activity = welcome.activity && table.notes && table.notes.activity === welcome.activity.id
      ? welcome.activity : null;
    section.hidden = false;
    drawTurn(table);
    drawSpeaker(table, activity);
    notes.element.hidden = !table.notes;
    notes.show(table.notes, table.table && table.table.number);
    drawHand(table);
  }

  return {
    draw(table, welcome) {
      latest = { table, welcome };
      draw();
    },
    ack(id) {
      if (notes.ack(id)) return true;
      if (!pending.delete(id)) return false;
      draw();
      return true;
    },
    error(message) {
      if (notes.error(message)) return true;
      const frame = pending.get(message.id);
      if (!frame) return false;
      if (message.retry) {
        if (!retryTimer) retryTimer = setTimeout(resend, Number(message.retry_after) > 0 ? message.retry_after * 1000 : RETRY);
        return true;
      }
      pending.delete(message.id);
      problem.textContent = message.message || S.refused;
      problem.hidden = false;
      draw();
      return true;
    },
    reconnected() {
      notes.reconnected();
      resend();
    },
  };
}
