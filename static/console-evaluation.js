// The day's evaluation in the console: how many have answered, and the summary per question
// (the five steps and the mean of a scale, the counts of a choice, the topics by segment title,
// and the free texts). The server sends the summary ready made (`results.summary`).
import { h, fmt } from "./dom.js";

const STEPS = 5;

export function formatMean(mean) {
  if (mean === null || mean === undefined) return "–";
  const lang = document.documentElement.lang || "nb";
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : "nb-NO", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(mean);
}

/** Segment titles by id: the plan's own first, then the question's choices. */
function topicTitles(question, segments) {
  const titles = new Map();
  for (const c of question.choices || []) titles.set(String(c.id), c.label);
  for (const s of segments || []) titles.set(String(s.id), s.title);
  return titles;
}

function countRows(rows, total) {
  const most = Math.max(1, ...rows.map((r) => r.n));
  return h("ol", { class: "eval-bars" }, rows.map((r) => h("li", { class: "eval-bar" },
    h("span", { class: "eval-bar-label" }, r.label),
    h("span", { class: "eval-bar-track", "aria-hidden": "true" },
      h("span", { class: "eval-bar-fill", style: { width: `${(100 * r.n) / most}%` } })),
    h("span", { class: "eval-bar-count" }, String(r.n)),
    h("span", { class: "eval-bar-percent" }, `${total ? Math.round((100 * r.n) / total) : 0} %`))));
}

function scaleBlock(q, summary, S) {
  const counts = Array.isArray(summary.counts) ? summary.counts : [0, 0, 0, 0, 0];
  const total = counts.reduce((a, b) => a + b, 0);
  const label = (i) => (i === 0 ? `1 · ${S.evaluation_low}` : i === STEPS - 1 ? `${STEPS} · ${S.evaluation_high}` : String(i + 1));
  return [
    h("p", { class: "eval-mean" }, fmt(S.evaluation_mean, { mean: formatMean(summary.mean) }),
      h("span", { class: "muted" }, ` · ${fmt(S.evaluation_answers_n, { n: total })}`)),
    countRows(counts.map((n, i) => ({ label: label(i), n })), total),
  ];
}

function choiceBlock(q, summary) {
  const counts = summary.counts || {};
  const rows = (q.choices || []).map((c) => ({ label: c.label, n: counts[c.id] || 0 }));
  return countRows(rows, rows.reduce((a, r) => a + r.n, 0));
}

function topicsBlock(q, summary, ctx, responses) {
  const counts = summary.counts || {};
  const titles = topicTitles(q, ctx.segments);
  const order = [...titles.keys()];
  const rows = [...new Set([...order, ...Object.keys(counts)])]
    .map((id) => ({ label: titles.get(id) || id, n: counts[id] || 0, at: order.indexOf(id) }))
    .sort((a, b) => b.n - a.n || a.at - b.at);
  if (!rows.length) return h("p", { class: "muted" }, ctx.S.no_answers_yet);
  return [h("p", { class: "hint" }, ctx.S.evaluation_topics_note), countRows(rows, responses)];
}

function textBlock(summary, S) {
  const texts = Array.isArray(summary.texts) ? summary.texts : [];
  if (!texts.length) return h("p", { class: "muted" }, S.evaluation_no_texts);
  return [h("p", { class: "muted" }, fmt(S.evaluation_texts_n, { n: texts.length })),
    h("ul", { class: "eval-texts" }, texts.map((t) => h("li", {}, t)))];
}

/** The summary, question by question. */
export function evaluationResults(activity, ctx) {
  const { S } = ctx;
  const results = activity.results || {};
  const summary = results.summary || {};
  const responses = results.responses ?? activity.answered ?? 0;
  return h("div", { class: "eval-summary" }, (activity.questions || []).map((q) => {
    const part = summary[q.key] || {};
    let body;
    if (q.kind === "scale") body = scaleBlock(q, part, S);
    else if (q.kind === "choice") body = choiceBlock(q, part);
    else if (q.kind === "topics") body = topicsBlock(q, part, ctx, responses);
    else body = textBlock(part, S);
    return h("section", { class: `eval-result eval-r-${q.kind}`, dataset: { key: q.key } },
      h("h4", { class: "eval-result-title" }, q.prompt), body);
  }));
}

/** A draft evaluation: the questions it will ask. */
export function evaluationQuestions(activity, S) {
  return [h("p", { class: "hint" }, S.evaluation_draft_hint),
    h("ol", { class: "draft-options eval-draft" }, (activity.questions || []).map((q) => h("li", {}, q.prompt)))];
}
