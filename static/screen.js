// The plenary screen: what the whole room looks at on the projector.
// It only listens. While an activity is open it shows how many have answered, never the
// distribution; the bars appear when the facilitator reveals.
//
// Everything must be readable from the back row at 1920×1080 and 1280×720, with 6 or 30
// tables: nothing the room needs (a table's counter, an option, a post) is ever hidden or cut
// off. Boxes that can hold a lot shrink their text to fit (fit.js), table counters become a
// compact grid, and a wall that does not fit pages by itself (tests/test_screen_layout.py).
import { h, replace, readJSON } from "./dom.js";
import { connect } from "./socket.js";
import { fitText } from "./fit.js";
import { secondsLeft, mmss, timerToShow, serverClock } from "./schedule.js";
import { S, page, stage, rootPx, codePage, joinCornerWanted } from "./screen-common.js";
import { wall, showWallPage, startWallTimer, drawWall } from "./screen-wall.js";
import { viewName, viewFor } from "./screen-views.js";
import { roundView } from "./screen-round.js";
import { rememberTables } from "./screen-marks.js";
import { viewer } from "./screen-viewer.js";
import { setupContrast } from "./screen-contrast.js";

const corner = document.getElementById("corner");
const lost = document.getElementById("reconnecting");
const timerBox = document.getElementById("timer");
const clock = serverClock();
const timerMemory = {};
let timer = null; // the state's timer
let last = null; // the last state drawn

let version = -1;
let lostTimer = null;

/* ---------- the countdown ---------- */

function drawTimer() {
  const now = clock.now();
  const shown = timerToShow(timerMemory, timer, now);
  const left = secondsLeft(shown, now);
  const visible = left !== null;
  if (timerBox.hidden === visible) { timerBox.hidden = !visible; railChanged(); }
  if (!visible) { timerBox.dataset.sig = ""; return; }
  const up = left === 0 || (timer !== null && timer.up === true);
  const sig = up ? "up" : mmss(left);
  if (timerBox.dataset.sig === sig) return;
  timerBox.dataset.sig = sig;
  timerBox.dataset.state = up ? "up" : "running";
  if (up) replace(timerBox, h("span", { class: "timer-up" }, S.time_up));
  else replace(timerBox, h("span", { class: "timer-label" }, S.time_left), h("span", { class: `timer-digits${sig.length > 5 ? " is-long" : ""}` }, sig));
}

/* ---------- drawing ---------- */

/** The right-hand rail (countdown on top, QR code and code below) takes its own room, so
 * nothing on the stage ever sits under it. */
function railChanged() {
  const has = !timerBox.hidden || !corner.hidden;
  if (document.body.classList.contains("has-rail") === has) return;
  document.body.classList.toggle("has-rail", has);
  relayout();
}

function relayout() {
  for (const el of stage.querySelectorAll(".fit")) el.style.fontSize = "";
  // Inner boxes first: an outer box then fits around their final size.
  const fits = [...stage.querySelectorAll(".fit")].reverse();
  const root = rootPx();
  for (const el of fits) fitText(el, { min: root * (parseFloat(el.dataset.fitMin) || 0.6) });
  drawWall(stage.querySelector(".wall") ? last : null); // in the room the question leaves
}

function drawCorner(state, name) {
  corner.hidden = !!viewer || name === "join" || name === "segment" || !joinCornerWanted(state);
  if (corner.hidden) { replace(corner); corner.dataset.sig = ""; return; } // no hidden invitation either
  const url = codePage(state.session.join_url || page.join_url);
  const sig = `${url}|${state.session.code}`;
  if (corner.dataset.sig === sig) return;
  corner.dataset.sig = sig;
  replace(corner,
    h("img", { class: "corner-qr", src: page.qr_url, alt: S.qr_alt, width: "200", height: "200" }),
    h("p", { class: "corner-title" }, S.join_at),
    h("p", { class: "corner-url" }, url),
    h("p", { class: "corner-code" }, state.session.code));
}

function draw(state) {
  if (typeof state.version === "number" && state.version < version) return; // stale
  version = state.version;
  last = state;
  clock.sync(state.now);
  // A server that marks "time is up" keeps the timer in the state until the step changes:
  // when it is gone, it is gone (an older server drops it as it runs out; see timerToShow).
  if (!state.timer && timerMemory.last && "up" in timerMemory.last) timerMemory.last = null;
  timer = state.timer || null;
  const plain = viewName(state);
  // The round of the tables goes over the question; the join page and the end go over it.
  const name = state.round && plain !== "join" && plain !== "ended" ? "round" : plain;
  document.body.dataset.view = name;
  document.body.dataset.version = String(state.version);
  drawCorner(state, name);
  rememberTables(state); // which tables are digital: they carry a tag (screen-marks.js)
  const drawn = () => (name === "round" ? roundView(state) : viewFor(state, name));
  replace(stage, viewer ? viewer.view(state, name, drawn) : drawn());
  document.body.classList.toggle("has-case", !!stage.querySelector(".case-layout"));
  document.body.classList.toggle("has-rail", !timerBox.hidden || !corner.hidden);
  drawTimer();
  relayout();
}

function showLost(status) {
  clearTimeout(lostTimer);
  if (status === "open") version = -1; // a restarted server may count versions from anew
  if (status === "open") { lost.hidden = true; return; }
  lostTimer = setTimeout(() => { lost.hidden = false; }, 2000); // a blink is not worth alarming the room
}

function showRenewed(reason) {
  document.body.dataset.view = "renewed";
  corner.hidden = true;
  timer = null;
  timerMemory.last = null;
  drawTimer();
  lost.hidden = true;
  last = null;
  drawWall(null);
  replace(stage, h("section", { class: "renewed" },
    h("h1", {}, S.renewed_title), h("p", {}, S.renewed_text), reason ? h("p", { class: "muted" }, reason) : null));
}

// At the screen laptop the facilitator can step the wall's pages with the arrow keys (or a
// presenter remote, which sends Page Up/Down).
document.addEventListener("keydown", (event) => {
  if (!stage.querySelector(".wall") || wall.pages < 2) return;
  const step = { ArrowRight: 1, PageDown: 1, " ": 1, ArrowLeft: -1, PageUp: -1 }[event.key];
  if (!step) return;
  event.preventDefault();
  showWallPage(wall.page + step);
  startWallTimer();
});

setupContrast(); // a high-contrast mode for bright rooms (screen-contrast.js)
const initial = readJSON("initial", null);
if (initial) draw(initial);
// A participant's own view of the screen connects with the seat's token (screen-viewer.js).
const path = viewer ? viewer.socketPath() : `/ws/${encodeURIComponent(page.code)}/screen?key=${encodeURIComponent(page.key)}`;
if (path) {
  connect(path, {
    onMessage: (message) => { if (message.type === "state") draw(message); },
    onStatus: showLost,
    onRefused: viewer ? viewer.refused : showRenewed,
    onReplaced: viewer ? viewer.replaced : showRenewed,
  });
} else viewer.noSeat();
if (viewer) viewer.onLayoutChange(() => { if (last) draw(last); });
let resizing = null;
window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(relayout, 100); });
setInterval(drawTimer, 250);
