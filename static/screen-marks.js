// Digital tables on the screen: wherever the screen names a table (the counters, the results
// per table, the round of the tables, the seating, before and after, the wall, the stations),
// a table people join from home carries a small tag with a laptop and the word "Digital",
// so the room sees at once who sits at home. From the state's `tables` (each with its `kind`).
import { h } from "./dom.js";
import { S } from "./screen-common.js";

const SVG = "http://www.w3.org/2000/svg";
let digital = new Set(); // the numbers of the digital tables in the last state drawn

/** Remember which tables are digital (call with every state before drawing it). */
export function rememberTables(state) {
  const tables = Array.isArray(state && state.tables) ? state.tables : [];
  digital = new Set(tables.filter((t) => t.kind === "digital").map((t) => t.number));
}

export const isDigital = (number) => digital.has(number);

/** A laptop, drawn (no emoji font needed on the screen laptop). */
function laptop() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "kind-icon");
  const screen = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: "4", y: "1.5", width: "16", height: "11", rx: "1.5" })) screen.setAttribute(k, v);
  const base = document.createElementNS(SVG, "path");
  base.setAttribute("d", "M1 15.5h22");
  svg.append(screen, base);
  return svg;
}

/** The tag itself: laptop and "Digital". */
export function digitalTag() {
  return h("span", { class: "kind-tag", dataset: { kind: "digital" } }, laptop(), h("span", { class: "kind-word" }, S.digital_table || "Digital"));
}

/** A table's name and, for a digital table, its tag: children for `h`. The name's last word
 * keeps to the one before ("Digitalt bord 2" never leaves the "2" alone on a line). */
export function named(number, name) {
  if (!isDigital(number)) return [name];
  return [String(name).replace(/ (\S{1,4})$/, "\u00a0$1"), " ", digitalTag()];
}

