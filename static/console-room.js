// The console's room panel: how many have joined against the seats and the cap, an alert when
// joins pass the seats, locking and unlocking joining, and the list of who has joined (loaded
// on demand, a page at a time) with a Remove button behind a confirmation.
// Names are user text: they only ever become text nodes.
import { h, replace, fmt } from "./dom.js";
import { getJSON, postJSON, deleteJSON } from "./api.js";

const PAGE = 50;

export function createRoomPanel({ S, act, toast, base }) {
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
  Object.assign(list.style, { listStyle: "none", padding: "0", margin: ".5rem 0", maxHeight: "22rem", overflow: "auto" });
  people.style.marginTop = ".75rem";
  let locked = false;
  let shown = []; // participants listed, newest first
  let total = 0;

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
  }

  function row(p) {
    const name = p.name || S.anonymous;
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
    return h("li", { style: { display: "flex", justifyContent: "space-between", alignItems: "center", gap: ".5rem", padding: ".25rem 0" } },
      h("span", {}, h("strong", {}, name), " ", h("span", { class: "muted" }, fmt(S.at_table, { table: p.table }))),
      remove);
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
  more.addEventListener("click", (e) => act(e.currentTarget, () => load(shown.length)));
  refresh.addEventListener("click", (e) => act(e.currentTarget, () => load(0)));

  return { draw };
}
