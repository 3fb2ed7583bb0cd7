// Result bars, shared by the plenary screen and the console. Sizes come from CSS:
// `.bars` is scaled up on the screen and compact in the console.
import { h, letter, plural } from "./dom.js";

export const percent = (count, total) => (total > 0 ? Math.round((100 * count) / total) : 0);

/** "A", "B" … for options; "1" … "5" for the steps of a scale. */
export const markFor = (kind, index) => (kind === "scale" ? String(index + 1) : letter(index));

/** One horizontal bar per option: mark, label, bar, count and percentage. */
export function optionBars(activity, counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  const most = Math.max(1, ...counts);
  return h("ol", { class: `bars kind-${activity.kind}` }, activity.options.map((label, i) => {
    const n = counts[i] || 0;
    return h("li", { class: `bar-row c${i}` },
      h("span", { class: "bar-mark", "aria-hidden": "true" }, markFor(activity.kind, i)),
      h("span", { class: "bar-label" }, label),
      h("span", { class: "bar-track", "aria-hidden": "true" },
        h("span", { class: "bar-fill", style: { width: `${(100 * n) / most}%` } })),
      h("span", { class: "bar-count" }, String(n)),
      h("span", { class: "bar-percent" }, `${percent(n, total)} %`));
  }));
}

/** A scale as five columns, so its shape (agree ↔ disagree) reads at a glance. */
export function scaleColumns(activity, counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  const most = Math.max(1, ...counts);
  return h("ol", { class: "scale-cols" }, activity.options.map((label, i) => {
    const n = counts[i] || 0;
    return h("li", { class: `scale-col s${i}` },
      h("span", { class: "scale-value" }, String(n), h("small", {}, ` · ${percent(n, total)} %`)),
      h("span", { class: "scale-track", "aria-hidden": "true" },
        h("span", { class: "scale-fill", style: { height: `${(100 * n) / most}%` } })),
      h("span", { class: "scale-step" }, String(i + 1)),
      h("span", { class: "scale-label" }, label));
  }));
}

/**
 * One row per table that has answers: its name, one bar that is the whole of that table's
 * answers split by option (every table on the same scale: its own share, so one vote out of
 * four is a quarter at any table), each part with its count written, and the table's total.
 * Many tables flow down two to four columns (`--rows` rows each); the screen shrinks the list
 * to fit when it must ("fit").
 */
export function tableBars(activity, results, tables, S) {
  const byTable = results.tables || {};
  const shown = tables.filter((t) => byTable[String(t.number)]);
  const rows = shown.map((t) => {
    const counts = byTable[String(t.number)];
    const total = counts.reduce((a, b) => a + b, 0);
    return h("li", { class: "table-card" },
      h("span", { class: "table-card-name" }, t.name),
      h("span", { class: "table-split" }, counts.map((n, i) => (n > 0
        ? h("span", { class: `split-part c${i}`, style: { flexGrow: String(n) },
          title: `${markFor(activity.kind, i)}: ${n} (${percent(n, total)} %)` },
          h("span", { class: "split-mark" }, markFor(activity.kind, i)),
          h("span", { class: "split-count" }, String(n)),
          h("span", { class: "split-percent" }, `${percent(n, total)} %`))
        : null))),
      h("span", { class: "table-card-total" }, S.votes_other ? plural(S, "votes", total) : String(total)));
  });
  if (!rows.length) return h("p", { class: "muted" }, S.no_answers_yet);
  const columns = rows.length <= 8 ? 1 : rows.length <= 18 ? 2 : rows.length <= 36 ? 3 : 4;
  const list = h("ol", { class: `table-cards cols-${columns} fit`, dataset: { fitMin: "0.5" } }, rows);
  list.style.setProperty("--rows", String(Math.ceil(rows.length / columns)));
  return list;
}

/** The option texts once, so per-table bars can use marks only. */
export function legend(activity) {
  return h("ol", { class: "legend" }, activity.options.map((label, i) => h("li", { class: `c${i}` },
    h("span", { class: "bar-mark" }, markFor(activity.kind, i)), h("span", {}, label))));
}
