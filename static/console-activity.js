// One activity in the console's run sheet: its controls and its live results.
// Controls and results are rebuilt separately and only when they change, so a click on
// "Reveal" is not lost to a vote arriving at the same moment.
import { h, patch, fmt, replace } from "./dom.js";
import { optionBars, markFor } from "./bars.js";
import { evaluationResults, evaluationQuestions, questionsEditor } from "./console-evaluation.js";

const openDetails = new Set(); // which "Per table" / "Reasons" boxes the facilitator opened
const editing = new Set(); // drafts whose text editor is open
// Older posts and whys fetched with "Show older", by activity id: a snapshot carries the newest.
const older = new Map();

export function activityCard(existing, activity, ctx) {
  const card = existing || h("article", { class: "activity-card", dataset: { id: String(activity.id) } },
    h("div", { class: "card-head" }), h("div", { class: "card-results" }));
  const isCurrent = ctx.current === activity.id;
  card.className = `activity-card state-${activity.state}${isCurrent ? " is-current" : ""}`;
  const [head, results] = card.children;
  if (activity.state !== "draft") editing.delete(activity.id);
  patch(head, JSON.stringify([activity.id, activity.state, activity.kind, activity.title, activity.prompt,
    activity.options, activity.kind === "evaluation" ? activity.questions : null, isCurrent, editing.has(activity.id), activity.station_count]),
  () => headPart(activity, isCurrent, ctx));
  const fetched = older.get(activity.id);
  patch(results, JSON.stringify([activity.state, activity.answered, activity.answered_by_table, activity.results,
    activity.posts, activity.whys, activity.posts_total, activity.whys_total, activity.hidden_on_screen,
    fetched ? fetched.posts.length + fetched.whys.length : 0, ctx.tables.length,
    activity.kind === "evaluation" ? [activity.questions, (ctx.segments || []).map((s) => [s.id, s.title])] : null]),
  () => resultsPart(activity, ctx));
  return card;
}

export const titleOf = (activity) => activity.title || shorten(activity.prompt, 70);
const shorten = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function headPart(activity, isCurrent, ctx) {
  const { S, act } = ctx;
  const button = (label, onclick, cls = "secondary") =>
    h("button", { type: "button", class: `button small ${cls}`, onclick: (e) => act(e.currentTarget, onclick) }, label);
  const setState = (state) => () => ctx.setState(activity.id, state);
  const controls = [];
  switch (activity.state) {
    case "draft": controls.push(button(S.open, setState("open"), "primary")); break;
    case "open": controls.push(button(S.reveal, setState("revealed"), "primary"), button(S.close, setState("closed"))); break;
    case "closed": controls.push(button(S.reveal, setState("revealed"), "primary"), button(S.reopen, setState("open"))); break;
    case "revealed": controls.push(button(S.hide_results, setState("closed")), button(S.reopen, setState("open"))); break;
  }
  if (!isCurrent) controls.push(button(S.show_on_screen, () => ctx.showOnScreen(activity.id), "ghost"));
  const vote = ["dilemma", "poll", "scale"].includes(activity.kind);
  if (vote && ctx.again && (activity.state === "closed" || activity.state === "revealed")) { // before and after
    controls.push(button(S.ask_again, () => ctx.again(activity.id), "ghost"));
  }
  const redraw = (e) => {
    const head = e.currentTarget.closest(".card-head");
    head.replaceChildren(...headPart(activity, isCurrent, ctx).filter(Boolean));
  };
  if (activity.state === "draft" && ctx.editActivity && !editing.has(activity.id)) {
    controls.push(h("button", { type: "button", class: "button small ghost",
      onclick: (e) => { editing.add(activity.id); redraw(e); } }, activity.kind === "evaluation" ? S.edit_questions : S.edit_text));
  }
  return [
    h("div", { class: "card-title-row" },
      h("span", { class: `badge state-badge ${activity.state}` }, S[`state_${activity.state}`]),
      h("span", { class: "badge kind-badge" }, activity.station_count // a station rotation (stations.py)
        ? fmt(S.kind_stations, { n: activity.station_count }) : S[`kind_${activity.kind}`]),
      isCurrent ? h("span", { class: "badge on-screen" }, S.on_screen) : null,
      activity.by === "table" ? h("span", { class: "badge by-table" }, S.by_table_badge) : null,
      activity.before ? h("span", { class: "badge after-round" }, S.after_badge) : null),
    h("h3", { class: "card-title" }, titleOf(activity)),
    activity.title ? h("p", { class: "card-prompt" }, activity.prompt) : null,
    h("div", { class: "card-controls" }, controls),
    editing.has(activity.id) ? textEditor(activity, ctx, redraw) : null,
  ];
}

