// Who runs the session, and which tables this console follows (workshop/cofacilitating.py).
//
// The "Facilitators" card: the owner adds an account by its username with the tables its
// console shows first, changes that, or takes the account off; a co-facilitator sees the list.
// State: `s.facilitators` = {owner: username, co: [{username, watch}]}, the same for every
// console; which of them this console is comes in the page (`page.you` = {username, owner,
// watch}), never in the shared snapshot.
//
// The table filter ("All tables / Digital tables / Room tables") narrows the console's
// per-table views (participation, quiet tables, raised hands, the tables' notes, the table
// list) to the tables of one kind (`s.tables[i].kind`). It starts at the account's `watch`.
import { h, replace, fmt } from "./dom.js";
import { postJSON, deleteJSON } from "./api.js";

export const WATCHES = ["all", "digital", "room"];

/** The state with only the tables of `kind` in its per-table views; `s` itself for "all". */
export function onlyTables(s, kind) {
  if (!s || kind === "all" || !Array.isArray(s.tables)) return s;
  const keep = new Set(s.tables.filter((t) => (t.kind || "room") === kind).map((t) => t.number));
  const mine = (list, key = "table") => (list || []).filter((entry) => keep.has(entry[key]));
  const out = { ...s, tables: mine(s.tables, "number") };
  if (s.participation) out.participation = { ...s.participation, tables: mine(s.participation.tables) };
  if (s.talk) {
    out.talk = { ...s.talk, hands: mine(s.talk.hands) };
    if (s.talk.notes) out.talk.notes = { ...s.talk.notes, tables: mine(s.talk.notes.tables) };
  }
  return out;
}

function watchLabel(S, watch) {
  return S[`fac_watch_${watch}`] || watch;
}

function watchSelect(S, id, value, label) {
  const select = h("select", { id, class: "input fac-watch", "aria-label": label },
    WATCHES.map((w) => h("option", { value: w, selected: w === value }, S[`filter_${w}`] || w)));
  select.value = value;
  return select;
}

/**
 * createFacilitators({S, act, toast, base, you, onFilter}) → {draw(s), filter(s), takenOff(reason)}
 * `onFilter()` is called when the filter changes, so the console redraws.
 */
