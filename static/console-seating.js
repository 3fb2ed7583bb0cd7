// The console's seating panel (docs/seating.md): the join questions (up to three, each with
// fixed options, with how many gave each answer), reseating the whole room, and the control
// that moves one person, shown in the participants list (console-room.js).
// Prompts, options and names are user text: they only ever become text nodes.
import { h, replace, fmt } from "./dom.js";
import { getJSON, postJSON, deleteJSON } from "./api.js";

const MAX_QUESTIONS = 3;

export function createSeatingPanel({ S, act, toast, base }) {
  const box = document.getElementById("seating-panel");
  let tables = []; // the console state's tables: {number, name, seated}
  let questions = [];
  let people = null; // the participant count the questions were loaded at
  let reload = null;

  const list = h("ul", { class: "seating-questions", style: { listStyle: "none", padding: "0", margin: ".5rem 0" } });
  const prompt = h("input", { id: "jq-prompt", type: "text", class: "input", maxlength: "200" });
  const options = h("textarea", { id: "jq-options", class: "input", rows: "3" });
  const addButton = h("button", { type: "submit", class: "button small primary" }, S.jq_add);
  const full = h("p", { class: "muted", hidden: true }, S.jq_full);
  const form = h("form", { class: "seating-add" },
    h("div", { class: "field" }, h("label", { for: "jq-prompt" }, S.jq_prompt), prompt),
    h("div", { class: "field" }, h("label", { for: "jq-options" }, S.jq_options),
      h("p", { class: "hint" }, S.jq_options_hint), options),
    addButton);
  const reseatButton = h("button", { id: "reseat", type: "button", class: "button secondary" }, S.reseat);
  // Hybrid days: room and home people sit apart unless this is ticked (console-hybrid.js).
  const mix = h("input", { id: "reseat-mix", type: "checkbox" });
  const mixLine = h("div", { class: "reseat-mix", hidden: true },
    h("label", { class: "check-line" }, mix, " ", S.hy_mix), h("p", { class: "hint" }, S.hy_mix_hint));

  replace(box,
    h("h2", { id: "seating-title" }, S.seating),
    h("p", { class: "muted" }, S.jq_intro),
    list, full, form,
    h("h3", {}, S.reseat_title),
    h("p", { class: "muted" }, S.reseat_hint),
    mixLine,
    reseatButton);

  function drawQuestions() {
    replace(list, questions.map((q) => h("li", { class: "seating-question", style: { padding: ".35rem 0", borderTop: "1px solid var(--line)" } },
      h("strong", {}, q.prompt),
      h("ul", { class: "muted", style: { margin: ".2rem 0 .3rem 1rem", padding: "0" } },
        q.options.map((o, i) => h("li", {}, fmt(S.jq_option_count, { option: o, n: (q.counts || [])[i] || 0 })))),
      h("button", {
        type: "button",
        class: "button small danger",
        "aria-label": fmt(S.jq_delete_named, { prompt: q.prompt }),
        onclick: (e) => {
          if (!window.confirm(fmt(S.jq_delete_confirm, { prompt: q.prompt }))) return;
          act(e.currentTarget, async () => {
            await deleteJSON(`${base}/join-questions/${q.id}`);
            await load();
          });
        },
      }, S.jq_delete))));
    const room = questions.length < MAX_QUESTIONS;
    form.hidden = !room;
    full.hidden = room;
  }

  async function load() {
    questions = (await getJSON(`${base}/join-questions`)).questions || [];
    drawQuestions();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(addButton, async () => {
      const texts = options.value.split("\n").map((t) => t.trim()).filter(Boolean);
      await postJSON(`${base}/join-questions`, { prompt: prompt.value.trim(), options: texts });
      prompt.value = "";
      options.value = "";
      await load();
      toast(S.jq_added, "ok");
    });
  });

  reseatButton.addEventListener("click", (e) => {
    if (!window.confirm(S.reseat_confirm)) return;
    act(e.currentTarget, async () => {
      const data = await postJSON(`${base}/reseat`, mix.checked && !mixLine.hidden ? { mix: true } : {});
      toast(fmt(S.reseated, { n: Object.keys(data.tables || {}).length }), "ok");
    });
  });

  /** From each console state: the tables (for the move control) and the answer counts. */
  function draw(s) {
    tables = s.tables || [];
    mixLine.hidden = !(tables.some((t) => t.kind === "digital") && tables.some((t) => t.kind !== "digital"));
    if (people !== null && people !== s.participants) {
      clearTimeout(reload);
      reload = setTimeout(() => act(null, load), 1000);
    }
    people = s.participants;
  }

  /** The control that seats one participant elsewhere; `onMoved(table)` updates the row. */
  function moveControl(p, onMoved) {
    const name = p.name || fmt(S.participant_n, { n: p.number });
    const select = h("select", {
      class: "input small move-table",
      "aria-label": fmt(S.move_named, { name }),
      style: { flex: "0 0 auto", width: "7rem", minHeight: "44px", padding: "0 .35rem", fontSize: ".95rem", marginLeft: "auto" },
    },
      tables.map((t) => h("option", { value: String(t.number), selected: t.number === p.table }, t.name)));
    select.addEventListener("change", () => act(select, async () => {
      const table = Number(select.value);
      try {
        const data = await postJSON(`${base}/participants/${encodeURIComponent(p.id)}/table`, { table });
        const to = tables.find((t) => t.number === data.table);
        onMoved(data.table, to ? to.name : "");
        toast(fmt(S.moved_to, { name, table: to ? to.name : data.table }), "ok");
      } catch (err) {
        select.value = String(p.table);
        throw err;
      }
    }));
    return select;
  }

  act(null, load);
  return { draw, moveControl };
}
