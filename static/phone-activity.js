// Draws the current activity on the phone. The card is rebuilt only when the activity
// itself changes (id, state, text); answers, "Saved ✓" and posts are updated in place,
// so a live update never wipes what someone is typing or moves the button under a finger.
import { h, replace, fmt, letter } from "./dom.js";
import { marked, termButton, termIds } from "./terms.js";

const MAX_TEXT = 1000;
const drafts = { why: {}, post: {} }; // typed but not yet sent, by activity id
let live = null; // the newest options; click handlers read answers and callbacks from here
const closedStories = new Set(); // cases whose story this person folded away
const LONG_STORY = 500; // characters: a longer story can be folded away (it starts open)

const chars = (text) => Array.from(text).length; // as a person counts (the server's len)

function signature(a, segment) {
  if (!a) return JSON.stringify(["none", segment ? segment.title : null]);
  return JSON.stringify([a.id, a.kind, a.state, a.title, a.prompt, a.options, a.allow_why, a.case || null, a.marks || null]);
}

/**
 * renderActivity(container, activity, {S, segment, answers, pending, feedback, vote, post, previous})
 * Returns a handle to pass back as `previous` next time.
 */
export function renderActivity(container, activity, opts) {
  live = opts;
  const sig = signature(activity, opts.segment);
  let handle = opts.previous;
  if (!handle || handle.sig !== sig || !container.contains(handle.root)) {
    handle = build(activity, opts);
    handle.sig = sig;
    replace(container, handle.root);
    if (opts.previous) announce(activity ? activity.title || opts.S.new_question : waitingTitle(opts));
  }
  if (activity) refresh(handle, activity, opts);
  return handle;
}

function announce(text) {
  const region = document.getElementById("announce");
  if (region) region.textContent = text;
}

const waitingTitle = (opts) => (opts.segment ? fmt(opts.S.now_title, { title: opts.segment.title }) : opts.S.waiting_title);

function build(activity, opts) {
  const { S } = opts;
  if (!activity) {
    return { root: h("section", { class: `card waiting${opts.segment ? " segment-now" : ""}` },
      h("div", { class: "waiting-dot", "aria-hidden": "true" }),
      h("h1", { class: "page-title" }, waitingTitle(opts)),
      h("p", { class: "lead" }, opts.segment ? S.segment_text : S.waiting_text)) };
  }
  const refs = {};
  const open = activity.state === "open";
  const isVote = activity.kind !== "reflection";
  const marks = activity.marks || {};
  const fromCase = activity.case ? caseBlock(activity.case, S) : null;
  const root = h("section", { class: `card activity kind-${activity.kind} state-${activity.state}${fromCase ? " has-case" : ""}` },
    fromCase,
    h("p", { class: "eyebrow" }, S[`kind_${activity.kind}`] || activity.kind),
    activity.title ? h(fromCase ? "h2" : "h1", { class: "activity-title" }, marked(marks.title, activity.title)) : null,
    h("div", { class: "prompt" }, marked(marks.prompt, activity.prompt)));

  if (open && isVote) root.append(...voteButtons(activity, opts, refs).filter(Boolean));
  if (open && isVote && activity.kind === "dilemma" && activity.allow_why) root.append(whyBox(activity, opts, refs));
  if (open && !isVote) root.append(postBox(activity, opts, refs));
  if (!open) {
    const closedText = activity.state === "revealed" ? S.see_screen : isVote ? S.voting_closed : S.posting_closed;
    root.append(h("p", { class: "state-banner" }, closedText));
  }
  refs.feedback = h("p", { class: "feedback", role: "status", "aria-live": "polite" });
  refs.error = h("p", { class: "alert", role: "alert", hidden: true });
  root.append(refs.feedback, refs.error);
  if (isVote && !open) root.append(refs.own = h("div", { class: "own-answer" }));
  if (!isVote) {
    root.append(h("h2", { class: "section-title" }, S.your_posts), refs.posts = h("ul", { class: "own-posts" }));
  }
  return { root, refs };
}

/** The case above its question: title, the story (foldable when long, open at first) and the
 * questions for the table. */
function caseBlock(c, S) {
  const marks = c.marks || {};
  const narrative = c.narrative || "";
  let story = narrative.trim() ? h("div", { class: "case-story" }, marked(marks.narrative, narrative)) : null;
  if (story && narrative.length > LONG_STORY) {
    const fold = h("details", { class: "case-fold disclosure", open: !closedStories.has(c.id) }, h("summary", {}, S.story), story);
    fold.addEventListener("toggle", () => (fold.open ? closedStories.delete(c.id) : closedStories.add(c.id)));
    story = fold;
  }
  const questions = c.questions || [];
  return h("div", { class: "case-block" },
    h("p", { class: "eyebrow" }, S.case_label),
    h("h1", { class: "case-title" }, marked(marks.title, c.title)),
    story,
    questions.length ? h("div", { class: "case-talk" },
      h("h2", { class: "case-talk-title" }, S.table_questions),
      h("ol", { class: "case-questions" }, questions.map((q, i) => h("li", {}, marked((marks.questions || [])[i], q))))) : null);
}

/**
 * Glossary words that occur in the answers, as buttons of their own above the answers. A
 * term inside an answer button would put a small target inside a big one: a tap a little
 * off (or a screen reader, which reads a button in a button as one) would cast a vote
 * instead of explaining the word. Here a tap can only ever explain.
 */
