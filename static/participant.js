// The phone page: join a table, then answer whatever the room is looking at.
// Reliability first: every answer goes into a localStorage outbox before it is sent,
// and stays there until the server acknowledges it (see store.js and socket.js).
import { h, replace, readJSON, fmt } from "./dom.js";
import { connect } from "./socket.js";
import { createStore, newId } from "./store.js";
import { renderActivity } from "./phone-activity.js";
import { setupGlossary } from "./terms.js";
import { secondsLeft, mmss, timerToShow, serverClock } from "./schedule.js";

const S = readJSON("strings", {});
const page = readJSON("page", {}); // {code, title, tables, table}
const store = createStore(page.code);
const view = document.getElementById("view");
const seatLine = document.getElementById("seat-line");
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
let welcome = null; // the latest welcome: {session, participant, activity, segment, timer, terms}
let connection = "closed";
let activityView = null; // handle returned by renderActivity, for in-place updates
const feedback = { saved: new Set(), error: "" }; // per-activity "Saved ✓" and the last refusal
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
  seatLine.hidden = true;
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
  drawLive();
  flushOutbox();
}

function drawSeat() {
  if (!welcome) return;
  const { participant } = welcome;
  seatLine.hidden = false;
  seatLine.textContent = fmt(S.you_are_at, { table: participant.table.name });
}

function drawLive() {
  drawSeat();
  drawTimer();
  activityView = renderActivity(view, welcome ? welcome.activity : null, {
    S, previous: activityView,
    segment: welcome ? welcome.segment : null,
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
        clock.sync(message.now);
        if (!message.activity || message.activity.id !== before) feedback.error = ""; // old news
        drawLive();
      }
      break;
    case "ack": {
      inFlight.delete(message.id);
      retryWait = RETRY_FIRST;
      const frame = store.ack(message.id);
      if (frame) feedback.saved.add(String(frame.activity));
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
        if (message.id) store.reject(message.id); // refused for good: nothing was stored
        feedback.error = message.message || S.refused;
      }
      flushOutbox();
      drawLive();
      break;
    }
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

function drawTimer() {
  const now = clock.now();
  const left = welcome ? secondsLeft(timerToShow(timerMemory, welcome.timer, now), now) : null;
  timerLine.hidden = left === null;
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
