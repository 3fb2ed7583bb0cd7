// The day's evaluation on the plenary screen. While it is open the room sees how many have
// answered, never the answers; once the facilitator reveals it, a calm summary: each scale as
// five steps with its average, the choices' counts and the most chosen topics. The server
// never sends the written answers to the screen, and nothing here would show them.
import { h } from "./dom.js";
import { S, plural } from "./screen-common.js";

const STEPS = 5;
const TOP_TOPICS = 5;

export const isEvaluation = (activity) => !!activity && activity.kind === "evaluation";

function formatMean(mean) {
  if (mean === null || mean === undefined) return "–";
  const lang = document.documentElement.lang || "nb";
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : "nb-NO", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(mean);
}

const percent = (n, total) => (total > 0 ? Math.round((100 * n) / total) : 0);

/** "12 have answered the evaluation", for the closing slide and an open evaluation. */
export function evaluationCount(activity) {
  return h("p", { class: "closing-count eval-count" }, plural("evaluation_answered", activity.answered || 0));
}

function scaleCard(q, part) {
  const counts = Array.isArray(part.counts) ? part.counts : [0, 0, 0, 0, 0];
  const total = counts.reduce((a, b) => a + b, 0);
  const most = Math.max(1, ...counts);
  return h("section", { class: "eval-card eval-scale" },
    h("h2", { class: "eval-card-title" }, q.prompt),
    h("div", { class: "eval-scale-body" },
      h("p", { class: "eval-mean" }, h("strong", {}, formatMean(part.mean)), h("span", {}, ` ${S.evaluation_of_5}`)),
      h("ol", { class: "eval-cols" }, counts.map((n, i) => h("li", { class: `eval-col s${i}` },
        h("span", { class: "eval-col-value" }, String(n)),
        h("span", { class: "eval-col-track", "aria-hidden": "true" },
          h("span", { class: "eval-col-fill", style: { height: `${(100 * n) / most}%` } })),
        h("span", { class: "eval-col-step" }, String(i + 1)))))),
    h("p", { class: "eval-ends" }, h("span", {}, `1 = ${S.evaluation_low}`), h("span", {}, `${STEPS} = ${S.evaluation_high}`),
      h("span", { class: "eval-ends-total" }, plural("votes", total))));
}

function rows(list, total) {
  const most = Math.max(1, ...list.map((r) => r.n));
  return h("ol", { class: "eval-rows" }, list.map((r) => h("li", { class: "eval-row" },
    h("span", { class: "eval-row-label" }, r.label),
    h("span", { class: "eval-row-track", "aria-hidden": "true" },
      h("span", { class: "eval-row-fill", style: { width: `${(100 * r.n) / most}%` } })),
    h("span", { class: "eval-row-count" }, String(r.n)),
    h("span", { class: "eval-row-percent" }, `${percent(r.n, total)} %`))));
}

function choiceCard(q, part) {
  const counts = part.counts || {};
  const list = (q.choices || []).map((c) => ({ label: c.label, n: counts[c.id] || 0 }));
  return h("section", { class: "eval-card eval-choice" },
    h("h2", { class: "eval-card-title" }, q.prompt),
    rows(list, list.reduce((a, r) => a + r.n, 0)));
}

function topicsCard(q, part, state, responses) {
  const counts = part.counts || {};
  const titles = new Map();
  for (const c of q.choices || []) titles.set(String(c.id), c.label);
  for (const s of state.agenda || []) titles.set(String(s.id), s.title);
  const order = [...titles.keys()];
  const list = Object.entries(counts)
    .filter(([id, n]) => n > 0 && titles.has(id))
    .map(([id, n]) => ({ label: titles.get(id), n, at: order.indexOf(id) }))
    .sort((a, b) => b.n - a.n || a.at - b.at)
    .slice(0, TOP_TOPICS);
  return h("section", { class: "eval-card eval-topics" },
    h("h2", { class: "eval-card-title" }, q.prompt),
    list.length ? rows(list, responses) : h("p", { class: "muted" }, S.no_answers_yet),
    list.length ? h("p", { class: "eval-note" }, S.evaluation_topics_note) : null);
}

/** The revealed evaluation: figures only, never a written answer. */
export function evaluationSummaryView(state, activity) {
  const results = activity.results || {};
  const summary = results.summary || {};
  const responses = results.responses ?? activity.answered ?? 0;
  const questions = (activity.questions || []).filter((q) => q.kind !== "text");
  const cards = (kind) => questions.filter((q) => q.kind === kind).map((q) => {
    const part = summary[q.key] || {};
    if (kind === "scale") return scaleCard(q, part);
    if (kind === "choice") return choiceCard(q, part);
    return topicsCard(q, part, state, responses);
  });
  return h("section", { class: "eval-summary-view" },
    h("p", { class: "eyebrow" }, state.session.title, ` · ${S.kind_evaluation}`),
    h("h1", { class: "eval-title" }, S.evaluation_title,
      h("span", { class: "eval-title-count" }, ` · ${plural("evaluation_answered", responses)}`)),
    h("div", { class: "eval-grid fit", dataset: { fitMin: "0.6" } },
      h("div", { class: "eval-column" }, cards("scale")),
      h("div", { class: "eval-column" }, cards("choice"), cards("topics"))));
}

/** An evaluation on the screen while it is open (outside the closing): its title and count. */
export function evaluationOpenView(state, activity) {
  return h("section", { class: "closing-view eval-open-view" },
    h("p", { class: "eyebrow" }, state.session.title),
    h("h1", { class: "closing-title" }, activity.title || activity.prompt),
    evaluationCount(activity),
    h("p", { class: "closing-text" }, activity.state === "open" ? S.evaluation_on_phones : S.evaluation_closed));
}
