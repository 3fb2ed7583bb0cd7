// The table's shared notes on the phone: one Yjs document per table and activity.
//
// Typing changes this phone's copy at once; every BATCH ms at most one frame goes out with
// what the server has not yet seen (a Yjs update against the state of the last `table`
// frame), so a fast typist sends a few frames a second, well inside the server's limit per
// participant. The `table` frame carries the whole stored document: merged into this copy,
// it brings the others' typing, and the caret stays where it was in the text.
// The copy is kept in localStorage too, so what was typed offline or before a reload is sent
// when the phone is back (Yjs merges it with what the others wrote meanwhile).
// When the facilitator empties the notes, the table frame names a new `generation`: the phone
// drops its copy (and what it kept) and starts a fresh document, so the table can write
// again however full the old one was; an update made on the old one is refused.
import { h, fmt } from "./dom.js";
import * as Y from "./vendor/yjs.js";

export const MAX_NOTES = 3000; // as workshop/notes.py
const BATCH = 250;
const RETRY = 2000;

function load(key) {
  try { return JSON.parse(localStorage.getItem(key) || "null"); } catch { return null; }
}
function save(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* full or blocked */ }
}

/** Where the caret goes when `delta` (a Yjs text change) happens elsewhere in the text. */
export function moveIndex(index, delta) {
  let at = 0;
  let moved = index;
  for (const op of delta) {
    if (at >= index) break;
    if (op.retain) at += op.retain;
    else if (op.insert) {
      const n = typeof op.insert === "string" ? op.insert.length : 1;
      moved += n;
      at += n;
    } else if (op.delete) {
      moved -= Math.min(op.delete, index - at);
    }
  }
  return Math.max(0, moved);
}

