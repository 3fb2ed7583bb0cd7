// The screen's views: joining, a question, its results, between activities, the plan and the end.
import { h, fmt, letter } from "./dom.js";
import { optionBars, scaleColumns, tableBars, legend, markFor } from "./bars.js";
import { planRange } from "./schedule.js";
import {
  S, page, MANY_TABLES, codePage, spacedCode, plural, screenFlags, density, chipWidth, heading, question, joinCornerWanted,
} from "./screen-common.js";
import { wallView } from "./screen-wall.js";
import { showsStations, stationsView } from "./screen-stations.js";
import { showsSeating, seatingView } from "./screen-seating.js";
import { isEvaluation, evaluationCount, evaluationSummaryView, evaluationOpenView } from "./screen-evaluation.js";
import { compareView, hasCompare, tableAnsweredLine } from "./screen-compare.js";
import { named } from "./screen-marks.js";

/** Joining locked: no QR code or address to invite people who would be turned away. */
function closedView(state) {
  return h("section", { class: "join-view join-closed" },
    h("div", { class: "join-text" },
      h("p", { class: "eyebrow" }, state.session.title),
      h("h1", { class: "join-title" }, S.joining_closed),
      h("p", { class: "join-step" }, S.joining_closed_text),
      h("p", { class: "joined" }, plural("joined", state.participants))));
}

function joinView(state) {
  if (state.session.joining_locked) return closedView(state);
  const url = state.session.join_url || page.join_url;
  const seated = state.tables.length <= MANY_TABLES ? state.tables : [];
  return h("section", { class: `join-view${seated.length > 12 ? " many" : ""}` },
    h("div", { class: "join-qr" }, h("img", { src: page.qr_url, alt: S.qr_alt, width: "600", height: "600" })),
    h("div", { class: "join-text" },
      h("p", { class: "eyebrow" }, state.session.title),
      h("h1", { class: "join-title" }, S.join_title),
      h("p", { class: "join-step" }, S.join_scan),
      h("p", { class: "join-step" }, S.join_or_go, " ", h("strong", { class: "join-url" }, codePage(url)),
        " ", S.code_label),
      spacedCode(state.session.code),
      h("p", { class: "joined" }, plural("joined", state.participants)),
      seated.length ? chipWidth(h("ol", { class: `seat-grid fit d-${density(seated.length)}`, dataset: { fitMin: "0.55" } },
        seated.map((t) => h("li", { class: t.seated ? "has-people" : "" },
          h("span", { class: "seat-name" }, named(t.number, t.name)), h("span", { class: "seat-count" }, String(t.seated))))),
      seated.map((t) => t.name), seated.map((t) => String(t.seated))) : null));
}

/** "97 have answered of 150 taking part", and a compact grid with each table's count. */
function answeredLine(state, activity) {
  const key = activity.kind === "reflection" ? "posted" : "answered";
  const byTable = activity.answered_by_table || {};
  const seated = state.tables.length <= MANY_TABLES ? state.tables.filter((t) => t.seated) : [];
  return h("footer", { class: `answered d-${density(seated.length)}` },
    h("p", { class: "answered-total" },
      h("strong", {}, String(activity.answered)), " ", plural(`${key}_word`, activity.answered),
      h("span", { class: "answered-of" }, " ", fmt(S.of_joined, { n: state.participants }))),
    seated.length ? chipWidth(h("ol", { class: "answered-tables" }, seated.map((t) => {
      const number = String(t.number);
      // A table with only a few answers is left out by the server: no count, calmly.
      if (!(number in byTable)) return h("li", { class: "is-few" }, h("span", {}, named(t.number, t.name)), h("strong", {}, "–"));
      const n = byTable[number] || 0;
      return h("li", { class: n >= t.seated ? "is-done" : "" }, h("span", {}, named(t.number, t.name)), h("strong", {}, `${n}/${t.seated}`));
    })), seated.map((t) => t.name), seated.map((t) => `${t.seated}/${t.seated}`)) : null);
}

function questionView(state, activity) {
  const closed = activity.state === "closed";
  const vote = activity.kind !== "reflection";
  const options = vote && activity.kind !== "scale"
    ? h("ol", { class: `screen-options n${activity.options.length}` }, activity.options.map((label, i) =>
      h("li", { class: `c${i}` }, h("span", { class: "bar-mark" }, letter(i)), h("span", { class: "option-text" }, label))))
    : null;
  const steps = activity.kind === "scale"
    ? h("ol", { class: "screen-steps" }, activity.options.map((label, i) =>
      h("li", {}, h("span", { class: "step-number" }, String(i + 1)), h("span", {}, label))))
    : null;
  return h("section", { class: `question-view kind-${activity.kind}` },
    // The question and its choices shrink together when the room's counters need the space.
    h("div", { class: "question-main fit", dataset: { fitMin: "0.6" } },
      heading(activity),
      h("h1", { class: "prompt" }, activity.prompt),
      options, steps,
      closed ? h("p", { class: "state-note" }, vote ? S.voting_closed : S.posting_closed) : null),
    activity.by === "table" ? tableAnsweredLine(state, activity) : answeredLine(state, activity));
}

