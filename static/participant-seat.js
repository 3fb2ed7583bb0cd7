// Changing tables on the phone (when the facilitator allows it): the seat line, the panel of tables, the request.
import { h, replace, fmt } from "./dom.js";
import { newId } from "./store.js";
import { S, store, seatLine, changeButton, seatNote, seatPanel, live, updateBodyData } from "./participant-page.js";
import { fetchTables, tableButton } from "./participant-join.js";

/** The tables known, with this seat's own table in them (its name from the welcome). */
export function mergeTable(tables, table) {
  if (!table || !table.number || tables.some((t) => t.number === table.number)) return tables;
  return [...tables, { number: table.number, name: table.name }].sort((a, b) => a.number - b.number);
}

/** The seat line and the table change; `flushOutbox` sends the change. */
export function createSeatChange({ flushOutbox }) {
  function drawSeat() {
    if (!live.welcome) return;
    const { participant } = live.welcome;
    seatLine.hidden = false;
    seatLine.textContent = fmt(S.you_are_at, { table: participant.table.name });
    // Changing tables: only when the facilitator allows it (missing means no), and not at the
    // closing or after the end.
    const canChange = !!live.welcome.table_changes && !live.welcome.closed && !live.welcome.closing;
    const moving = store.outbox().find((f) => f.type === "seat") || live.moved;
    changeButton.hidden = !canChange || !!moving;
    if (changeButton.hidden && !seatPanel.hidden) closeSeatPanel(false);
    changeButton.setAttribute("aria-expanded", seatPanel.hidden ? "false" : "true");
    let note = live.welcome.closed || live.welcome.closing ? null : live.seatNotice;
    if (moving) note = { kind: "waiting", text: fmt(S.seat_moving, { table: tableName(moving.table) }) };
    seatNote.hidden = !note;
    seatNote.textContent = note ? note.text : "";
    seatNote.dataset.kind = note ? note.kind : "";
  }

  function tableName(number) {
    const found = live.knownTables.find((t) => t.number === number);
    return found ? found.name : fmt(S.table_number, { n: number });
  }

  /** A move stays among the tables of this seat's kind: people at home change between
   * digital tables, people in the room between room tables (hybrid days). */
  function sameKind(tables, here) {
    const own = tables.find((t) => t.number === here);
    const kind = (live.table && live.table.table && live.table.table.kind) || (own && own.kind);
    if (!kind) return tables; // not known yet: as before hybrid days
    return tables.filter((t) => t.number === here || (t.kind || "room") === kind);
  }

  function openSeatPanel() {
    live.seatNotice = null;
    const here = live.welcome.participant.table.number;
    const draw = () => replace(seatPanel,
      h("h2", { class: "seat-panel-title", id: "seat-panel-title", tabindex: "-1" }, S.change_table_title),
      h("div", { class: "table-grid" }, sameKind(live.knownTables, here).map((t) => {
        // Unlike at joining, a full table cannot be moved to (the server refuses it).
        const full = typeof t.capacity === "number" && (t.seated || 0) >= t.capacity;
        if (t.number !== here && !full) return tableButton(t, changeTable);
        return h("button", { type: "button", class: `table-choice ${t.number === here ? "is-here" : "is-full"}`, disabled: true,
          "aria-current": t.number === here ? "true" : null },
        h("span", { class: "table-choice-name" }, t.name),
        h("span", { class: "table-choice-note" }, t.number === here ? S.you_sit_here : S.table_full_now));
      })),
      h("button", { type: "button", class: "button secondary wide", onclick: () => closeSeatPanel(true) }, S.cancel));
    draw();
    seatPanel.hidden = false;
    changeButton.setAttribute("aria-expanded", "true");
    document.getElementById("seat-panel-title").focus();
    fetchTables().then((fresh) => {
      if (!fresh || seatPanel.hidden) return;
      live.knownTables = fresh;
      if (!seatPanel.contains(document.activeElement) || document.activeElement.id === "seat-panel-title") {
        draw();
        document.getElementById("seat-panel-title").focus();
      }
    });
    drawSeat();
  }

  function closeSeatPanel(focusButton) {
    seatPanel.hidden = true;
    replace(seatPanel);
    changeButton.setAttribute("aria-expanded", "false");
    if (focusButton && !changeButton.hidden) changeButton.focus();
  }

  /** Through the outbox like an answer: it survives a dropped network and a reload. */
  function changeTable(number) {
    closeSeatPanel(false);
    live.seatNotice = null;
    store.enqueue({ type: "seat", id: newId(), table: number });
    drawSeat();
    updateBodyData();
    flushOutbox();
  }

  changeButton.textContent = S.change_table;
  changeButton.addEventListener("click", () => (seatPanel.hidden ? openSeatPanel() : closeSeatPanel(true)));
  seatPanel.addEventListener("keydown", (event) => { if (event.key === "Escape") closeSeatPanel(true); });

  return { drawSeat };
}
