// The phone page: join a table, then answer whatever the room is looking at.
// Reliability first: every answer goes into a localStorage outbox before it is sent,
// and stays there until the server acknowledges it (see store.js and socket.js).
import { h, replace, readJSON, fmt } from "./dom.js";
import { connect } from "./socket.js";
import { createStore, newId } from "./store.js";
import { renderActivity, frameText } from "./phone-activity.js";
import { setupGlossary } from "./terms.js";
import { secondsLeft, mmss, timerToShow, serverClock } from "./schedule.js";

const S = readJSON("strings", {});
const page = readJSON("page", {}); // {code, title, tables, table}
const store = createStore(page.code);
const view = document.getElementById("view");
const seatLine = document.getElementById("seat-line");
const changeButton = document.getElementById("change-table");
const seatNote = document.getElementById("seat-note");
const seatPanel = document.getElementById("seat-panel");
const statusLine = document.getElementById("connection");
const timerLine = document.getElementById("timer-line");
const clock = serverClock();
const timerMemory = {};
// Submissions in flight at once: a long offline queue goes out in steps, so the server's
// per-participant limit (docs/api.md) asks this phone to wait instead of refusing a flood.
const WINDOW = 10;
const RETRY_FIRST = 2000; // a `retry` error without `retry_after`: wait this, then longer
const RETRY_MOST = 30000;

let socket = null;
// The latest welcome: {session, participant, activity, segment, timer, terms, closing, closed,
// table_changes}; later `activity` messages update it.
let welcome = null;
let connection = "closed";
let activityView = null; // handle returned by renderActivity, for in-place updates
// Per activity, the frame the server acknowledged last (what "Saved" names), and the last refusal.
const feedback = { saved: new Map(), error: "" };
let moved = null; // a table change the server acknowledged, before its `seat` reply
let seatNotice = null; // {kind: "ok" | "error", text} about the last table change
let knownTables = page.tables || []; // for the table change: names and seats
const inFlight = new Set(); // ids sent on this connection and not answered yet
let pausedUntil = 0; // the server asked this phone to wait until then (Date.now() ms)
let resumeTimer = null;
let retryWait = RETRY_FIRST;
let retryNote = ""; // the "wait a moment" message on show, cleared by the next ack

function updateBodyData() {
  document.body.dataset.connection = connection === "open" ? "open" : "closed";
  document.body.dataset.pending = String(store.outbox().length);
}

/* ---------- joining ---------- */

async function fetchTables() {
  try {
    const res = await fetch(`/api/sessions/${encodeURIComponent(page.code)}/tables`, { credentials: "same-origin" });
    if (res.ok) return (await res.json()).tables || null;
  } catch { /* keep what the page came with */ }
  return null;
}

function tableButton(table, onPick) {
  const left = (table.capacity || 0) - (table.seated || 0);
  const note = left > 0 ? fmt(left === 1 ? S.seat_left_one : S.seat_left_other, { n: left }) : S.table_full;
  return h("button", { type: "button", class: `table-choice${left > 0 ? "" : " is-full"}`, onclick: () => onPick(table.number) },
    h("span", { class: "table-choice-name" }, table.name),
    h("span", { class: "table-choice-note" }, note));
}

function showJoin(reason = "") {
  welcome = null;
  timerLine.hidden = true;
  document.body.dataset.timer = "off";
  seatLine.hidden = true;
  changeButton.hidden = true;
  seatNote.hidden = true;
  seatPanel.hidden = true;
  statusLine.hidden = true;
  let tables = page.tables || [];
  let chosen = page.table || null;
  const nameInput = h("input", { id: "join-name", name: "name", type: "text", maxlength: "60", autocomplete: "nickname", class: "input" });
  const problem = h("p", { class: "alert", role: "alert", hidden: !reason }, reason);
  const choices = h("div", { class: "join-choices" });

  async function join(tableNumber) {
    for (const b of choices.querySelectorAll("button")) b.disabled = true;
    problem.hidden = false;
    problem.className = "note";
    problem.textContent = S.joining;
    const body = { name: nameInput.value.trim() };
    if (tableNumber) body.table = tableNumber;
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
      problem.textContent = err instanceof TypeError ? S.no_network : err.message;
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
    replace(choices,
      h("h2", { class: "step-title" }, S.where_sit),
      h("div", { class: "table-grid" }, tables.map((t) => tableButton(t, join))),
      h("p", { class: "or" }, S.not_sure),
      h("button", { type: "button", class: "button secondary huge", onclick: () => join(null) }, S.choose_for_me));
  }

  replace(view,
    h("section", { class: "card join" },
      h("h1", { class: "page-title" }, S.welcome_title),
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
    if (fresh && !welcome) { tables = fresh; if (!choices.querySelector(":focus")) drawChoices(); }
  });
}