/** "Why" texts the facilitator chose to show: a few, quoted, never with names. */
function quotesBlock(activity) {
  const quotes = (Array.isArray(activity.quotes) ? activity.quotes : []).slice(0, 6);
  if (!quotes.length) return null;
  return h("section", { class: "quotes" },
    h("h2", { class: "quotes-title" }, S.quotes_title),
    h("ul", { class: "quote-list" }, quotes.map((q) => {
      const option = Number.isInteger(q.option) && q.option >= 0 && q.option < activity.options.length ? q.option : null;
      return h("li", { class: `quote${option === null ? "" : ` c${option}`}` },
        option === null ? null : h("span", { class: "bar-mark", "aria-hidden": "true" }, markFor(activity.kind, option)),
        h("q", {}, q.text));
    })));
}

/** "What the law says": each paragraph reference in bold, shown after the reveal when chosen. */
function lawBlock(state, activity) {
  const law = activity.case && Array.isArray(activity.case.law) ? activity.case.law : [];
  if (!law.length || !screenFlags(state).law || activity.state !== "revealed") return null;
  return h("section", { class: "law" },
    h("h2", { class: "law-title" }, S.law_title),
    h("div", { class: "law-items fit", dataset: { fitMin: "0.55" } }, law.map((item) => h("p", { class: "law-item" },
      h("strong", { class: "law-ref" }, item.ref), " ", item.text))));
}

function resultsView(state, activity) {
  const results = activity.results || { counts: [], tables: {}, total: 0 };
  const perTable = state.view === "tables";
  const byTable = activity.answered_by_table || {};
  const few = state.tables.some((t) => t.seated && !(String(t.number) in byTable));
  let body;
  if (perTable) {
    // Each table's name as a node with its digital tag (screen-marks.js); bars.js appends it.
    const marked = state.tables.map((t) => ({ ...t, name: h("span", {}, named(t.number, t.name)) }));
    body = [legend(activity), tableBars(activity, results, marked, S),
      few ? h("p", { class: "few-note" }, S.few_hidden) : null];
  } else {
    const bars = activity.kind === "scale" ? scaleColumns(activity, results.counts) : optionBars(activity, results.counts);
    const quotes = quotesBlock(activity);
    // With quotes, bars and quotes shrink together (one box), so neither is crowded out.
    body = quotes ? h("div", { class: "with-quotes fit", dataset: { fitMin: "0.6" } }, h("div", { class: "results-bars" }, bars), quotes)
      : h("div", { class: "results-bars fit", dataset: { fitMin: "0.6" } }, bars);
  }
  return h("section", { class: `results-view kind-${activity.kind}${perTable ? " per-table" : ""}` },
    heading(activity),
    question(activity),
    h("div", { class: "results-body" }, body),
    h("p", { class: "results-total" }, plural(activity.by === "table" ? "tables_total" : "votes", results.total)));
}

/* ---------- between activities, the plan, the end ---------- */

/** Between activities: the segment's title, large, with its planned time. */
function segmentView(state) {
  const segment = state.segment;
  const time = planRange(segment, state.days);
  const url = state.session.join_url || page.join_url;
  return h("section", { class: "segment-view" },
    h("div", { class: "segment-text" },
      h("p", { class: "eyebrow" }, state.session.title),
      h("h1", { class: "segment-big fit", dataset: { fitMin: "2" } }, segment.title),
      time ? h("p", { class: "segment-when" }, time) : null),
    // Between activities is when latecomers arrive: the way in stays on the screen, a little
    // larger than the corner (unless joining is locked or the facilitator hid it).
    joinCornerWanted(state) ? h("aside", { class: "segment-join" },
      h("img", { src: page.qr_url, alt: S.qr_alt, width: "300", height: "300" }),
      h("p", { class: "segment-join-title" }, S.join_title),
      h("p", { class: "segment-join-url" }, codePage(url)),
      h("p", { class: "segment-join-code" }, state.session.code)) : null);
}

/** The day's plan: times and titles; the current segment stands out, finished ones fade.
 * A plan over several days shows the day the room is in (the first day before it starts). */