function answerTerms(activity, S) {
  const runs = (activity.marks && activity.marks.options) || [];
  const ids = termIds(...runs);
  if (!ids.length) return null;
  const label = (id) => {
    for (const option of runs) for (const [text, term] of option) if (term === id) return text;
    return id;
  };
  return h("div", { class: "answer-terms" },
    h("p", { class: "answer-terms-hint" }, S.words_in_answers),
    h("div", { class: "answer-terms-row" }, ids.map((id) => termButton(id, label(id), "chip"))));
}

function voteButtons(activity, opts, refs) {
  const { S } = opts;
  const scale = activity.kind === "scale";
  refs.options = activity.options.map((label, i) => h("button", {
    type: "button",
    class: `option${scale ? " scale-step" : ""}`,
    "aria-pressed": "false",
    onclick: () => {
      const why = drafts.why[activity.id] ?? currentWhy(live, activity);
      live.vote(activity, i, why.trim() ? why : "");
    },
  },
  h("span", { class: "option-mark", "aria-hidden": "true" }, scale ? String(i + 1) : letter(i)),
  h("span", { class: "option-label" }, label),
  h("span", { class: "option-check", "aria-hidden": "true" }, "✓")));
  return [answerTerms(activity, S), h("div", { class: "options", role: "group", "aria-label": S.choose_one },
    h("p", { class: "hint" }, S.tap_to_choose),
    refs.options)];
}

function currentWhy(opts, activity) {
  const entry = opts.answers[String(activity.id)];
  return (entry && entry.vote && entry.vote.why) || "";
}

function whyBox(activity, opts, refs) {
  const { S } = opts;
  const id = `why-${activity.id}`;
  refs.whyText = h("textarea", {
    id, class: "input", rows: "3", maxlength: String(MAX_TEXT),
    oninput: () => { drafts.why[activity.id] = refs.whyText.value; },
  });
  const send = h("button", {
    type: "button", class: "button secondary",
    onclick: () => {
      const entry = live.answers[String(activity.id)];
      if (!entry || !entry.vote) return;
      const why = refs.whyText.value;
      live.vote(activity, entry.vote.option, why.trim() ? why : "");
      delete drafts.why[activity.id];
    },
  }, S.send);
  refs.why = h("div", { class: "why", hidden: true },
    h("label", { for: id }, S.why_label),
    h("p", { class: "hint" }, S.why_hint),
    refs.whyText, send);
  return refs.why;
}

function postBox(activity, opts, refs) {
  const { S } = opts;
  const id = `post-${activity.id}`;
  const counter = h("p", { class: "counter", id: `${id}-count` });
  const text = h("textarea", {
    id, class: "input", rows: "5", maxlength: String(MAX_TEXT), "aria-describedby": `${id}-count`,
    value: drafts.post[activity.id] || "",
  });
  const button = h("button", { type: "submit", class: "button primary" }, S.post);
  const update = () => {
    drafts.post[activity.id] = text.value;
    const n = chars(text.value);
    counter.textContent = fmt(S.counter, { n, max: MAX_TEXT });
    counter.classList.toggle("is-over", n > MAX_TEXT);
    button.disabled = !text.value.trim() || n > MAX_TEXT;
  };
  text.addEventListener("input", update);
  update();
  return h("form", {
    class: "post-box",
    onsubmit: (event) => {
      event.preventDefault();
      if (!text.value.trim() || chars(text.value) > MAX_TEXT) return;
      live.post(activity, text.value); // kept exactly as written
      text.value = "";
      update();
    },
  }, h("label", { for: id }, S.post_label), h("p", { class: "hint" }, S.post_hint), text, counter, button);
}

function refresh(handle, activity, opts) {
  const { S } = opts;
  const { refs } = handle;
  const key = String(activity.id);
  const entry = opts.answers[key] || { vote: null, posts: [] };
  const vote = entry.vote;

  if (refs.options) {
    refs.options.forEach((button, i) => {
      const chosen = !!vote && vote.option === i;
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      button.classList.toggle("is-chosen", chosen);
    });
  }
  if (refs.why) {
    refs.why.hidden = !vote;
    if (vote && drafts.why[activity.id] === undefined && document.activeElement !== refs.whyText) {
      refs.whyText.value = vote.why || "";
    }
  }
  if (refs.own) replace(refs.own, ownAnswer(activity, vote, S));
  if (refs.posts) {
    const posts = entry.posts || [];
    replace(refs.posts, posts.length
      ? posts.map((p) => h("li", { class: p.pending ? "is-pending" : "" },
        h("span", { class: "post-text" }, p.text),
        p.pending ? h("span", { class: "post-status" }, S.waiting_send) : null))
      : h("li", { class: "empty" }, S.no_posts));
  }
  const waiting = opts.pending.some((f) => String(f.activity) === key);
  const saved = activity.state === "open" && opts.feedback.saved.has(key);
  refs.feedback.textContent = waiting ? S.waiting_send : saved ? S.saved : "";
  refs.feedback.classList.toggle("is-waiting", waiting);
  refs.error.hidden = !opts.feedback.error;
  refs.error.textContent = opts.feedback.error;
}

function ownAnswer(activity, vote, S) {
  if (!vote || !activity.options[vote.option]) return h("p", { class: "muted" }, S.no_answer);
  const mark = activity.kind === "scale" ? String(vote.option + 1) : letter(vote.option);
  return [
    h("p", { class: "own-label" }, S.your_answer),
    h("p", { class: "own-choice" }, `${mark}. ${activity.options[vote.option]}`),
    vote.why ? h("p", { class: "own-why" }, vote.why) : null,
  ];
}
