// The plenary screen: what the whole room looks at on the projector.
// It only listens. While an activity is open it shows how many have answered, never the
// distribution; the bars appear when the facilitator reveals.
//
// Everything must be readable from the back row at 1920×1080 and 1280×720, with 6 or 30
// tables: nothing the room needs (a table's counter, an option, a post) is ever hidden or cut
// off. Boxes that can hold a lot shrink their text to fit (fit.js), table counters become a
// compact grid, and a wall that does not fit pages by itself (tests/test_screen_layout.py).
import { h, replace, readJSON, fmt, letter, plural as pluralOf } from "./dom.js";
import { connect } from "./socket.js";
import { optionBars, scaleColumns, tableBars, legend, markFor } from "./bars.js";
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
let last = null; // the last state drawn

let version = -1;
let lostTimer = null;

const WALL_SECONDS = 12; // a page of the wall stays this long before the next comes
const MANY_TABLES = 40; // past this a big conference gets the totals only

const shortUrl = (url) => String(url || "").replace(/^https?:\/\//, "");
// "host/j/ABC234" → "host/j": the short address where people type the code themselves.
const codePage = (url) => shortUrl(url).replace(/\/j\/[^/?#]*.*$/, "/j");
const spacedCode = (code) => h("span", { class: "code", "aria-label": code.split("").join(" ") },
  code.split("").map((c) => h("span", {}, c)));

const plural = (key, n) => pluralOf(S, key, n);
const screenFlags = (state) => state.screen || {};
/** The root size: every size on the screen is in em of it (24 px at 1920×1080). */
const rootPx = () => parseFloat(getComputedStyle(stage).fontSize) || 16;

/** How dense a list of tables is drawn: "l" up to 8, "m" up to 16, "s" beyond. */
const density = (n) => (n <= 8 ? "l" : n <= 16 ? "m" : "s");

/** A grid of table chips wide enough for the longest name and count on one line (a very long
 * name wraps inside its chip instead). */
function chipWidth(list, names, counts) {
  const longest = (texts) => Math.max(1, ...texts.map((t) => String(t).length));
  const em = Math.min(16, 0.6 * longest(names) + 0.62 * longest(counts) + 2.3);
  list.style.setProperty("--chip", `${em.toFixed(2)}em`);
  return list;
}

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
          h("span", { class: "seat-name" }, t.name), h("span", { class: "seat-count" }, String(t.seated))))),
      seated.map((t) => t.name), seated.map((t) => String(t.seated))) : null));
}

function heading(activity) {
  return h("p", { class: "eyebrow" }, S[`kind_${activity.kind}`] || activity.kind, activity.title ? ` · ${activity.title}` : "");
}

/** Under results the room needs the question, not the whole case: the last paragraph. */
function question(activity) {
  const parts = String(activity.prompt).split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return h("h1", { class: "prompt prompt-small fit", dataset: { fitMin: "0.9" } },
    parts.length ? parts[parts.length - 1] : activity.prompt);
}

/** "97 have answered of 150 in the room", and a compact grid with each table's count. */
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
      if (!(number in byTable)) return h("li", { class: "is-few" }, h("span", {}, t.name), h("strong", {}, "–"));
      const n = byTable[number] || 0;
      return h("li", { class: n >= t.seated ? "is-done" : "" }, h("span", {}, t.name), h("strong", {}, `${n}/${t.seated}`));
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
    answeredLine(state, activity));
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
    body = [legend(activity), tableBars(activity, results, state.tables, S),
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
    h("p", { class: "results-total" }, plural("votes", results.total)));
}

/* ---------- the wall: grouped by table, paged when it does not fit ---------- */

const wall = { activity: null, page: 0, pages: 1, timer: null, stepped: null };

function wallView(state, activity) {
  const posts = activity.posts || [];
  const more = Math.max(0, (activity.posts_total || 0) - posts.length);
  return h("section", { class: "wall-view" },
    heading(activity),
    question(activity),
    posts.length ? h("div", { class: "wall", dataset: { page: "1", pages: "1" } }) : h("p", { class: "state-note" }, S.no_posts),
    h("footer", { class: "wall-foot" },
      h("p", { class: "wall-pager", hidden: true }),
      more ? h("p", { class: "wall-more" }, fmt(S.more_posts, { n: more })) : null));
}

