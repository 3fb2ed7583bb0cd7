// What the screen's parts share: its strings and page data, the stage, and small helpers.
import { h, readJSON, plural as pluralOf } from "./dom.js";

export const S = readJSON("strings", {});
export const page = readJSON("page", {}); // {code, key, join_url, qr_url}
export const stage = document.getElementById("stage");

export const MANY_TABLES = 40; // past this a big conference gets the totals only

const shortUrl = (url) => String(url || "").replace(/^https?:\/\//, "");
// "host/j/ABC234" → "host/j": the short address where people type the code themselves.
export const codePage = (url) => shortUrl(url).replace(/\/j\/[^/?#]*.*$/, "/j");
export const spacedCode = (code) => h("span", { class: "code", "aria-label": code.split("").join(" ") },
  code.split("").map((c) => h("span", {}, c)));

export const plural = (key, n) => pluralOf(S, key, n);
export const screenFlags = (state) => state.screen || {};
/** The root size: every size on the screen is in em of it (24 px at 1920×1080). */
export const rootPx = () => parseFloat(getComputedStyle(stage).fontSize) || 16;

/** How dense a list of tables is drawn: "l" up to 8, "m" up to 16, "s" beyond. */
export const density = (n) => (n <= 8 ? "l" : n <= 16 ? "m" : "s");

/** A grid of table chips wide enough for the longest name and count on one line (a very long
 * name wraps inside its chip instead). */
export function chipWidth(list, names, counts) {
  const longest = (texts) => Math.max(1, ...texts.map((t) => String(t).length));
  const em = Math.min(16, 0.6 * longest(names) + 0.62 * longest(counts) + 2.3);
  list.style.setProperty("--chip", `${em.toFixed(2)}em`);
  return list;
}

export function heading(activity) {
  return h("p", { class: "eyebrow" }, S[`kind_${activity.kind}`] || activity.kind, activity.title ? ` · ${activity.title}` : "");
}

/** Under results the room needs the question, not the whole case: the last paragraph. */
export function question(activity) {
  const parts = String(activity.prompt).split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return h("h1", { class: "prompt prompt-small fit", dataset: { fitMin: "0.9" } },
    parts.length ? parts[parts.length - 1] : activity.prompt);
}

export function joinCornerWanted(state) {
  return !state.session.joining_locked && !state.session.closed && screenFlags(state).join_corner !== false;
}
