// The plenary screen: what the whole room looks at on the projector.
// It only listens. While an activity is open it shows how many have answered, never the
// distribution; the bars appear when the facilitator reveals.
import { h, replace, readJSON, fmt, letter, plural as pluralOf } from "./dom.js";
import { connect } from "./socket.js";
import { optionBars, scaleColumns, tableBars, legend } from "./bars.js";
import { fitText } from "./fit.js";
import { planRange, secondsLeft, mmss, timerToShow, serverClock } from "./schedule.js";

const S = readJSON("strings", {});
const page = readJSON("page", {}); // {code, key, join_url, qr_url}
const stage = document.getElementById("stage");
const corner = document.getElementById("corner");
const lost = document.getElementById("reconnecting");
const timerBox = document.getElementById("timer");
const clock = serverClock();
const timerMemory = {};
let timer = null; // the state's timer

let version = -1;
let lostTimer = null;

const shortUrl = (url) => String(url || "").replace(/^https?:\/\//, "");
// "host/j/ABC234" → "host/j": the short address where people type the code themselves.
const codePage = (url) => shortUrl(url).replace(/\/j\/[^/?#]*.*$/, "/j");
const spacedCode = (code) => h("span", { class: "code", "aria-label": code.split("").join(" ") },
  code.split("").map((c) => h("span", {}, c)));

const plural = (key, n) => pluralOf(S, key, n);

/* ---------- views ---------- */

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
  const few = state.tables.length <= 40; // a big conference gets the total only
  return h("section", { class: "join-view" },
    h("div", { class: "join-qr" }, h("img", { src: page.qr_url, alt: S.qr_alt, width: "600", height: "600" })),
    h("div", { class: "join-text" },
      h("p", { class: "eyebrow" }, state.session.title),
      h("h1", { class: "join-title" }, S.join_title),
      h("p", { class: "join-step" }, S.join_scan),
      h("p", { class: "join-step" }, S.join_or_go, " ", h("strong", { class: "join-url" }, codePage(url)),
        " ", S.code_label),
      spacedCode(state.session.code),
      h("p", { class: "joined" }, plural("joined", state.participants)),
      few ? h("ol", { class: "seat-grid" }, state.tables.map((t) => h("li", { class: t.seated ? "has-people" : "" },
        h("span", { class: "seat-name" }, t.name), h("span", { class: "seat-count" }, String(t.seated))))) : null));
}

function heading(activity) {
  return [
    h("p", { class: "eyebrow" }, S[`kind_${activity.kind}`] || activity.kind, activity.title ? ` · ${activity.title}` : ""),
  ];
}

/** Under results the room needs the question, not the whole case: the last paragraph. */
function question(activity) {
  const parts = String(activity.prompt).split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return h("h1", { class: "prompt prompt-small" }, parts.length ? parts[parts.length - 1] : activity.prompt);
}

function answeredLine(state, activity) {
  const key = activity.kind === "reflection" ? "posted" : "answered";
  const byTable = activity.answered_by_table || {};
  const few = state.tables.length <= 40;
  return h("footer", { class: "answered" },
    h("p", { class: "answered-total" },
      h("strong", {}, String(activity.answered)), " ", plural(`${key}_word`, activity.answered),
      h("span", { class: "answered-of" }, " ", fmt(S.of_joined, { n: state.participants }))),
    few ? h("ol", { class: "answered-tables" }, state.tables.filter((t) => t.seated).map((t) => {
      const key = String(t.number);
      // A table with only a few answers is left out by the server: no count, calmly.
      if (!(key in byTable)) return h("li", { class: "is-few" }, h("span", {}, t.name), h("strong", {}, "–"));
      const n = byTable[key] || 0;
      return h("li", { class: n >= t.seated ? "is-done" : "" }, h("span", {}, t.name), h("strong", {}, `${n}/${t.seated}`));
    })) : null);
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
    heading(activity),
    h("h1", { class: "prompt fit" }, activity.prompt),
    options, steps,
    closed ? h("p", { class: "state-note" }, vote ? S.voting_closed : S.posting_closed) : null,
    answeredLine(state, activity));
}

function resultsView(state, activity) {
  const results = activity.results || { counts: [], tables: {}, total: 0 };
  const perTable = state.view === "tables";
  const byTable = activity.answered_by_table || {};
  const few = state.tables.some((t) => !(String(t.number) in byTable));
  let body;
  if (perTable) {
    body = [legend(activity), tableBars(activity, results, state.tables, S),
      few ? h("p", { class: "few-note" }, S.few_hidden) : null];
  }
  else if (activity.kind === "scale") body = scaleColumns(activity, results.counts);
  else body = optionBars(activity, results.counts);
  return h("section", { class: `results-view kind-${activity.kind}${perTable ? " per-table" : ""}` },
    heading(activity),
    question(activity),
    h("div", { class: "results-body" }, body),
    h("p", { class: "results-total" }, plural("votes", results.total)));
}

function wallView(state, activity) {
  const posts = activity.posts || [];
  const groups = new Map();
  // Newest first from the server; keep that order inside each table. Posts of tables with
  // only a few writers come without their table: together, last, as "other tables".
  const OTHER = Number.MAX_SAFE_INTEGER;
  for (const post of posts) {
    const key = post.table === null || post.table === undefined ? OTHER : post.table;
    if (!groups.has(key)) groups.set(key, { name: key === OTHER ? S.other_tables : post.table_name, posts: [] });
    groups.get(key).posts.push(post);
  }
  const ordered = [...groups.entries()].sort((a, b) => a[0] - b[0]);
  const more = Math.max(0, (activity.posts_total || 0) - posts.length);
  return h("section", { class: "wall-view" },
    heading(activity),
    question(activity),
    posts.length
      ? h("div", { class: "wall fit" }, ordered.map(([key, group]) => h("section", { class: `wall-group${key === OTHER ? " is-other" : ""}` },
        h("h2", { class: "wall-table" }, group.name),
        group.posts.map((p) => h("p", { class: "wall-post" }, p.text)))))
      : h("p", { class: "state-note" }, S.no_posts),
    more ? h("p", { class: "wall-more" }, fmt(S.more_posts, { n: more })) : null);
}

/** Between activities: the segment's title, large, with its planned time. */
function segmentView(state) {
  const segment = state.segment;
  const time = planRange(segment);
  const url = state.session.join_url || page.join_url;
  return h("section", { class: "segment-view" },
    h("div", { class: "segment-text" },
      h("p", { class: "eyebrow" }, state.session.title),
      h("h1", { class: "segment-big fit" }, segment.title),
      time ? h("p", { class: "segment-when" }, time) : null),
    // Between activities is when latecomers arrive: the way in stays on the screen, quietly
    // (unless joining is locked).
    state.session.joining_locked ? null : h("aside", { class: "segment-join" },
      h("img", { src: page.qr_url, alt: S.qr_alt, width: "300", height: "300" }),
      h("p", { class: "segment-join-title" }, S.join_title),
      h("p", { class: "segment-join-url" }, codePage(url)),
      h("p", { class: "segment-join-code" }, state.session.code)));
}

/** The day's plan: times and titles; the current segment stands out, finished ones fade.
 * A plan over several days shows the day the room is in (the first day before it starts). */
function agendaView(state) {
  const all = state.agenda || [];
  const here = all.find((s) => s.current);
  const days = [...new Set(all.map((s) => s.day || 1))].sort((a, b) => a - b);
  const day = here ? here.day || 1 : days[0];
  const items = all.filter((s) => (s.day || 1) === day);
  const hereIndex = items.findIndex((s) => s.current);
  const passedDay = here && (here.day || 1) > day;
  const rows = items.map((s, i) => {
    const done = hereIndex >= 0 ? i < hereIndex : passedDay || (s.started_at !== null && s.started_at !== undefined);
    return h("li", { class: `agenda-item${s.current ? " is-current" : ""}${done ? " is-done" : ""}` },
      h("span", { class: "agenda-time" }, planRange(s)),
      h("span", { class: "agenda-name" }, s.title),
      s.current ? h("span", { class: "agenda-now" }, S.now) : null);
  });
  return h("section", { class: "agenda-view" },
    h("p", { class: "eyebrow" }, state.session.title,
      days.length > 1 ? ` · ${fmt(S.day_of, { n: day, total: days.length })}` : ""),
    h("h1", { class: "agenda-heading" }, S.agenda_title),
    h("ol", { class: "agenda-list fit" }, rows));
}

/** An activity from a case: the case's title and story in a column beside it, so the room can
 * read along while it answers and while the results are up. */
function withCase(activity, view) {
  const c = activity.case;
  if (!c || !(c.narrative || "").trim()) return view;
  const paragraphs = String(c.narrative).split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const results = view.querySelector(".results-body");
  if (results) results.classList.add("fit"); // half the width: the bars shrink to fit if need be
  return h("div", { class: "case-layout" },
    h("aside", { class: "case-column" },
      h("p", { class: "eyebrow" }, S.case_label),
      h("h2", { class: "case-name" }, c.title),
      h("div", { class: "case-story fit" }, paragraphs.map((p) => h("p", {}, p)))),
    view);
}

function viewFor(state) {
  if (state.view === "agenda" && (state.agenda || []).length) return agendaView(state);
  const a = state.activity;
  if (!a) return state.segment ? segmentView(state) : joinView(state);
  if (a.state === "revealed") {
    if (a.kind === "reflection") return wallView(state, a);
    return state.view === "tables" ? resultsView(state, a) : withCase(a, resultsView(state, a));
  }
  return withCase(a, questionView(state, a)); // open or closed: counts only, never the distribution
}

function viewName(state) {
  if (state.view === "agenda" && (state.agenda || []).length) return "agenda";
  if (state.activity) return state.activity.state;
  return state.segment ? "segment" : "join";
}

/* ---------- the countdown ---------- */

function drawTimer() {
  const now = clock.now();
  const left = secondsLeft(timerToShow(timerMemory, timer, now), now);
  timerBox.hidden = left === null;
  document.body.classList.toggle("has-timer", left !== null);
  if (left === null) { timerBox.dataset.sig = ""; return; }
  const sig = left === 0 ? "up" : mmss(left);
  if (timerBox.dataset.sig === sig) return;
  timerBox.dataset.sig = sig;
  timerBox.dataset.state = left === 0 ? "up" : "running";
  if (left === 0) replace(timerBox, h("span", { class: "timer-up" }, S.time_up));
  else replace(timerBox, h("span", { class: "timer-label" }, S.time_left), h("span", { class: "timer-digits" }, sig));
}

/* ---------- drawing ---------- */

function draw(state) {
  if (typeof state.version === "number" && state.version < version) return; // stale
  version = state.version;
  clock.sync(state.now);
  timer = state.timer || null;
  drawTimer();
  const name = viewName(state);
  document.body.dataset.view = name;
  replace(stage, viewFor(state));
  document.body.classList.toggle("has-case", !!stage.querySelector(".case-layout"));
  corner.hidden = name === "join" || name === "segment" || !!state.session.joining_locked;
  if (!corner.hidden) {
    replace(corner, h("span", {}, S.join_at), " ", h("strong", {}, codePage(state.session.join_url || page.join_url)),
      " · ", h("span", { class: "corner-code" }, state.session.code));
  }
  for (const el of stage.querySelectorAll(".fit")) fitText(el);
}

function showLost(status) {
  clearTimeout(lostTimer);
  if (status === "open") version = -1; // a restarted server may count versions from anew
  if (status === "open") { lost.hidden = true; return; }
  lostTimer = setTimeout(() => { lost.hidden = false; }, 2000); // a blink is not worth alarming the room
}

function showRenewed(reason) {
  document.body.dataset.view = "renewed";
  corner.hidden = true;
  timer = null;
  timerMemory.last = null;
  drawTimer();
  lost.hidden = true;
  replace(stage, h("section", { class: "renewed" },
    h("h1", {}, S.renewed_title), h("p", {}, S.renewed_text), reason ? h("p", { class: "muted" }, reason) : null));
}

const initial = readJSON("initial", null);
if (initial) draw(initial);
connect(`/ws/${encodeURIComponent(page.code)}/screen?key=${encodeURIComponent(page.key)}`, {
  onMessage: (message) => { if (message.type === "state") draw(message); },
  onStatus: showLost,
  onRefused: showRenewed,
});
window.addEventListener("resize", () => { for (const el of stage.querySelectorAll(".fit")) fitText(el); });
setInterval(drawTimer, 250);