function agendaView(state) {
  const all = state.agenda || [];
  const here = all.find((s) => s.current);
  const days = [...new Set(all.map((s) => s.day || 1))].sort((a, b) => a - b);
  // At the closing (and once it has ended) the day is behind the room: every segment is done,
  // also one that was never stepped into (the welcome, run before the first Next).
  const ended = !!(state.closing || (state.session && state.session.closed));
  const day = here ? here.day || 1 : ended ? days[days.length - 1] : days[0];
  const items = all.filter((s) => (s.day || 1) === day);
  const hereIndex = items.findIndex((s) => s.current);
  const passedDay = here && (here.day || 1) > day;
  const rows = items.map((s, i) => {
    const started = s.started_at !== null && s.started_at !== undefined;
    const done = hereIndex >= 0 ? i < hereIndex : ended || passedDay || started;
    return h("li", { class: `agenda-item${s.current ? " is-current" : ""}${done ? " is-done" : ""}` },
      h("span", { class: "agenda-time" }, planRange(s, state.days)),
      h("span", { class: "agenda-name" }, s.title),
      s.current ? h("span", { class: "agenda-now" }, S.now) : null);
  });
  return h("section", { class: "agenda-view" },
    h("p", { class: "eyebrow" }, state.session.title,
      days.length > 1 ? ` · ${fmt(S.day_of, { n: day, total: days.length })}` : ""),
    h("h1", { class: "agenda-heading" }, S.agenda_title),
    h("ol", { class: "agenda-list fit", dataset: { fitMin: "1" } }, rows));
}

/** The closing step: a thank-you, and how many took part; with the day's evaluation open,
 * how many have answered it (never what). */
function closingView(state) {
  const evaluation = isEvaluation(state.activity) && state.activity.state !== "draft" ? state.activity : null;
  return h("section", { class: `closing-view${evaluation ? " has-evaluation" : ""}` },
    h("p", { class: "eyebrow" }, state.session.title),
    h("h1", { class: "closing-title" }, S.closing_title),
    h("p", { class: "closing-count" }, plural("took_part", state.participants)),
    evaluation ? evaluationCount(evaluation) : null,
    h("p", { class: "closing-text" }, evaluation && evaluation.state === "open" ? S.evaluation_on_phones : S.closing_text));
}

/** The facilitator closed the session: answers are no longer taken. */
function endedView(state) {
  return h("section", { class: "closing-view is-ended" },
    h("p", { class: "eyebrow" }, state.session.title),
    h("h1", { class: "closing-title" }, S.ended_title),
    h("p", { class: "closing-count" }, plural("took_part", state.participants)),
    h("p", { class: "closing-text" }, S.ended_text));
}

/** An activity from a case: the case's title and story in a column beside it, so the room can
 * read along while it answers and while the results are up. After the reveal the facilitator
 * may put "what the law says" there instead of the story. The counters of the tables run
 * under both columns, so there is room for thirty. */
function withCase(state, activity, view) {
  const c = activity.case;
  const law = lawBlock(state, activity);
  if (!c || (!(c.narrative || "").trim() && !law)) return view;
  const paragraphs = String(c.narrative || "").split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const footer = view.querySelector(":scope > .answered");
  return h("div", { class: `case-layout${footer ? " has-footer" : ""}` },
    h("aside", { class: `case-column${law ? " has-law" : ""}` },
      h("p", { class: "eyebrow" }, S.case_label),
      h("h2", { class: "case-name" }, c.title),
      law || h("div", { class: "case-story fit", dataset: { fitMin: "0.55" } }, paragraphs.map((p) => h("p", {}, p)))),
    view,
    footer);
}

export function viewName(state) {
  if (screenFlags(state).join_page === true && !state.session.closed) return "join"; // over anything
  if (state.view === "agenda" && (state.agenda || []).length) return "agenda";
  if (state.session.closed) return "ended";
  if (showsSeating(state)) return "seating"; // after a reseat: who sits where (screen-seating.js)
  if (isEvaluation(state.activity) && state.activity.state === "revealed") return "evaluation";
  if (state.closing) return "closing";
  if (isEvaluation(state.activity)) return "evaluation-count";
  if (hasCompare(state.activity)) return "compare"; // an after round: before | after
  if (showsStations(state)) return "stations"; // a station rotation: who is where
  if (state.activity) return state.activity.state;
  return state.segment ? "segment" : "join";
}

export function viewFor(state, name) {
  const a = state.activity;
  switch (name) {
    case "join": return joinView(state);
    case "agenda": return agendaView(state);
    case "ended": return endedView(state);
    case "closing": return closingView(state);
    case "evaluation": return evaluationSummaryView(state, a);
    case "evaluation-count": return evaluationOpenView(state, a);
    case "segment": return segmentView(state);
    case "stations": return stationsView(state);
    case "seating": return seatingView(state);
    case "compare": return compareView(state, a);
    case "revealed":
      if (a.kind === "reflection") return wallView(state, a);
      return state.view === "tables" ? resultsView(state, a) : withCase(state, a, resultsView(state, a));
    default: return withCase(state, a, questionView(state, a)); // open or closed: counts only
  }
}