/** The one edit that turns `before` into `after`: [start, deleted, inserted]. */
export function diff(before, after) {
  let start = 0;
  const most = Math.min(before.length, after.length);
  while (start < most && before[start] === after[start]) start++;
  let end = 0;
  while (end < most - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  // Never split a surrogate pair (an emoji): move the edit's edges off its halves.
  const high = (s, i) => i > 0 && i < s.length && /[\uD800-\uDBFF]/.test(s[i - 1]);
  while (start > 0 && (high(before, start) || high(after, start))) start--;
  while (end > 0 && (high(before, before.length - end) || high(after, after.length - end))) end--;
  return [start, before.length - start - end, after.slice(start, after.length - end)];
}

/**
 * createNotes({S, code, send, newId}) → {element, show(notes, table), ack(id), error(frame),
 * reconnected()}. `send(frame)` returns false while there is no open socket.
 */
export function createNotes({ S, code, send, newId }) {
  const key = `workshop.notes.${code}`;
  const area = h("textarea", {
    id: "table-notes", class: "input notes-area", rows: "6", maxLength: MAX_NOTES,
    "aria-describedby": "table-notes-hint table-notes-count", spellcheck: "true",
  });
  const count = h("p", { id: "table-notes-count", class: "counter muted" });
  const problem = h("p", { class: "notes-problem", role: "alert", hidden: true });
  const element = h("div", { class: "notes" },
    h("label", { for: "table-notes", class: "label" }, S.notes_label),
    h("p", { id: "table-notes-hint", class: "hint" }, S.notes_hint),
    area, count, problem);

  let doc = null;
  let text = null;
  let place = null; // {activity, table, generation} the document belongs to
  let serverState = ""; // the latest stored document (base64), as the table frame had it
  let serverVector = null; // its state vector: what the server is known to have
  let dirty = false; // typed here and not yet acknowledged
  let edits = 0; // local edits so far, to tell whether an ack covers all of them
  let inFlight = null; // {id, edits}
  let timer = null;
  let composing = false;

  function persist() {
    if (!doc || !place) return;
    save(key, { ...place, state: Y.toBase64(Y.encodeStateAsUpdate(doc)), dirty });
  }

  function drawCount() {
    count.textContent = fmt(S.counter, { n: area.value.length, max: MAX_NOTES });
  }

  function fresh(activity, table, generation, kept) {
    doc = new Y.Doc();
    text = doc.getText("notes");
    place = { activity, table, generation };
    dirty = false;
    inFlight = null;
    serverState = "";
    serverVector = null;
    if (kept && kept.activity === activity && kept.table === table
      && (kept.generation || 0) === generation && kept.state) {
      try {
        Y.applyUpdate(doc, Y.fromBase64(kept.state), "kept");
        dirty = !!kept.dirty;
      } catch { /* a damaged copy: start from the server's */ }
    }
    text.observe((event, transaction) => {
      if (transaction.origin === "local") return;
      drawRemote(event.delta);
    });
    area.value = text.toString();
    drawCount();
  }

  /** Someone else's typing arrived: show it, keeping this phone's caret in its place. */
  function drawRemote(delta) {
    if (composing) return; // the keyboard is composing a word: catch up when it is done
    const focused = document.activeElement === area;
    const start = moveIndex(area.selectionStart, delta);
    const end = moveIndex(area.selectionEnd, delta);
    area.value = text.toString();
    if (focused) area.setSelectionRange(start, end);
    drawCount();
  }

  function typed() {
    if (!doc) return;
    const [at, removed, inserted] = diff(text.toString(), area.value);
    if (!removed && !inserted) return;
    doc.transact(() => {
      if (removed) text.delete(at, removed);
      if (inserted) text.insert(at, inserted);
    }, "local");
    edits += 1;
    dirty = true;
    problem.hidden = true;
    persist();
    drawCount();
    schedule();
  }

  function schedule(wait = BATCH) {
    if (timer || inFlight || !dirty) return;
    timer = setTimeout(flush, wait);
  }

  function flush() {
    timer = null;
    if (!dirty || inFlight || !doc) return;
    const update = serverVector ? Y.encodeStateAsUpdate(doc, serverVector) : Y.encodeStateAsUpdate(doc);
    const frame = {
      type: "note", id: newId(), activity: place.activity, generation: place.generation, update: Y.toBase64(update),
    };
    if (!send(frame)) return; // offline: sent when the phone is back (`reconnected`)
    inFlight = { id: frame.id, edits };
  }

  area.addEventListener("input", typed);
  area.addEventListener("compositionstart", () => { composing = true; });
  area.addEventListener("compositionend", () => {
    composing = false;
    typed();
    if (text && area.value !== text.toString()) drawRemote([]);
  });

  return {
    element,

    /** The table frame's notes (`{activity, state, text}`) for this table. */
    show(notes, table) {
      if (!notes) { place = null; doc = null; return; }
      const generation = notes.generation || 0;
      if (place && place.activity === notes.activity && place.table === table && place.generation < generation) {
        fresh(notes.activity, table, generation, null); // the facilitator emptied the notes
        problem.textContent = S.notes_cleared;
        problem.hidden = false;
      } else if (!place || place.activity !== notes.activity || place.table !== table || place.generation !== generation) {
        fresh(notes.activity, table, generation, load(key));
      }
      if (notes.state && notes.state !== serverState) {
        serverState = notes.state;
        try {
          const bytes = Y.fromBase64(notes.state);
          Y.applyUpdate(doc, bytes, "server");
          serverVector = Y.encodeStateVectorFromUpdate(bytes);
        } catch { /* keep this copy; the next frame brings the state again */ }
        persist();
      }
      schedule();
    },

    ack(id) {
      if (!inFlight || inFlight.id !== id) return false;
      if (inFlight.edits === edits) dirty = false;
      inFlight = null;
      persist();
      schedule();
      return true;
    },

    /** An error for a note frame: wait and send again, or (refused for good) go back to
     * the table's stored notes and say why. */
    error(message) {
      if (!inFlight || inFlight.id !== message.id) return false;
      inFlight = null;
      if (message.retry) {
        const after = Number(message.retry_after);
        schedule(after > 0 ? after * 1000 : RETRY);
        return true;
      }
      const state = serverState;
      fresh(place.activity, place.table, place.generation, null);
      if (state) {
        serverState = state;
        const bytes = Y.fromBase64(state);
        Y.applyUpdate(doc, bytes, "server");
        serverVector = Y.encodeStateVectorFromUpdate(bytes);
      }
      area.value = text.toString();
      drawCount();
      persist();
      problem.textContent = `${S.notes_not_saved} ${message.message || ""}`.trim();
      problem.hidden = false;
      return true;
    },

    /** A new connection: whatever the old one carried is sent again. */
    reconnected() {
      inFlight = null;
      clearTimeout(timer);
      timer = null;
      schedule();
    },
  };
}