/** Posts by table, tables in order; a small table's posts (no table) come last, together. */
function wallGroups(posts) {
  const groups = new Map();
  const OTHER = Number.MAX_SAFE_INTEGER;
  for (const post of posts) {
    const key = post.table === null || post.table === undefined ? OTHER : post.table;
    if (!groups.has(key)) groups.set(key, { name: key === OTHER ? S.other_tables : post.table_name, other: key === OTHER, posts: [] });
    groups.get(key).posts.push(post); // newest first from the server; kept inside each table
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

const postEl = (p) => h("p", { class: "wall-post", dataset: { id: String(p.id) } }, p.text);
const tableEl = (group, continued) => h("h2", { class: `wall-table${group.other ? " is-other" : ""}` },
  continued ? fmt(S.continued, { table: group.name }) : group.name);

/**
 * Lay the wall out in columns and pages. Text sizes are tried from large to small; the
 * largest that fits on one page wins, and when none does, the wall pages at 1.1 em (26 px at
 * 1080p; never under 24). Each post is measured in a hidden column of the real width, then
 * packed: a table's name never ends a column, a table that goes on in the next column says
 * so, and a post taller than a column gets a page of its own at the wall's whole width.
 */
function layoutWall(box, activity) {
  const groups = wallGroups(activity.posts || []);
  const root = rootPx();
  const gapEm = 1.2;
  const width = box.clientWidth;
  const height = box.clientHeight;
  const columns = Math.max(1, Math.min(4, Math.floor((width / root + gapEm) / (19 + gapEm))));
  const colWidth = (width - (columns - 1) * gapEm * root) / columns;
  const probe = h("div", { class: "wall-col wall-probe", style: { width: `${colWidth}px` } });
  box.replaceChildren(probe);

  const pack = (sizeEm) => {
    probe.style.fontSize = `${sizeEm * root}px`;
    probe.style.width = `${colWidth}px`;
    const gap = parseFloat(getComputedStyle(probe).rowGap) || 0;
    const measure = (el, wide = false) => {
      probe.style.width = `${wide ? width : colWidth}px`;
      probe.replaceChildren(el);
      return el.getBoundingClientRect().height;
    };
    const room = height - 2; // sub-pixel rounding must never push a post past the edge
    const pages = [];
    let page = null;
    let col = null;
    const newPage = () => { page = []; pages.push(page); };
    const newColumn = (wide = false) => {
      if (!page || page.length === columns || wide || page.some((c) => c.wide)) newPage();
      col = { items: [], used: 0, wide };
      page.push(col);
    };
    const fits = (hgt) => col.used + (col.items.length ? gap : 0) + hgt <= room;
    const put = (item, hgt) => { col.used += (col.items.length ? gap : 0) + hgt; col.items.push(item); };
    newColumn();
    for (const group of groups) {
      const head = measure(tableEl(group, false));
      const goesOn = measure(tableEl(group, true));
      group.posts.forEach((post, i) => {
        const hgt = measure(postEl(post));
        if (hgt > room - goesOn - gap) {
          // Taller than a column: a page of its own, the wall's whole width, in larger text
          // when that still fits.
          newColumn(true);
          for (const scale of [1.3, 1.15, 1]) {
            probe.style.fontSize = `${scale * sizeEm * root}px`;
            col.scale = scale;
            if (measure(tableEl(group, i > 0), true) + gap * scale + measure(postEl(post), true) <= room) break;
          }
          probe.style.fontSize = `${sizeEm * root}px`;
          put({ group, continued: i > 0 }, 0);
          put({ post }, 0);
          col.used = room; // nothing more on this page
          return;
        }
        const need = i === 0 ? head + gap + hgt : hgt;
        if ((col.items.length && !fits(need)) || col.wide) newColumn();
        if (i === 0) put({ group, continued: false }, head);
        else if (!col.items.length) put({ group, continued: true }, goesOn);
        put({ post }, hgt);
      });
    }
    if (pages.length > 1 && !pages[pages.length - 1].some((c) => c.items.length)) pages.pop();
    return { pages: pages.filter((p) => p.some((c) => c.items.length)), sizeEm };
  };

  let chosen = null;
  for (const sizeEm of [1.6, 1.45, 1.3, 1.2]) {
    const packed = pack(sizeEm);
    if (packed.pages.length === 1) { chosen = packed; break; }
  }
  chosen = chosen || pack(1.1);

  box.replaceChildren(...chosen.pages.map((p, n) => h("div", { class: "wall-page", hidden: true, dataset: { n: String(n) } },
    p.map((c) => h("div", { class: `wall-col${c.wide ? " is-wide" : ""}`,
      style: { width: `${c.wide ? width : colWidth}px`, fontSize: c.scale ? `${c.scale}em` : "" } },
      c.items.map((it) => (it.post ? postEl(it.post) : tableEl(it.group, it.continued))))))));
  box.style.setProperty("--wall-gap", `${gapEm * root}px`);
  box.style.fontSize = `${chosen.sizeEm * root}px`;
  return chosen.pages.length;
}

function showWallPage(n) {
  const box = stage.querySelector(".wall");
  if (!box) return;
  wall.page = ((n % wall.pages) + wall.pages) % wall.pages;
  for (const p of box.querySelectorAll(".wall-page")) p.hidden = Number(p.dataset.n) !== wall.page;
  box.dataset.page = String(wall.page + 1);
  box.dataset.pages = String(wall.pages);
  const pager = stage.querySelector(".wall-pager");
  if (pager) {
    pager.hidden = wall.pages < 2;
    replace(pager, h("span", {}, fmt(S.page_of, { n: wall.page + 1, total: wall.pages })),
      h("span", { class: "pager-dots", "aria-hidden": "true" },
        Array.from({ length: Math.min(wall.pages, 12) }, (_, i) => h("span", { class: i === wall.page ? "is-on" : "" }))));
  }
}

function startWallTimer() {
  clearInterval(wall.timer);
  wall.timer = wall.pages > 1 ? setInterval(() => showWallPage(wall.page + 1), WALL_SECONDS * 1000) : null;
}

/** Draw (or redraw after a resize or a new state) the wall of the current state. */
function drawWall(state) {
  const box = stage.querySelector(".wall");
  const activity = state && state.activity;
  if (!box || !activity) { clearInterval(wall.timer); wall.timer = null; wall.activity = null; return; }
  // The facilitator can step the pages from the console (`screen.wall_page`, from 0): when it
  // changes, that page (modulo the pages there are) comes, and the paging goes on from there.
  const asked = screenFlags(state).wall_page;
  const newWall = wall.activity !== activity.id;
  if (newWall) { wall.activity = activity.id; wall.page = 0; wall.stepped = asked; }
  wall.pages = layoutWall(box, activity);
  if (!newWall && Number.isInteger(asked) && asked !== wall.stepped) { wall.stepped = asked; wall.page = asked; startWallTimer(); }
  else if (!wall.timer) startWallTimer();
  showWallPage(wall.page);
  if (wall.pages < 2) { clearInterval(wall.timer); wall.timer = null; }
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
  const day = here ? here.day || 1 : days[0];
  const items = all.filter((s) => (s.day || 1) === day);
  const hereIndex = items.findIndex((s) => s.current);
  const passedDay = here && (here.day || 1) > day;
  const rows = items.map((s, i) => {
    const done = hereIndex >= 0 ? i < hereIndex : passedDay || (s.started_at !== null && s.started_at !== undefined);
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

/** The closing step: a thank-you, and how many took part. */
function closingView(state) {
  return h("section", { class: "closing-view" },
    h("p", { class: "eyebrow" }, state.session.title),
    h("h1", { class: "closing-title" }, S.closing_title),
    h("p", { class: "closing-count" }, plural("took_part", state.participants)),
    h("p", { class: "closing-text" }, S.closing_text));
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

function joinCornerWanted(state) {
  return !state.session.joining_locked && !state.session.closed && screenFlags(state).join_corner !== false;
}

function viewName(state) {
  if (screenFlags(state).join_page === true && !state.session.closed) return "join"; // over anything
  if (state.view === "agenda" && (state.agenda || []).length) return "agenda";
  if (state.session.closed) return "ended";
  if (state.closing) return "closing";
  if (state.activity) return state.activity.state;
  return state.segment ? "segment" : "join";
}

function viewFor(state, name) {
  const a = state.activity;
  switch (name) {
    case "join": return joinView(state);
    case "agenda": return agendaView(state);
    case "ended": return endedView(state);
    case "closing": return closingView(state);
    case "segment": return segmentView(state);
    case "revealed":
      if (a.kind === "reflection") return wallView(state, a);
      return state.view === "tables" ? resultsView(state, a) : withCase(state, a, resultsView(state, a));
    default: return withCase(state, a, questionView(state, a)); // open or closed: counts only
  }
}

/* ---------- the countdown ---------- */

function drawTimer() {
  const now = clock.now();
  const shown = timerToShow(timerMemory, timer, now);
  const left = secondsLeft(shown, now);
  const visible = left !== null;
  if (timerBox.hidden === visible) { timerBox.hidden = !visible; railChanged(); }
  if (!visible) { timerBox.dataset.sig = ""; return; }
  const up = left === 0 || (timer !== null && timer.up === true);
  const sig = up ? "up" : mmss(left);
  if (timerBox.dataset.sig === sig) return;
  timerBox.dataset.sig = sig;
  timerBox.dataset.state = up ? "up" : "running";
  if (up) replace(timerBox, h("span", { class: "timer-up" }, S.time_up));
  else replace(timerBox, h("span", { class: "timer-label" }, S.time_left), h("span", { class: `timer-digits${sig.length > 5 ? " is-long" : ""}` }, sig));
}

/* ---------- drawing ---------- */

/** The right-hand rail (countdown on top, QR code and code below) takes its own room, so
 * nothing on the stage ever sits under it. */
function railChanged() {
  const has = !timerBox.hidden || !corner.hidden;
  if (document.body.classList.contains("has-rail") === has) return;
  document.body.classList.toggle("has-rail", has);
  relayout();
}

function relayout() {
  for (const el of stage.querySelectorAll(".fit")) el.style.fontSize = "";
  // Inner boxes first: an outer box then fits around their final size.
  const fits = [...stage.querySelectorAll(".fit")].reverse();
  const root = rootPx();
  for (const el of fits) fitText(el, { min: root * (parseFloat(el.dataset.fitMin) || 0.6) });
  drawWall(stage.querySelector(".wall") ? last : null); // in the room the question leaves
}

function drawCorner(state, name) {
  corner.hidden = name === "join" || name === "segment" || !joinCornerWanted(state);
  if (corner.hidden) { replace(corner); corner.dataset.sig = ""; return; } // no hidden invitation either
  const url = codePage(state.session.join_url || page.join_url);
  const sig = `${url}|${state.session.code}`;
  if (corner.dataset.sig === sig) return;
  corner.dataset.sig = sig;
  replace(corner,
    h("img", { class: "corner-qr", src: page.qr_url, alt: S.qr_alt, width: "200", height: "200" }),
    h("p", { class: "corner-title" }, S.join_at),
    h("p", { class: "corner-url" }, url),
    h("p", { class: "corner-code" }, state.session.code));
}

function draw(state) {
  if (typeof state.version === "number" && state.version < version) return; // stale
  version = state.version;
  last = state;
  clock.sync(state.now);
  // A server that marks "time is up" keeps the timer in the state until the step changes:
  // when it is gone, it is gone (an older server drops it as it runs out; see timerToShow).
  if (!state.timer && timerMemory.last && "up" in timerMemory.last) timerMemory.last = null;
  timer = state.timer || null;
  const name = viewName(state);
  document.body.dataset.view = name;
  document.body.dataset.version = String(state.version);
  drawCorner(state, name);
  replace(stage, viewFor(state, name));
  document.body.classList.toggle("has-case", !!stage.querySelector(".case-layout"));
  document.body.classList.toggle("has-rail", !timerBox.hidden || !corner.hidden);
  drawTimer();
  relayout();
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
  last = null;
  drawWall(null);
  replace(stage, h("section", { class: "renewed" },
    h("h1", {}, S.renewed_title), h("p", {}, S.renewed_text), reason ? h("p", { class: "muted" }, reason) : null));
}

// At the screen laptop the facilitator can step the wall's pages with the arrow keys (or a
// presenter remote, which sends Page Up/Down).
document.addEventListener("keydown", (event) => {
  if (!stage.querySelector(".wall") || wall.pages < 2) return;
  const step = { ArrowRight: 1, PageDown: 1, " ": 1, ArrowLeft: -1, PageUp: -1 }[event.key];
  if (!step) return;
  event.preventDefault();
  showWallPage(wall.page + step);
  startWallTimer();
});

const initial = readJSON("initial", null);
if (initial) draw(initial);
connect(`/ws/${encodeURIComponent(page.code)}/screen?key=${encodeURIComponent(page.key)}`, {
  onMessage: (message) => { if (message.type === "state") draw(message); },
  onStatus: showLost,
  onRefused: showRenewed,
});
let resizing = null;
window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(relayout, 100); });
setInterval(drawTimer, 250);