/** A draft's texts, changed for this session only (PATCH; the state update redraws). */
function textEditor(activity, ctx, redraw) {
  const { S, act } = ctx;
  const id = (name) => `edit-${activity.id}-${name}`;
  const hasOptions = activity.kind === "dilemma" || activity.kind === "poll";
  const title = h("input", { id: id("title"), class: "input", type: "text", maxLength: 200, value: activity.title });
  const prompt = h("textarea", { id: id("prompt"), class: "input", rows: 4, maxlength: 4000 });
  prompt.value = activity.prompt;
  const options = hasOptions ? h("textarea", { id: id("options"), class: "input", rows: activity.options.length + 1 }) : null;
  if (options) options.value = activity.options.join("\n");
  const questions = activity.kind === "evaluation" ? questionsEditor(activity, S, id("q")) : null;
  const problem = h("p", { class: "alert editor-problem", role: "alert", hidden: true });
  const close = (e) => { editing.delete(activity.id); redraw(e); };
  const save = h("button", { type: "submit", class: "button small primary" }, S.save);
  const form = h("form", {
    class: "activity-editor",
    onsubmit: (e) => {
      e.preventDefault();
      const body = { title: title.value, prompt: prompt.value };
      if (options) body.options = options.value.split("\n").map((o) => o.trim()).filter(Boolean);
      if (questions) body.questions = questions.read();
      problem.hidden = true;
      // Closed before the request: the state update it causes may arrive before its answer.
      act(save, async () => {
        editing.delete(activity.id);
        try {
          await ctx.editActivity(activity.id, body);
          if (form.isConnected) redraw({ currentTarget: form }); // nothing changed: no update redraws it
        } catch (err) {
          editing.add(activity.id);
          if (!form.isConnected) throw err; // redrawn meanwhile: the toast says it
          problem.textContent = err.message; // the server's own words, next to what it is about
          problem.hidden = false;
        }
      });
    },
  },
    h("label", { for: id("title") }, S.title_optional),
    title,
    h("label", { for: id("prompt") }, S.text_people_see),
    prompt,
    options ? h("label", { for: id("options") }, S.options_one_per_line) : null,
    options,
    questions ? questions.node : null,
    problem,
    h("div", { class: "card-controls" }, save,
      h("button", { type: "button", class: "button small ghost", onclick: close }, S.cancel)));
  return form;
}

