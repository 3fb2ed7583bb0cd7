// The phone page: join a table, then answer whatever the room is looking at.
// Reliability first: every answer goes into a localStorage outbox before it is sent,
// and stays there until the server acknowledges it (see store.js and socket.js).
import { h, replace, fmt } from "./dom.js";
import { connect } from "./socket.js";
import { newId } from "./store.js";
import { renderActivity, frameText } from "./phone-activity.js";
import { setupGlossary } from "./terms.js";
import { secondsLeft, mmss, timerToShow, serverClock } from "./schedule.js";
import { S, page, store, view, statusLine, timerLine, live, updateBodyData } from "./participant-page.js";
import { createJoin } from "./participant-join.js";
import { createSeatChange, mergeTable } from "./participant-seat.js";
import { drawStation } from "./participant-station.js";
import { createTableTalk } from "./participant-table.js";
import { drawScreenLink } from "./participant-screen-link.js";
import { createMeeting } from "./participant-meeting.js";

const clock = serverClock();
const timerMemory = {};
// Submissions in flight at once: a long offline queue goes out in steps, so the server's
// per-participant limit (docs/api.md) asks this phone to wait instead of refusing a flood.
const WINDOW = 10;
const RETRY_FIRST = 2000; // a `retry` error without `retry_after`: wait this, then longer
const RETRY_MOST = 30000;

let socket = null;
let activityView = null; // handle returned by renderActivity, for in-place updates
// Per activity, the frame the server acknowledged last (what "Saved" names), and the last refusal.
const feedback = { saved: new Map(), error: "" };
const inFlight = new Set(); // ids sent on this connection and not answered yet
let pausedUntil = 0; // the server asked this phone to wait until then (Date.now() ms)
let resumeTimer = null;
let retryWait = RETRY_FIRST;
let retryNote = ""; // the "wait a moment" message on show, cleared by the next ack

const showJoin = createJoin({ onWelcome, startSocket });
const { drawSeat } = createSeatChange({ flushOutbox });
// The table's notes, spokesperson and raised hand send frames of their own (participant-table.js).
const tableTalk = createTableTalk({ S, code: page.code, send: (frame) => !!socket && socket.send(frame) });
const meeting = createMeeting({ S }); // a digital table's video meeting (participant-meeting.js)

/* ---------- the live view ---------- */

function onWelcome(message) {
  live.welcome = message;
  clock.sync(message.now);
  store.setConfirmed(message.answers || {});
  inFlight.clear(); // a new connection: whatever the old one carried is sent again
  live.moved = null; // the welcome says where this seat is now
  live.knownTables = mergeTable(live.knownTables, message.participant && message.participant.table);
  drawLive();
  flushOutbox();
  tableTalk.reconnected();
}