/* ---------- the live view ---------- */

function onWelcome(message) {
  welcome = message;
  clock.sync(message.now);
  store.setConfirmed(message.answers || {});
  inFlight.clear(); // a new connection: whatever the old one carried is sent again
  moved = null; // the welcome says where this seat is now
  knownTables = mergeTable(knownTables, message.participant && message.participant.table);
  drawLive();
  flushOutbox();
}

function drawSeat() {
  if (!welcome) return;
  const { participant } = welcome;
  seatLine.hidden = false;
  seatLine.textContent = fmt(S.you_are_at, { table: participant.table.name });
  // Changing tables: only when the facilitator allows it (missing means no), and not at the
  // closing or after the end.
  const canChange = !!welcome.table_changes && !welcome.closed && !welcome.closing;
  const moving = store.outbox().find((f) => f.type === "seat") || moved;
  changeButton.hidden = !canChange || !!moving;
  if (changeButton.hidden && !seatPanel.hidden) closeSeatPanel(false);
  changeButton.setAttribute("aria-expanded", seatPanel.hidden ? "false" : "true");
  let note = welcome.closed || welcome.closing ? null : seatNotice;
  if (moving) note = { kind: "waiting", text: fmt(S.seat_moving, { table: tableName(moving.table) }) };
  seatNote.hidden = !note;
  seatNote.textContent = note ? note.text : "";
  seatNote.dataset.kind = note ? note.kind : "";
}

/* ---------- changing tables (when the facilitator allows it) ---------- */

/** The tables known, with this seat's own table in them (its name from the welcome). */
function mergeTable(tables, table) {
  if (!table || !table.number || tables.some((t) => t.number === table.number)) return tables;
  return [...tables, { number: table.number, name: table.name }].sort((a, b) => a.number - b.number);
}

function tableName(number) {
  const found = knownTables.find((t) => t.number === number);
  return found ? found.name : fmt(S.table_number, { n: number });
}

function openSeatPanel() {
  seatNotice = null;
  const here = welcome.participant.table.number;
  const draw = () => replace(seatPanel,
    h("h2", { class: "seat-panel-title", id: "seat-panel-title", tabindex: "-1" }, S.change_table_title),
    h("div", { class: "table-grid" }, knownTables.map((t) => {
      // Unlike at joining, a full table cannot be moved to (the server refuses it).
      const full = typeof t.capacity === "number" && (t.seated || 0) >= t.capacity;
      if (t.number !== here && !full) return tableButton(t, changeTable);
      return h("button", { type: "button", class: `table-choice ${t.number === here ? "is-here" : "is-full"}`, disabled: true,
        "aria-current": t.number === here ? "true" : null },
      h("span", { class: "table-choice-name" }, t.name),
      h("span", { class: "table-choice-note" }, t.number === here ? S.you_sit_here : S.table_full_now));
    })),
    h("button", { type: "button", class: "button secondary wide", onclick: () => closeSeatPanel(true) }, S.cancel));
  draw();
  seatPanel.hidden = false;
  changeButton.setAttribute("aria-expanded", "true");
  document.getElementById("seat-panel-title").focus();
  fetchTables().then((fresh) => {
    if (!fresh || seatPanel.hidden) return;
    knownTables = fresh;
    if (!seatPanel.contains(document.activeElement) || document.activeElement.id === "seat-panel-title") {
      draw();
      document.getElementById("seat-panel-title").focus();
    }
  });
  drawSeat();
}

function closeSeatPanel(focusButton) {
  seatPanel.hidden = true;
  replace(seatPanel);
  changeButton.setAttribute("aria-expanded", "false");
  if (focusButton && !changeButton.hidden) changeButton.focus();
}

