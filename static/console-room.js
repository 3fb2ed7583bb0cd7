// The console's room panel: how many have joined against the seats and the cap, an alert when
// joins pass the seats, locking and unlocking joining, and the list of who has joined (loaded
// on demand, a page at a time: each by the name they gave, or "Participant 7", and their table)
// with a Remove button behind a confirmation, and whether phones may change their table.
// Names are user text: they only ever become text nodes.
import { h, replace, fmt } from "./dom.js";
import { getJSON, postJSON, deleteJSON } from "./api.js";

const PAGE = 50;

export function createRoomPanel({ S, act, toast, base, moveControl = null }) {
  const $ = (id) => document.getElementById(id);
  const counts = $("room-counts");
  const alertBox = $("room-alert");
  const joiningLine = $("room-joining");
  const lockButton = $("room-lock");
  const people = $("room-people");
  const list = $("room-people-list");
  const status = $("room-people-status");
  const more = $("room-more");
  const refresh = $("room-refresh");
  const tableChanges = $("room-table-changes");
  Object.assign(list.style, { listStyle: "none", padding: "0", margin: ".5rem 0", maxHeight: "22rem", overflow: "auto" });
  people.style.marginTop = ".75rem";
  let locked = false;
  let shown = []; // participants listed, newest first
  let total = 0;
  let joined = null; // the count the open list was loaded at
  let reload = null;

  function draw(s) {
    if (!s) return;
    locked = !!s.joining_locked;
    const cap = s.max_participants;
    counts.textContent = cap
      ? fmt(S.room_counts_cap, { n: s.participants, seats: s.capacity, max: cap })
      : fmt(S.joined_n, { n: s.participants, seats: s.capacity });
    const full = cap && s.participants >= cap;
    alertBox.hidden = !s.over_capacity && !full;
    alertBox.textContent = full ? fmt(S.room_full, { max: cap }) : S.room_over_seats;
    joiningLine.textContent = locked ? S.joining_closed : S.joining_open;
    joiningLine.className = locked ? "warn-text" : "muted";
    lockButton.textContent = locked ? S.open_joining : S.lock_joining;
    lockButton.setAttribute("aria-pressed", locked ? "true" : "false");
    tableChanges.checked = s.table_changes !== false;
    tableChanges.disabled = s.table_changes === undefined; // not offered by this server
    tableChanges.closest("label").hidden = s.table_changes === undefined;
    // An open, short list follows the room: someone joined or left, or changed table.
    const sig = `${s.participants}:${JSON.stringify((s.tables || []).map((t) => t.seated))}`;
    if (people.open && joined !== null && joined !== sig && shown.length <= PAGE) {
      clearTimeout(reload);
      reload = setTimeout(() => act(null, () => load(0)), 800);
    }
    joined = sig;
  }

  /** "Anna", or "Participant 7" for one who gave no name. */
  function nameOf(p) {
    if (p.name) return p.name;
    return typeof p.number === "number" ? fmt(S.participant_n, { n: p.number }) : S.anonymous;
  }

  function row(p) {
    const name = nameOf(p);
    const remove = h("button", {
      type: "button",
      class: "button small danger",
      "aria-label": fmt(S.remove_named, { name }),
      onclick: (e) => {
        if (!window.confirm(fmt(S.remove_confirm, { name }))) return;
        act(e.currentTarget, async () => {
          await deleteJSON(`${base}/participants/${encodeURIComponent(p.id)}`);
          shown = shown.filter((q) => q.id !== p.id);
          total = Math.max(0, total - 1);
          drawList();
          toast(fmt(S.removed, { name }), "ok");
        });
      },
    }, S.remove);
    // Seating another table (console-seating.js): the row follows the move.
    const move = moveControl
      ? moveControl(p, (table, tableName) => { p.table = table; p.table_name = tableName; drawList(); })
      : null;
    return h("li", { style: { display: "flex", justifyContent: "space-between", alignItems: "center", gap: ".5rem", padding: ".25rem 0" } },
      h("span", { class: "person" }, h("strong", { class: "person-name" }, name), " ",
        h("span", { class: "muted person-table" }, p.table_name || fmt(S.at_table, { table: p.table }))),
      move, remove);
  }

  function drawList() {
    replace(list, shown.map(row));
    status.textContent = total ? fmt(S.listed, { n: shown.length, total }) : S.nobody_yet;
    more.hidden = shown.length >= total;
  }

  async function load(from) {
    const data = await getJSON(`${base}/participants?offset=${from}&limit=${PAGE}`);
    const known = new Set(from ? shown.map((p) => p.id) : []);
    shown = (from ? shown : []).concat(data.participants.filter((p) => !known.has(p.id)));
    total = data.total;
    drawList();
  }

  lockButton.addEventListener("click", (e) => act(e.currentTarget, async () => {
    const data = await postJSON(`${base}/joining`, { open: locked });
    locked = !data.open;
    toast(data.open ? S.joining_opened : S.joining_locked, "ok");
  }));
  people.addEventListener("toggle", () => {
    if (people.open) act(null, () => load(0));
  });
  tableChanges.addEventListener("change", () => act(tableChanges, async () => {
    const allowed = tableChanges.checked;
    try {
      const data = await postJSON(`${base}/table-changes`, { allowed });
      toast(data.allowed ? S.table_changes_on : S.table_changes_off, "ok");
    } catch (err) {
      tableChanges.checked = !allowed;
      throw err;
    }
  }));
  more.addEventListener("click", (e) => act(e.currentTarget, () => load(shown.length)));
  refresh.addEventListener("click", (e) => act(e.currentTarget, () => load(0)));

  return { draw };
}
