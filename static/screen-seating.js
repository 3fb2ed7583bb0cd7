// The screen after a reseat: every table and who sits there, by the name they gave or
// "Participant 7" (docs/seating.md). Never anyone's join answers. From the state's `seating`.
import { h, fmt } from "./dom.js";
import { S } from "./screen-common.js";
import { named } from "./screen-marks.js";

/** Whether the screen shows the seating: the facilitator chose the view (a reseat does). */
export function showsSeating(state) {
  return state.view === "seating" && Array.isArray(state.seating);
}

export function seatingView(state) {
  const tables = state.seating.filter((t) => t.members.length);
  const most = Math.max(1, ...tables.map((t) => t.members.length));
  // Fewer, bigger boxes for a small room; a compact grid for a big one.
  const columns = Math.min(6, Math.max(2, Math.ceil(Math.sqrt(tables.length * 1.8))));
  const rows = Math.max(1, Math.ceil(tables.length / columns));
  const lineVh = Math.max(1.1, Math.min(4.2, 68 / (rows * (most + 1.8))));
  const grid = h("ol", { class: "seating-grid", dataset: { count: String(tables.length) } }, tables.map((t) => h("li", { class: "seating-table", dataset: { table: String(t.number) } },
    h("h3", {}, named(t.number, t.name)),
    h("ul", {}, t.members.map((m) => h("li", {}, m.name || fmt(S.participant_n, { n: m.number })))))));
  grid.style.setProperty("--seating-cols", String(Math.min(columns, tables.length || 1)));
  grid.style.setProperty("--seating-name", `${lineVh.toFixed(2)}vh`);
  grid.style.setProperty("--seating-head", `${(lineVh * 1.25).toFixed(2)}vh`);
  return h("section", { class: "seating-view" },
    h("h1", { class: "seating-title" }, S.seating_title),
    tables.length ? grid : h("p", { class: "seating-empty" }, S.seating_nobody));
}