/** Through the outbox like an answer: it survives a dropped network and a reload. */
function changeTable(number) {
  closeSeatPanel(false);
  seatNotice = null;
  store.enqueue({ type: "seat", id: newId(), table: number });
  drawSeat();
  updateBodyData();
  flushOutbox();
}

changeButton.textContent = S.change_table;
changeButton.addEventListener("click", () => (seatPanel.hidden ? openSeatPanel() : closeSeatPanel(true)));
seatPanel.addEventListener("keydown", (event) => { if (event.key === "Escape") closeSeatPanel(true); });

function drawLive() {
  drawSeat();
  drawTimer();
  activityView = renderActivity(view, welcome ? welcome.activity : null, {
    S, previous: activityView,
    segment: welcome ? welcome.segment : null,
    closing: !!(welcome && welcome.closing),
    closed: !!(welcome && welcome.closed),
    storyOpen: (id) => store.storyOpen(id),
    setStoryOpen: (id, open) => store.setStoryOpen(id, open),
    answers: store.answers(),
    pending: store.outbox(),
    feedback,
    vote: (activity, option, why) => submit({ type: "vote", activity: activity.id, option, ...(why ? { why } : {}) }),
    post: (activity, text) => submit({ type: "post", activity: activity.id, text }),
  });
  updateBodyData();
}

function submit(fields) {
  const frame = { ...fields, id: newId() };
  store.enqueue(frame); // first into the outbox: nothing is lost if the page dies now
  feedback.saved.delete(String(frame.activity));
  feedback.error = "";
  drawLive();
  flushOutbox();
}

/** Send what waits in the outbox, at most WINDOW at a time, unless the server asked to wait. */
function flushOutbox() {
  if (!socket) return;
  const wait = pausedUntil - Date.now();
  if (wait > 0) {
    if (!resumeTimer) resumeTimer = setTimeout(() => { resumeTimer = null; flushOutbox(); }, wait);
    return;
  }
  for (const frame of store.outbox()) {
    if (inFlight.size >= WINDOW) break;
    if (inFlight.has(frame.id)) continue;
    if (!socket.send(frame)) break;
    inFlight.add(frame.id);
  }
}

/** A `retry` error: nothing was stored; keep the frame and send it again after a wait. */
function pauseSending(message) {
  const after = Number(message.retry_after);
  let wait;
  if (after > 0) {
    wait = Math.min(after * 1000, RETRY_MOST);
  } else {
    wait = retryWait; // the server is busy or failed: back off while it lasts
    retryWait = Math.min(retryWait * 2, RETRY_MOST);
  }
  pausedUntil = Math.max(pausedUntil, Date.now() + wait);
  retryNote = message.message || "";
  feedback.error = retryNote;
}

function onMessage(message) {
  switch (message.type) {
    case "welcome":
      onWelcome(message);
      break;
    case "activity":
      // The welcome comes first on every connection; an older snapshot after it is stale.
      if (welcome && !(message.version < welcome.version)) {
        welcome.version = message.version;
        const before = welcome.activity && welcome.activity.id;
        welcome.activity = message.activity;
        welcome.segment = message.segment || null;
        welcome.timer = message.timer || null;
        welcome.terms = message.terms || {};
        welcome.closing = !!message.closing;
        welcome.closed = !!message.closed;
        welcome.table_changes = !!message.table_changes;
        clock.sync(message.now);
        if (!message.activity || message.activity.id !== before) {
          feedback.error = ""; // old news
          seatNotice = null;
        }
        drawLive();
      }
      break;
    case "ack": {
      inFlight.delete(message.id);
      retryWait = RETRY_FIRST;
      const frame = store.ack(message.id);
      if (frame && frame.type !== "seat") feedback.saved.set(String(frame.activity), frame);
      // A table change is done when the `seat` reply comes; until then it still says "moving".
      if (frame && frame.type === "seat") moved = frame;
      if (retryNote && feedback.error === retryNote) feedback.error = "";
      flushOutbox();
      drawLive();
      break;
    }
    case "error": {
      if (message.id) inFlight.delete(message.id);
      if (message.retry) {
        pauseSending(message);
      } else {
        // Refused for good: nothing was stored. Drop it (nothing stays "waiting" forever, also
        // after the session has ended), and say plainly what did not go through, and why.
        const frame = message.id ? store.reject(message.id) : null;
        const reason = message.message || S.refused;
        if (frame && frame.type === "seat") {
          seatNotice = { kind: "error", text: `${S.seat_not_changed} ${reason}` };
        } else {
          if (frame) feedback.saved.delete(String(frame.activity));
          const activity = welcome && welcome.activity;
          feedback.error = frame ? `${frameText(activity, frame, S, false)} ${reason}` : reason;
        }
      }
      flushOutbox();
      drawLive();
      break;
    }
    case "seat":
      // The table change is stored: the seat line follows, and the seat remembers it.
      if (welcome && message.table) {
        welcome.participant.table = message.table;
        const seat = store.seat();
        if (seat) store.setSeat({ ...seat, table: message.table.number });
        seatNotice = { kind: "ok", text: fmt(S.seat_moved, { table: message.table.name }) };
        moved = null;
        drawLive();
      }
      break;
  }
}

