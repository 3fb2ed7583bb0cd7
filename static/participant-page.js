// What the phone page's parts share: its strings and elements, the outbox, and the seat's live state.
import { readJSON } from "./dom.js";
import { createStore } from "./store.js";

export const S = readJSON("strings", {});
export const page = readJSON("page", {}); // {code, title, tables, table}
export const store = createStore(page.code);
export const view = document.getElementById("view");
export const seatLine = document.getElementById("seat-line");
export const changeButton = document.getElementById("change-table");
export const seatNote = document.getElementById("seat-note");
export const seatPanel = document.getElementById("seat-panel");
export const statusLine = document.getElementById("connection");
export const timerLine = document.getElementById("timer-line");

/** What joining, the live page and the table change all read and write. */
export const live = {
  // The latest welcome: {session, participant, activity, segment, timer, terms, closing, closed,
  // table_changes}; later `activity` messages update it.
  welcome: null,
  connection: "closed",
  moved: null, // a table change the server acknowledged, before its `seat` reply
  seatNotice: null, // {kind: "ok" | "error", text} about the last table change
  knownTables: page.tables || [], // for the table change: names and seats
};

export function updateBodyData() {
  document.body.dataset.connection = live.connection === "open" ? "open" : "closed";
  document.body.dataset.pending = String(store.outbox().length);
}
