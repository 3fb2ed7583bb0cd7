// Participation at a glance, for the live activity: per table how many of those seated have
// answered, and the quiet tables marked so the facilitator can go to them. From the console
// state's `participation` (workshop/table_answers.py), redrawn only when it changes.
import { h, fmt, patch } from "./dom.js";
import { digitalTag } from "./console-hybrid.js";

function row(table, p, S, kinds) {
  const byTable = p.by === "table";
  let count;
  let share = 0;
  if (byTable) {
    count = table.answered ? S.part_table_done : table.proposed ? S.part_table_proposed : S.part_table_none;
    share = table.answered ? 1 : table.proposed ? 0.5 : 0;
  } else {
    count = fmt(S.part_n_of, { n: table.answered, seated: table.seated });
    share = table.seated ? table.answered / table.seated : 0;
  }
  const classes = ["part-row"];
  if (table.quiet) classes.push("is-quiet");
  if (!table.seated) classes.push("is-empty");
  if (byTable ? table.answered : table.seated && table.answered >= table.seated) classes.push("is-done");
  return h("li", { class: classes.join(" "), dataset: { table: String(table.table) } },
    h("span", { class: "part-name" }, table.name, digitalTag({ kind: kinds.get(table.table) }, S)),
    h("span", { class: "part-track", "aria-hidden": "true" },
      h("span", { class: "part-fill", style: { width: `${Math.round(100 * Math.min(1, share))}%` } })),
    h("span", { class: "part-count" }, table.seated ? count : S.part_nobody),
    table.quiet ? h("span", { class: "badge part-quiet" }, S.part_quiet) : null);
}

export function createParticipation({ S, box }) {
  function build(p, activity, kinds) {
    const quiet = p.tables.filter((t) => t.quiet).map((t) => t.name);
    return [
      h("h2", { class: "part-title" }, S.part_title),
      activity ? h("p", { class: "part-activity muted" }, activity) : null,
      h("p", { class: `part-summary${quiet.length ? " has-quiet" : ""}`, role: "status" },
        quiet.length ? fmt(S.part_quiet_tables, { tables: quiet.join(", ") }) : S.part_all_going),
      p.by === "table" ? h("p", { class: "hint" }, S.part_by_table_hint) : null,
      // Tables without people have nothing to show; a big room lists only the others.
      h("ol", { class: "part-list" }, p.tables.filter((t) => t.seated).map((t) => row(t, p, S, kinds))),
    ];
  }

  return {
    draw(state) {
      const p = state && state.participation;
      const activity = p && (state.activities || []).find((a) => a.id === p.activity);
      const live = !!p && !!activity && activity.state !== "draft";
      box.hidden = !live;
      if (!live) { box.dataset.sig = ""; return; }
      const title = activity.title || activity.prompt.slice(0, 80);
      const kinds = new Map((state.tables || []).map((t) => [t.number, t.kind]));
      patch(box, JSON.stringify([p, title, [...kinds]]), () => build(p, title, kinds));
    },
  };
}