export function createFacilitators({ S, act, toast, base, you, onFilter }) {
  const me = { username: "", owner: true, watch: "all", ...(you || {}) };
  let kind = WATCHES.includes(me.watch) ? me.watch : "all";
  let lastWatch = kind; // what the owner last set for this console; a change moves the filter

  /* ---------- the filter ---------- */
  const filterBox = document.getElementById("table-filter");
  const buttons = WATCHES.map((w) => h("button", {
    type: "button", class: "button secondary filter-button", dataset: { watch: w },
    "aria-pressed": "false", onclick: () => choose(w),
  }, S[`filter_${w}`] || w));
  const filterNote = h("p", { class: "muted", id: "table-filter-note", role: "status" });
  replace(filterBox,
    h("h2", { id: "table-filter-title" }, S.filter_title),
    h("div", { class: "screen-buttons filter-buttons", role: "group", "aria-labelledby": "table-filter-title" }, buttons),
    filterNote);

  function choose(w) {
    if (w === kind) return;
    kind = w;
    onFilter();
  }

  function drawFilter(s) {
    const tables = (s && s.tables) || [];
    const kinds = new Set(tables.map((t) => t.kind || "room"));
    // Only worth showing where there is something to choose, or where a choice is in force.
    filterBox.hidden = kinds.size < 2 && kind === "all";
    for (const button of buttons) {
      const on = button.dataset.watch === kind;
      button.setAttribute("aria-pressed", on ? "true" : "false"); // drawn as chosen (console.css)
    }
    const shown = kind === "all" ? tables.length : tables.filter((t) => (t.kind || "room") === kind).length;
    filterNote.textContent = shown ? fmt(S.filter_showing, { n: shown, total: tables.length }) : S.filter_none;
  }

  /* ---------- the facilitators card ---------- */
  const box = document.getElementById("facilitators-panel");
  const list = h("ul", { class: "fac-list", id: "fac-list" });
  const none = h("p", { class: "muted", id: "fac-none" }, S.fac_none);
  const parts = [h("h2", { id: "facilitators-title" }, S.fac_title), list, none];
  if (me.owner) {
    const name = h("input", { id: "fac-username", class: "input", type: "text", autocomplete: "off",
      maxLength: 200, required: true });
    const watch = watchSelect(S, "fac-new-watch", "all", S.fac_watch);
    const form = h("form", { class: "fac-add", id: "fac-add", novalidate: true },
      h("p", { class: "hint" }, S.fac_add_hint),
      h("div", { class: "field" }, h("label", { for: "fac-username" }, S.fac_username), name),
      h("div", { class: "field" }, h("label", { for: "fac-new-watch" }, S.fac_watch), watch),
      h("button", { type: "submit", class: "button primary", id: "fac-add-button" }, S.fac_add));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const username = name.value.trim();
      if (!username) { toast(S.fac_username_needed); name.focus(); return; }
      act(form.querySelector("button[type=submit]"), async () => {
        const added = await postJSON(`${base}/facilitators`, { username, watch: watch.value });
        name.value = "";
        toast(fmt(S.fac_added, { name: added.username }), "ok");
      });
    });
    parts.push(form);
  } else {
    parts.push(h("p", { class: "hint", id: "fac-co-note" }, S.fac_co_note));
  }
  replace(box, ...parts);

  function coRow(entry) {
    const isMe = entry.username === me.username;
    const label = h("span", { class: "fac-name" }, entry.username, isMe ? ` ${S.fac_you}` : "");
    if (!me.owner) {
      return h("li", { dataset: { username: entry.username } },
        label, h("span", { class: "muted" }, ` · ${watchLabel(S, entry.watch)}`));
    }
    const select = watchSelect(S, null, entry.watch, fmt(S.fac_watch_of, { name: entry.username }));
    select.addEventListener("change", () => act(select, async () => {
      try {
        await postJSON(`${base}/facilitators`, { username: entry.username, watch: select.value });
        toast(S.saved, "ok");
      } catch (err) {
        select.value = entry.watch;
        throw err;
      }
    }));
    const remove = h("button", { type: "button", class: "button secondary fac-remove",
      "aria-label": fmt(S.remove_named, { name: entry.username }),
      onclick: (e) => {
        if (!window.confirm(fmt(S.fac_remove_confirm, { name: entry.username }))) return;
        act(e.currentTarget, async () => {
          await deleteJSON(`${base}/facilitators/${encodeURIComponent(entry.username)}`);
          toast(fmt(S.fac_removed, { name: entry.username }), "ok");
        });
      } }, S.remove);
    return h("li", { dataset: { username: entry.username } }, label,
      h("div", { class: "talk-note-buttons" }, select, remove));
  }

  function drawList(s) {
    const f = (s && s.facilitators) || { owner: "", co: [] };
    const sig = JSON.stringify(f);
    if (list.dataset.sig === sig) return;
    list.dataset.sig = sig;
    const owner = h("li", { dataset: { username: f.owner }, class: "fac-owner" },
      h("span", { class: "fac-name" }, fmt(S.fac_owner, { name: f.owner }),
        f.owner === me.username ? ` ${S.fac_you}` : ""));
    replace(list, owner, (f.co || []).map(coRow));
    none.hidden = (f.co || []).length > 0;
    // The owner changed which tables this console watches: follow it.
    const mine = (f.co || []).find((c) => c.username === me.username);
    if (mine && mine.watch !== lastWatch) {
      lastWatch = mine.watch;
      kind = mine.watch;
    }
  }

  return {
    draw(s) {
      drawList(s);
      drawFilter(s);
    },
    /** The state as this console's per-table views show it. */
    filter: (s) => onlyTables(s, kind),
    /** Whether a refused console socket was this co-facilitator being taken off. */
    takenOff: (reason) => !me.owner && !!reason && reason === S.fac_taken_off,
  };
}