function resultsPart(activity, ctx) {
  const { S } = ctx;
  if (activity.kind === "evaluation" && activity.state === "draft" && !activity.answered) {
    return evaluationQuestions(activity, S);
  }
  if (activity.state === "draft" && !activity.answered) {
    return activity.options.length && activity.kind !== "scale"
      ? h("ol", { class: "draft-options" }, activity.options.map((o, i) => h("li", {}, `${markFor(activity.kind, i)}. ${o}`)))
      : null;
  }
  const parts = [h("p", { class: "answered-line" }, activity.by === "table" // answered by the table: tables count
    ? fmt(S.tables_answered_n, { n: activity.answered, total: ctx.tables.filter((t) => t.seated).length })
    : fmt(activity.kind === "reflection" ? S.posted_n : S.answered_n, { n: activity.answered, total: ctx.participants }))];
  const offScreen = activity.hidden_on_screen || [];
  if (offScreen.length && activity.kind !== "evaluation") {
    const names = tableNames(ctx);
    parts.push(h("p", { class: "off-screen-line muted", title: fmt(S.not_on_screen, { n: ctx.minGroup || 3 }) },
      fmt(S.not_on_screen_tables, { tables: offScreen.map((n) => names.get(n) || String(n)).join(", ") })));
  }
  if (activity.kind === "evaluation") {
    parts.push(h("p", { class: "hint eval-anonymous-note" }, S.evaluation_anonymous_note), evaluationResults(activity, ctx));
  } else if (activity.kind === "reflection") {
    parts.push(postsByTable(activity, ctx));
  } else if (activity.results) {
    if (activity.compare) parts.push(compareLine(activity, ctx)); // an after round
    parts.push(optionBars(activity, activity.results.counts));
    parts.push(details(`${activity.id}:tables`, S.per_table, perTable(activity, ctx)));
    const total = activity.whys_total ?? (activity.whys || []).length;
    if (total) {
      parts.push(details(`${activity.id}:whys`, fmt(S.reasons_n, { n: total }), whys(activity, ctx)));
    }
  }
  return parts;
}

/** An after round: how the room moved since the round before, and the tables that moved most. */
function compareLine(activity, ctx) {
  const { S } = ctx;
  const names = tableNames(ctx);
  const most = (activity.compare.moved_most || []).map((n) => names.get(n) || String(n));
  const room = activity.compare.moved;
  return h("p", { class: "compare-line" },
    room === null || room === undefined ? S.compare_no_before : fmt(S.compare_room_moved, { n: Math.round(100 * room) }),
    most.length ? ` ${fmt(S.compare_most_tables, { tables: most.join(", ") })}` : "");
}

/** The snapshot's newest posts (or whys) with the older ones fetched so far. */
function withOlder(activity, key) {
  const fetched = (older.get(activity.id) || { posts: [], whys: [] })[key];
  const list = [...(activity[key] || [])];
  const ids = new Set(list.map((p) => p.id));
  for (const item of fetched) if (item.id === undefined || !ids.has(item.id)) list.push(item);
  return list;
}

/** "Show older (N more)": fetch the next page and redraw this card's results. */
function olderButton(activity, ctx, shown, total) {
  const more = total - shown;
  if (more <= 0 || !ctx.olderPosts) return null;
  return h("button", {
    type: "button", class: "button small ghost show-older",
    onclick: (e) => ctx.act(e.currentTarget, async () => {
      const box = e.currentTarget.closest(".card-results");
      const page = await ctx.olderPosts(activity.id, shown);
      const fetched = older.get(activity.id) || { posts: [], whys: [] };
      fetched.posts.push(...(page.posts || []));
      fetched.whys.push(...(page.whys || []));
      older.set(activity.id, fetched);
      if (box) { box.dataset.sig = ""; replace(box, resultsPart(activity, ctx)); }
    }),
  }, fmt(ctx.S.show_older, { n: more }));
}

function details(key, summary, body) {
  const el = h("details", { class: "more disclosure", open: openDetails.has(key) }, h("summary", {}, summary), body);
  el.addEventListener("toggle", () => (el.open ? openDetails.add(key) : openDetails.delete(key)));
  return el;
}

function perTable(activity, ctx) {
  const byTable = activity.results.tables || {};
  const rows = ctx.tables.filter((t) => byTable[String(t.number)]);
  if (!rows.length) return h("p", { class: "muted" }, ctx.S.no_answers_yet);
  return h("table", { class: "per-table" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ctx.S.table),
      activity.options.map((_, i) => h("th", { scope: "col" }, markFor(activity.kind, i))),
      h("th", { scope: "col" }, ctx.S.total))),
    h("tbody", {}, rows.map((t) => {
      const counts = byTable[String(t.number)];
      const off = (activity.hidden_on_screen || []).includes(t.number);
      return h("tr", { class: off ? "is-off-screen" : "" },
        h("th", { scope: "row" }, t.name, off ? offBadge(ctx, activity, t.number) : null), counts.map((n) => h("td", {}, String(n))),
        h("td", {}, String(counts.reduce((a, b) => a + b, 0))));
    })));
}