function drawLive() {
  drawSeat();
  drawTimer();
  activityView = renderActivity(view, live.welcome ? live.welcome.activity : null, {
    S, previous: activityView,
    segment: live.welcome ? live.welcome.segment : null,
    closing: !!(live.welcome && live.welcome.closing),
    closed: !!(live.welcome && live.welcome.closed),
    storyOpen: (id) => store.storyOpen(id),
    setStoryOpen: (id, open) => store.setStoryOpen(id, open),
    answers: store.answers(),
    pending: store.outbox(),
    feedback,
    vote: (activity, option, why) => submit({ type: "vote", activity: activity.id, option, ...(why ? { why } : {}) }),
    post: (activity, text) => submit({ type: "post", activity: activity.id, text }),
    evaluate: (activity, answers) => submit({ type: "evaluation", activity: activity.id, answers }),
    // A question the table answers together (participant-table-answer.js).
    table: live.table || null,
    me: live.welcome && live.welcome.participant ? live.welcome.participant.id : null,
    propose: (activity, option) => submit({ type: "propose", activity: activity.id, option }),
    confirm: (activity, option) => submit({ type: "confirm", activity: activity.id, option }),
  });
  // A station rotation: where this table goes now and next (participant-station.js).
  drawStation(document.getElementById("station"), live.table ? live.table.station : null,
    live.welcome ? live.welcome.activity : null, { S, now: clock.now });
  tableTalk.draw(live.table || null, live.welcome); // notes, spokesperson, hand, the round
  // The screen on this phone: big at a digital table (participant-screen-link.js).
  drawScreenLink(document.getElementById("screen-link"), {
    S, code: page.code, table: live.table || null, seated: !!live.welcome && !document.body.dataset.replaced,
  });
  meeting.draw(live.table || null, live.welcome); // from the `table` frame's `meeting`
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
      if (live.welcome && !(message.version < live.welcome.version)) {
        live.welcome.version = message.version;
        const before = live.welcome.activity && live.welcome.activity.id;
        live.welcome.activity = message.activity;
        live.welcome.segment = message.segment || null;
        live.welcome.timer = message.timer || null;
        live.welcome.terms = message.terms || {};
        live.welcome.closing = !!message.closing;
        live.welcome.closed = !!message.closed;
        live.welcome.table_changes = !!message.table_changes;
        clock.sync(message.now);
        if (!message.activity || message.activity.id !== before) {
          feedback.error = ""; // old news
          live.seatNotice = null;
        }
        drawLive();
      }
      break;
    case "ack": {
      if (tableTalk.ack(message.id)) break;
      inFlight.delete(message.id);
      retryWait = RETRY_FIRST;
      const frame = store.ack(message.id);
      if (frame && frame.type !== "seat") feedback.saved.set(String(frame.activity), frame);
      // A table change is done when the `seat` reply comes; until then it still says "moving".
      if (frame && frame.type === "seat") live.moved = frame;
      if (retryNote && feedback.error === retryNote) feedback.error = "";
      flushOutbox();
      drawLive();
      break;
    }
    case "error": {
      if (message.id && tableTalk.error(message)) break;
      if (message.id) inFlight.delete(message.id);
      if (message.retry) {
        pauseSending(message);
      } else {
        // Refused for good: nothing was stored. Drop it (nothing stays "waiting" forever, also
        // after the session has ended), and say plainly what did not go through, and why.
        const frame = message.id ? store.reject(message.id) : null;
        const reason = message.message || S.refused;
        if (frame && frame.type === "seat") {
          live.seatNotice = { kind: "error", text: `${S.seat_not_changed} ${reason}` };
        } else {
          if (frame) feedback.saved.delete(String(frame.activity));
          const activity = live.welcome && live.welcome.activity;
          feedback.error = frame ? `${frameText(activity, frame, S, false)} ${reason}` : reason;
        }
      }
      flushOutbox();
      drawLive();
      break;
    }
    case "table":
      // What this participant's table shares (its members, and what the table does
      // together); the latest one wins.
      live.table = message;
      drawLive();
      break;
    case "seat":
      // The table change is stored: the seat line follows, and the seat remembers it.
      if (live.welcome && message.table) {
        live.welcome.participant.table = message.table;
        const seat = store.seat();
        if (seat) store.setSeat({ ...seat, table: message.table.number });
        live.seatNotice = { kind: "ok", text: fmt(S.seat_moved, { table: message.table.name }) };
        // The facilitator reseated the room or moved this person (docs/seating.md): say it big.
        if (message.moved === true) live.seatNotice = { kind: "reseat", text: fmt(S.new_table, { table: message.table.name }) };
        if (message.moved === false) live.seatNotice = { kind: "stay", text: fmt(S.same_table, { table: message.table.name }) };
        if (message.moved && navigator.vibrate) navigator.vibrate(200);
        live.moved = null;
        drawLive();
      }
      break;
  }
}

function drawConnection(status) {
  if (document.body.dataset.replaced) return; // the seat is in use elsewhere; nothing to tell
  live.connection = status;
  statusLine.hidden = false;
  statusLine.dataset.status = status;
  statusLine.textContent = status === "open" ? S.connected : status === "offline" ? S.offline : S.reconnecting;
  updateBodyData();
  if (live.welcome) drawLive(); // "Waiting to send…" wording depends on the connection
}

function startSocket() {
  const seat = store.seat();
  if (!seat) return showJoin();
  if (socket) socket.close();
  // The page's language is the one this phone chose (or the session's): the live state follows it.
  const lang = encodeURIComponent(document.documentElement.lang || "");
  socket = connect(`/ws/${encodeURIComponent(page.code)}/participant?token=${encodeURIComponent(seat.token)}&lang=${lang}`, {
    onMessage,
    onStatus: drawConnection,
    onRefused: (reason) => {
      socket = null;
      store.forget();
      live.connection = "closed";
      showJoin(reason || S.seat_gone);
    },
    onReplaced: (reason) => {
      live.connection = "closed";
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
  const timer = live.welcome && !live.welcome.closed ? live.welcome.timer : null;
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
  const left = live.welcome && !document.body.dataset.replaced ? timerLeft(now) : null;
  timerLine.hidden = left === null;
  document.body.dataset.timer = left === null ? "off" : "on";
  if (left === null) return;
  const text = left === 0 ? S.time_up : fmt(S.timer_left, { time: mmss(left) });
  if (timerLine.textContent !== text) timerLine.textContent = text;
  timerLine.dataset.state = left === 0 ? "up" : "running";
}

/* ---------- start ---------- */

setInterval(drawTimer, 1000);
setupGlossary({ terms: () => (live.welcome && live.welcome.terms) || {}, S, sheet: true });

if (store.seat()) {
  replace(view, h("p", { class: "note waiting" }, S.connecting));
  startSocket();
} else {
  showJoin();
}
updateBodyData();
document.documentElement.setAttribute("data-booted", ""); // hides the simple page's note (plain.css)
