// Before and after on the screen: an "after" round (activity.before) that is revealed shows
// the round before and this one side by side, for the room (per option) and per table, and
// names the tables that moved most. The server leaves out the tables the small-group
// threshold hides (activity.compare.tables has only the others).
// Also: while a question the table answers together is open, how many tables have answered.
import { h, fmt } from "./dom.js";
import { markFor, percent, legend } from "./bars.js";
import { S, MANY_TABLES, density, chipWidth, heading, question } from "./screen-common.js";
import { named } from "./screen-marks.js";

const sum = (counts) => counts.reduce((a, b) => a + b, 0);

/** One option's two bars, before (light) and after (full), each with its share. */
function optionRow(activity, i, before, after) {
  const b = percent(before[i] || 0, sum(before));
  const a = percent(after[i] || 0, sum(after));
  const change = a - b;
  return h("li", { class: `compare-row c${i}` },
    h("span", { class: "bar-mark", "aria-hidden": "true" }, markFor(activity.kind, i)),
    h("span", { class: "compare-label" }, activity.options[i]),
    h("span", { class: "compare-bars" },
      h("span", { class: "compare-track is-before" }, h("span", { class: "compare-fill", style: { width: `${b}%` } })),
      h("span", { class: "compare-track is-after" }, h("span", { class: "compare-fill", style: { width: `${a}%` } }))),
    h("span", { class: "compare-shares" },
      h("span", { class: "compare-share is-before" }, `${b} %`),
      h("span", { class: "compare-share is-after" }, `${a} %`)),
    h("span", { class: `compare-change${change > 0 ? " is-up" : change < 0 ? " is-down" : ""}` },
      change > 0 ? `+${change}` : change < 0 ? `−${-change}` : "±0"));
}

/** A table's answers as one split bar (its own shares), or its one answer by the table. */
function split(activity, counts, byTable) {
  const total = sum(counts);
  if (byTable) {
    const i = counts.findIndex((n) => n > 0);
    return h("span", { class: `compare-one c${i}` }, i >= 0 ? markFor(activity.kind, i) : "–");
  }
  return h("span", { class: "table-split compare-split" }, counts.map((n, i) => (n > 0
    ? h("span", { class: `split-part c${i}`, style: { flexGrow: String(n) }, title: `${markFor(activity.kind, i)}: ${percent(n, total)} %` },
      h("span", { class: "split-mark" }, markFor(activity.kind, i)))
    : null)));
}

/** "Moved 50 %", or for answers by the table "Changed" / "Kept". */
function movedText(row, byTable) {
  if (row.moved === null || row.moved === undefined) return "–";
  if (byTable) return row.moved > 0 ? S.compare_changed : S.compare_kept;
  return `${Math.round(100 * row.moved)} %`;
}

function tableRows(state, activity, comparison) {
  const byTable = activity.by === "table";
  const names = new Map(state.tables.map((t) => [t.number, t.name]));
  const most = new Set(comparison.moved_most || []);
  const rows = (comparison.tables || []).map((row) => h("li", { class: `compare-table${most.has(row.table) ? " is-most" : ""}` },
    h("span", { class: "compare-table-name" }, named(row.table, names.get(row.table) || String(row.table))),
    split(activity, row.before, byTable),
    h("span", { class: "compare-arrow", "aria-hidden": "true" }, "→"),
    split(activity, row.after, byTable),
    h("span", { class: "compare-moved" }, movedText(row, byTable))));
  if (!rows.length) return h("p", { class: "muted" }, S.no_answers_yet);
  const columns = rows.length <= 10 ? 1 : rows.length <= 24 ? 2 : 3;
  const perColumn = Math.ceil(rows.length / columns);
  // Each column starts with its heads: before, after, moved.
  const head = () => h("li", { class: "compare-table is-head", "aria-hidden": "true" }, h("span", {}, ""),
    h("span", {}, S.compare_before), h("span", {}, ""), h("span", {}, S.compare_after),
    h("span", { class: "compare-moved" }, byTable ? "" : S.compare_moved_head));
  const withHeads = [];
  rows.forEach((row, i) => { if (i % perColumn === 0) withHeads.push(head()); withHeads.push(row); });
  const list = h("ol", { class: `compare-tables cols-${columns} fit`, dataset: { fitMin: "0.45" } }, withHeads);
  list.style.setProperty("--rows", String(perColumn + 1));
  return list;
}

