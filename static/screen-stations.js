// The screen during a station rotation ("kommunetorg"): a map of the stations with the
// tables at each this round, the round, and the countdown to the next move.
// From the state's `stations` (workshop/stations.py: screen_part).
import { h, fmt } from "./dom.js";
import { secondsLeft, mmss } from "./schedule.js";
import { S } from "./screen-common.js";
import { named } from "./screen-marks.js";

let ticking = null;
let nowOf = () => Date.now() / 1000;

function clockOf(epoch) {
  const d = new Date(epoch * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function tick() {
  const box = document.querySelector(".stations-countdown");
  if (!box) return;
  const ends = Number(box.dataset.endsAt);
  const left = secondsLeft({ ends_at: ends }, nowOf());
  const text = left === null ? "" : left === 0 ? S.station_moving || "" : mmss(left);
  if (box.textContent !== text) box.textContent = text;
  box.dataset.state = left === 0 ? "up" : "running";
}

/** Whether the screen shows the map: the room is at a rotation that is waiting or running. */
export function showsStations(state) {
  const s = state.stations;
  return !!(s && state.activity && s.activity === state.activity.id && s.state !== "over"
    && state.activity.state === "open");
}

/** The map; it counts down by the server's clock (the state's `now`). */
export function stationsView(state) {
  const offset = typeof state.now === "number" ? state.now - Date.now() / 1000 : 0;
  nowOf = () => Date.now() / 1000 + offset;
  const s = state.stations;
  const a = state.activity;
  const running = s.state === "running";
  const head = h("header", { class: "stations-head" },
    h("div", { class: "stations-titles" },
      h("p", { class: "eyebrow" }, S.stations_label),
      h("h1", { class: "stations-title" }, (a && (a.title || a.prompt)) || S.stations_label),
      h("p", { class: "stations-round" }, running
        ? fmt(S.station_round, { n: s.round + 1, of: s.rounds })
        : S.stations_start_here)),
    running && s.ends_at
      ? h("div", { class: "stations-clock" },
        h("p", { class: "stations-countdown", role: "timer", dataset: { endsAt: String(s.ends_at) } }),
        h("p", { class: "stations-next" }, s.round + 1 < s.rounds
          ? fmt(S.stations_move_at, { time: clockOf(s.ends_at) })
          : fmt(S.stations_end_at, { time: clockOf(s.ends_at) })))
      : null);
  const many = s.stations.length > 6;
  const grid = h("ol", { class: `stations-map${many ? " is-many" : ""}`, dataset: { count: String(s.stations.length) } },
    s.stations.map((st) => h("li", { class: "station-box fit", dataset: { index: String(st.index), fitMin: "0.45" } },
      h("h2", { class: "station-name" }, st.name),
      st.prompt ? h("p", { class: "station-question" }, st.prompt) : null,
      h("ul", { class: "station-tables", "aria-label": fmt(S.stations_tables_at, { station: st.name }) },
        st.tables.length
          ? st.tables.map((t) => h("li", { class: "station-table" }, named(t.number, t.name)))
          : [h("li", { class: "station-empty" }, S.stations_empty)]))));
  if (!ticking) ticking = setInterval(tick, 250);
  setTimeout(tick, 0);
  return h("section", { class: "stations-view", dataset: { state: s.state } }, head, grid);
}