/** Why a table is left off the screen: it is small, or hidden with a small one (so it cannot
 * be subtracted out). */
function offBadge(ctx, activity, table) {
  const k = ctx.minGroup || 3;
  const n = (activity.answered_by_table || {})[String(table)] || 0;
  return h("span", { class: "badge off-screen" }, n < k ? fmt(ctx.S.not_on_screen, { n: k }) : ctx.S.not_on_screen_other);
}

/** The reasons given, one a line at the card's full width: the option's mark, the text, its
 * table, and a "Show on screen" toggle (the screen shows chosen ones after reveal, no names). */
function whys(activity, ctx) {
  const { S } = ctx;
  const names = tableNames(ctx);
  const list = withOlder(activity, "whys");
  const canQuote = !!ctx.quote && list.some((w) => w.id !== undefined && w.id !== null);
  return [
    canQuote ? h("p", { class: "hint whys-hint" }, S.quotes_hint) : null,
    h("ul", { class: "whys" }, list.map((w) => h("li", { class: `why${w.quoted ? " is-quoted" : ""}` },
      h("span", { class: `bar-mark c${w.option}` }, markFor(activity.kind, w.option)),
      h("div", { class: "why-body" },
        h("p", { class: "why-text" }, w.text),
        h("p", { class: "why-table" }, w.table_name || names.get(w.table) || String(w.table))),
      canQuote && w.id !== undefined && w.id !== null ? quoteButton(activity, w, ctx) : null))),
    olderButton(activity, ctx, list.length, activity.whys_total ?? list.length)];
}

function quoteButton(activity, why, ctx) {
  return h("button", {
    type: "button", class: "button small secondary quote-button", "aria-pressed": why.quoted ? "true" : "false",
    onclick: (e) => ctx.act(e.currentTarget, () => (why.quoted
      ? ctx.unquote(activity.id, why.id) : ctx.quote(activity.id, why.id))),
  }, ctx.S.show_on_screen);
}

function tableNames(ctx) {
  return new Map(ctx.tables.map((t) => [t.number, t.name]));
}

function postsByTable(activity, ctx) {
  const { S } = ctx;
  const posts = withOlder(activity, "posts");
  if (!posts.length) return h("p", { class: "muted" }, S.no_posts);
  const offScreen = activity.hidden_on_screen || [];
  const names = tableNames(ctx);
  const groups = new Map();
  for (const p of posts) {
    if (!groups.has(p.table)) groups.set(p.table, []);
    groups.get(p.table).push(p);
  }
  const sorted = [...groups.entries()].sort((a, b) => a[0] - b[0]);
  return [h("div", { class: "post-groups" }, sorted.map(([table, list]) => h("section", { class: "post-group" },
    h("h4", {}, list[0].table_name || names.get(table) || String(table), offScreen.includes(table) ? offBadge(ctx, activity, table) : null),
    h("ul", { class: "posts" }, list.map((p) => postItem(p, ctx)))))),
  olderButton(activity, ctx, posts.length, activity.posts_total ?? posts.length)];
}

function postItem(post, ctx) {
  const { S } = ctx;
  return h("li", { class: post.hidden ? "is-hidden" : "" },
    h("p", { class: "post-text" }, post.text),
    post.hidden ? h("span", { class: "badge" }, S.hidden_badge) : null,
    h("button", {
      type: "button", class: "button small ghost", "aria-pressed": post.hidden ? "true" : "false",
      onclick: (e) => ctx.act(e.currentTarget, () => ctx.setHidden(post.id, !post.hidden)),
    }, post.hidden ? S.show_post : S.hide_post));
}