function movedMost(state, activity, comparison) {
  const names = new Map(state.tables.map((t) => [t.number, t.name]));
  const most = (comparison.moved_most || []).map((n) => named(n, names.get(n) || String(n)));
  return h("p", { class: "compare-most" },
    most.length ? [h("span", { class: "compare-most-label" }, S.compare_moved_most), " ", h("strong", {}, most.flatMap((m, i) => (i ? [", ", ...m] : m)))]
      : S.compare_none_moved);
}

/** The revealed after round: before | after, per option and per table. */
export function compareView(state, activity) {
  const comparison = activity.compare;
  const byTable = activity.by === "table";
  const hiddenSome = state.tables.some((t) => t.seated) && (comparison.tables || []).length < state.tables.filter((t) => t.seated).length;
  const totals = byTable
    ? fmt(S.compare_totals_tables, { before: comparison.before_total, after: comparison.after_total })
    : fmt(S.compare_totals, { before: comparison.before_total, after: comparison.after_total });
  return h("section", { class: `compare-view kind-${activity.kind}` },
    heading(activity),
    question(activity),
    h("div", { class: "compare-body" },
      h("section", { class: "compare-room" },
        h("h2", { class: "compare-title" }, S.compare_room),
        h("p", { class: "compare-key" },
          h("span", { class: "compare-swatch is-before" }), S.compare_before, " ",
          h("span", { class: "compare-swatch is-after" }), S.compare_after),
        h("ol", { class: "compare-options fit", dataset: { fitMin: "0.5" } },
          activity.options.map((_, i) => optionRow(activity, i, comparison.before, comparison.after))),
        h("p", { class: "compare-totals" }, totals)),
      h("section", { class: "compare-per-table" },
        h("h2", { class: "compare-title" }, byTable ? S.compare_tables_answers : S.compare_tables),
        movedMost(state, activity, comparison),
        activity.kind === "scale" ? null : legend(activity),
        tableRows(state, activity, comparison),
        h("p", { class: "compare-measure" }, byTable ? S.compare_measure_tables : S.compare_measure),
        hiddenSome ? h("p", { class: "few-note" }, S.few_hidden) : null)));
}

/** While a question the table answers together is open: "4 of 6 tables have answered",
 * and each table's chip with a tick once its answer is confirmed (never which). */
export function tableAnsweredLine(state, activity) {
  const byTable = activity.answered_by_table || {};
  const seated = state.tables.filter((t) => t.seated);
  const done = activity.answered || 0; // every table, also those the threshold keeps off the chips
  const chips = seated.length <= MANY_TABLES ? seated : [];
  return h("footer", { class: `answered d-${density(chips.length)}` },
    h("p", { class: "answered-total" },
      h("strong", {}, String(done)), " ",
      h("span", { class: "answered-of" }, fmt(S.tables_answered, { n: seated.length }))),
    chips.length ? chipWidth(h("ol", { class: "answered-tables" }, chips.map((t) => {
      const number = String(t.number);
      if (!(number in byTable)) return h("li", { class: "is-few" }, h("span", {}, named(t.number, t.name)), h("strong", {}, "–"));
      const answered = byTable[number] > 0;
      return h("li", { class: answered ? "is-done" : "" }, h("span", {}, named(t.number, t.name)), h("strong", {}, answered ? "✓" : "…"));
    })), chips.map((t) => t.name), chips.map(() => "✓")) : null);
}

export const hasCompare = (activity) => !!(activity && activity.compare && activity.state === "revealed");
