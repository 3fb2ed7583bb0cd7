// The phone during a station rotation ("kommunetorg"): where this table goes now, big and
// clear, where it goes next and at what time, the station's question, and the countdown.
// The post box under it is the reflection's own (phone-activity.js): a post goes to the
// station the table is at when the server stores it.
// Everything comes from the table frame's `station` (workshop/stations.py: table_part).
import { h, replace, fmt } from "./dom.js";
import { secondsLeft, mmss } from "./schedule.js";

let shown = null; // {box, frame, now, S}
let ticking = null;

/** "10:40" in this phone's time, from epoch seconds. */
function clockOf(epoch) {
  const d = new Date(epoch * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function countdown() {
  if (!shown) return;
  const el = shown.box.querySelector(".station-left");
  if (!el) return;
  const left = secondsLeft(shown.frame, shown.now());
  const text = left === null ? "" : left === 0 ? shown.S.station_moving : fmt(shown.S.station_left, { time: mmss(left) });
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Draw (or hide) the station card in `box`. `frame` is the table frame's `station` (or null
 * when the room is not at a rotation); `activity` the activity the phone shows (the card
 * shows only for the rotation itself); `now` the server-corrected clock.
 */
export function drawStation(box, frame, activity, { S, now }) {
  if (!box) return;
  const on = !!frame && !!activity && frame.activity === activity.id;
  const sig = on ? JSON.stringify(frame) : "";
  document.body.dataset.station = on ? frame.state : "off";
  if (!on) {
    box.hidden = true;
    if (box.dataset.sig) replace(box);
    box.dataset.sig = "";
    shown = null;
    return;
  }
  shown = { box, frame, now, S };
  if (box.dataset.sig === sig) { countdown(); return; }
  box.dataset.sig = sig;
  box.hidden = false;
  const station = frame.station || {};
  const round = fmt(S.station_round, { n: Math.min(frame.round + 1, frame.rounds), of: frame.rounds });
  const parts = [];
  if (frame.state === "waiting") {
    parts.push(h("p", { class: "station-eyebrow" }, S.station_first));
    parts.push(h("p", { class: "station-go" }, station.name));
    parts.push(h("p", { class: "station-note" }, S.station_wait_start));
  } else if (frame.state === "over") {
    parts.push(h("p", { class: "station-eyebrow" }, S.station_over));
    parts.push(h("p", { class: "station-note" }, fmt(S.station_last, { station: station.name })));
  } else {
    parts.push(h("p", { class: "station-eyebrow" }, `${S.station_go_to} · ${round}`));
    parts.push(h("p", { class: "station-go", role: "status" }, station.name));
    parts.push(h("p", { class: "station-left", role: "timer" }));
    if (frame.next) {
      parts.push(h("p", { class: "station-next" },
        fmt(S.station_next, { station: frame.next.name, time: clockOf(frame.next.at) })));
    } else {
      parts.push(h("p", { class: "station-next" }, S.station_last_round));
    }
  }
  if (station.prompt && frame.state !== "over") {
    parts.push(h("div", { class: "station-prompt" },
      h("p", { class: "station-prompt-label" }, S.station_question),
      h("p", { class: "station-prompt-text" }, station.prompt)));
  }
  replace(box, ...parts);
  countdown();
  if (!ticking) ticking = setInterval(countdown, 1000);
}
