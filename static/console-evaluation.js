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

/* ---------- a draft's questions, edited in the console (sent with the card's "Save") ---------- */

const MAX_KEY = 32;
const NEW_KINDS = ["scale", "choice", "text"]; // "topics" is the programme's own, filled by the server

/** A key from a text: small ascii letters, digits and _, not in `taken` (which it joins). */
export function keyFrom(text, taken, fallback = "question") {
  const ascii = String(text).toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "o").replace(/ß/g, "ss")
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const base = ascii.replace(/[^a-z0-9]+/g, "_").replace(/^_+/, "").slice(0, MAX_KEY - 3).replace(/_+$/, "") || fallback;
  let key = base;
  for (let n = 2; taken.has(key); n += 1) key = `${base}_${n}`;
  taken.add(key);
  return key;
}

/** Choices from lines: a label kept keeps its id ("yes", "no", …), a new one gets one made from it. */
function choicesFrom(text, before) {
  const labels = text.split("\n").map((line) => line.trim()).filter(Boolean);
  const known = new Map((before || []).map((c) => [c.label, c.id]));
  const taken = new Set();
  const out = labels.map((label) => {
    const id = known.get(label);
    if (id === undefined || taken.has(id)) return { id: null, label };
    taken.add(id);
    return { id, label };
  });
  for (const c of out) if (c.id === null) c.id = keyFrom(c.label, taken, "choice");
  return out;
}

/**
 * The questions of a draft evaluation as a small form: each prompt editable, a question
 * removable, a new one added (scale, choice with its choices one per line, or free text).
 * Returns {node, read}; read() gives the list to PATCH as `questions`.
 */
export function questionsEditor(activity, S, prefix) {
  const rows = [];
  let made = 0;
  const list = h("ol", { class: "eval-edit-list" });
  const hintFor = { topics: S.evaluation_topics_filled, scale: S.evaluation_scale_steps };

  function addRow(question, kind, focus) {
    made += 1;
    const id = `${prefix}-${made}`;
    const row = { question, kind };
    row.prompt = h("textarea", { id: `${id}-prompt`, class: "input", rows: 2, maxlength: 1000 });
    row.prompt.value = question ? question.prompt : "";
    if (kind === "choice") {
      row.choices = h("textarea", { id: `${id}-choices`, class: "input", rows: 3 });
      row.choices.value = question ? (question.choices || []).map((c) => c.label).join("\n") : "";
    }
    row.node = h("li", { class: "eval-edit-q", dataset: { kind, key: question ? question.key : "" } },
      h("div", { class: "eval-edit-q-head" },
        h("label", { for: row.prompt.id }, fmt(S.question_of_kind, { kind: S[`question_kind_${kind}`] })),
        h("button", { type: "button", class: "button small ghost eval-edit-remove",
          onclick: () => {
            rows.splice(rows.indexOf(row), 1);
            row.node.remove();
          } }, S.remove_question)),
      row.prompt,
      hintFor[kind] ? h("p", { class: "hint" }, hintFor[kind]) : null,
      row.choices ? [h("label", { for: row.choices.id }, S.choices_one_per_line), row.choices] : null);
    rows.push(row);
    list.append(row.node);
    if (focus) row.prompt.focus();
  }

  for (const q of activity.questions || []) addRow(q, q.kind, false);
  const kind = h("select", { id: `${prefix}-new-kind`, class: "input eval-edit-kind" },
    NEW_KINDS.map((k) => h("option", { value: k }, S[`question_kind_${k}`])));
  const node = h("fieldset", { class: "eval-edit" },
    h("legend", {}, S.evaluation_questions),
    list,
    h("div", { class: "eval-edit-add" },
      h("label", { for: kind.id }, S.add_question_kind),
      kind,
      h("button", { type: "button", class: "button small secondary", onclick: () => addRow(null, kind.value, true) }, S.add_question)));

  function read() {
    const taken = new Set(rows.filter((r) => r.question).map((r) => r.question.key));
    return rows.map((r) => {
      const prompt = r.prompt.value.trim();
      const out = { key: r.question ? r.question.key : keyFrom(prompt, taken), kind: r.kind, prompt };
      if (r.kind === "choice") out.choices = choicesFrom(r.choices.value, r.question && r.question.choices);
      return out;
    });
  }
  return { node, read };
}