function drawConnection(status) {
  if (document.body.dataset.replaced) return; // the seat is in use elsewhere; nothing to tell
  connection = status;
  statusLine.hidden = false;
  statusLine.dataset.status = status;
  statusLine.textContent = status === "open" ? S.connected : status === "offline" ? S.offline : S.reconnecting;
  updateBodyData();
  if (welcome) drawLive(); // "Waiting to send…" wording depends on the connection
}

function startSocket() {
  const seat = store.seat();
  if (!seat) return showJoin();
  if (socket) socket.close();
  socket = connect(`/ws/${encodeURIComponent(page.code)}/participant?token=${encodeURIComponent(seat.token)}`, {
    onMessage,
    onStatus: drawConnection,
    onRefused: (reason) => {
      socket = null;
      store.forget();
      connection = "closed";
      showJoin(reason || S.seat_gone);
    },
    onReplaced: (reason) => {
      connection = "closed";
      showReplaced(reason || S.opened_elsewhere);
    },
  });
}

/** The seat is open on another screen (close code 4001): say so calmly, and wait for a tap
 * before taking it back here (which closes the oldest screen there in turn). */
function showReplaced(reason) {
  statusLine.hidden = true;
  timerLine.hidden = true;
  document.body.dataset.replaced = "true";
  const useHere = () => {
    delete document.body.dataset.replaced;
    replace(view, h("p", { class: "note waiting" }, S.connecting));
    startSocket();
  };
  replace(view,
    h("section", { class: "card replaced" },
      h("p", { class: "lead", role: "status" }, reason),
      h("button", { type: "button", class: "button primary huge", id: "use-here", onclick: useHere }, S.use_here)));
  updateBodyData();
}

/* ---------- the countdown: small and plain, above the question ---------- */

/** Seconds left, 0 for "Time is up", null for no timer. A server that says `up` keeps the
 * timer in its state while time is up, and "Time is up" stays exactly as long; an older one
 * drops it, and the page keeps "Time is up" a minute by itself (timerToShow). */
function timerLeft(now) {
  const timer = welcome && !welcome.closed ? welcome.timer : null;
  if (timer && timer.up) {
    timerMemory.last = null;
    return 0;
  }
  if (timer && "up" in timer) {
    timerMemory.last = null; // the server says when time is up; nothing to remember
    return secondsLeft(timer, now);
  }
  return secondsLeft(timerToShow(timerMemory, timer, now), now);
}

function drawTimer() {
  const now = clock.now();
  const left = welcome && !document.body.dataset.replaced ? timerLeft(now) : null;
  timerLine.hidden = left === null;
  document.body.dataset.timer = left === null ? "off" : "on";
  if (left === null) return;
  const text = left === 0 ? S.time_up : fmt(S.timer_left, { time: mmss(left) });
  if (timerLine.textContent !== text) timerLine.textContent = text;
  timerLine.dataset.state = left === 0 ? "up" : "running";
}

/* ---------- start ---------- */

setInterval(drawTimer, 1000);
setupGlossary({ terms: () => (welcome && welcome.terms) || {}, S, sheet: true });

if (store.seat()) {
  replace(view, h("p", { class: "note waiting" }, S.connecting));
  startSocket();
} else {
  showJoin();
}
updateBodyData();
