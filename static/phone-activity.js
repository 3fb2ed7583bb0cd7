// Draws the current activity on the phone. The card is rebuilt only when the activity
// itself changes (id, state, text); answers, "Saved ✓" and posts are updated in place,
// so a live update never wipes what someone is typing or moves the button under a finger.
// With a case, the story starts folded under its title (a big "Read the whole case" button)
// so that the question and its answers are on the first screen; unfolded, it ends with a
// "To the question" button. Each activity remembers whether its story is open (store.js).
import { h, replace, fmt, letter, keepFocus, announce } from "./dom.js";
import { marked, termButton, termIds } from "./terms.js";
import { buildEvaluation, refreshEvaluation } from "./participant-evaluation.js";
import { buildTableAnswer, refreshTableAnswer, tableOwnAnswer } from "./participant-table-answer.js";

const MAX_TEXT = 1000;
const QUOTE = 60; // characters of an answer or a post quoted back in "Saved"
const drafts = { why: {}, post: {} }; // typed but not yet sent, by activity id
let live = null; // the newest options; click handlers read answers and callbacks from here

const chars = (text) => Array.from(text).length; // as a person counts (the server's len)

/** The beginning of a text, on one line, cut at a word with "…" when longer than `max`. */
export function excerpt(text, max = QUOTE) {
  const flat = String(text ?? "").replace(/\s+/g, " ").trim();
  if (chars(flat) <= max) return flat;
  const cut = Array.from(flat).slice(0, max).join("");
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?–-]+$/, "")}…`;
}

/** An answer as people saw it: {mark: "B", label: "Raise it now"} (label shortened). */
export function answerOf(activity, option) {
  const label = activity && Array.isArray(activity.options) ? activity.options[option] : undefined;
  if (label === undefined) return null;
  const mark = activity.kind === "scale" ? String(option + 1) : letter(option);
  return { mark, label: excerpt(label) };
}

/** What a frame carried, in a sentence: `saved` (acknowledged) or not saved (refused). */
export function frameText(activity, frame, S, saved) {
  if (frame.type === "post") {
    return saved ? fmt(S.saved_post, { text: excerpt(frame.text) }) : S.not_saved_post;
  }
  if (frame.type === "evaluation") return saved ? S.evaluation_saved : S.not_saved_evaluation;
  const answer = activity && String(activity.id) === String(frame.activity) ? answerOf(activity, frame.option) : null;
  if (!saved) return answer ? fmt(S.not_saved_vote, answer) : S.not_saved_answer;
  if (!answer) return S.saved;
  return fmt(frame.why ? S.saved_vote_why : S.saved_vote, answer);
}

function roomStep(opts) {
  return opts.closed ? "closed" : opts.closing ? "closing" : "";
}

function signature(a, opts) {
  if (!a) return JSON.stringify(["none", roomStep(opts), opts.segment ? opts.segment.title : null]);
  return JSON.stringify([a.id, a.kind, a.state, a.title, a.prompt, a.options, a.allow_why, a.case || null, a.marks || null, a.language || null,
    a.questions || null, a.kind === "evaluation" ? roomStep(opts) : ""]);
}

/**
 * renderActivity(container, activity, {S, segment, closing, closed, answers, pending, feedback,
 *   vote, post, storyOpen, setStoryOpen, previous})
 * Once the session is closed no activity is drawn: no answer can be given any more.
 * Returns a handle to pass back as `previous` next time.
 */
export function renderActivity(container, activity, opts) {
  live = opts;
  // At the closing an evaluation not opened yet is no question: the thank-you shows instead.
  const unopened = !!activity && activity.kind === "evaluation" && activity.state === "draft" && opts.closing;
  const shown = opts.closed || unopened ? null : activity;
  const sig = signature(shown, opts);
  let handle = opts.previous;
  if (!handle || handle.sig !== sig || !container.contains(handle.root)) {
    const before = opts.previous && opts.previous.activityId;
    const fresh = (shown ? shown.id : null) !== before;
    const built = build(shown, opts);
    built.sig = sig;
    built.activityId = shown ? shown.id : null;
    // Focus stays where the reader was; when that is gone, it goes to the question itself.
    keepFocus(container, () => replace(container, built.root), built.refs.question || container);
    handle = built;
    if (opts.previous && fresh) {
      const { S } = opts;
      announce(shown ? `${S.new_question}: ${shown.title || shown.prompt}` : waitingTitle(opts));
    }
  }
  if (shown && handle.refs.evaluation) refreshEvaluation(handle, shown, opts);
  else if (shown) refresh(handle, shown, opts);
  else showError(handle.refs, opts);
  return handle;
}

function waitingTitle(opts) {
  const { S } = opts;
  if (opts.closed) return S.closed_title;
  if (opts.closing) return S.closing_title;
  return opts.segment ? fmt(S.now_title, { title: opts.segment.title }) : S.waiting_title;
}

/** No activity: the room's end (closed, or the closing step), a segment, or waiting. */
function buildWaiting(opts) {
  const { S } = opts;
  const refs = { error: h("p", { class: "alert", role: "alert", hidden: true }) };
  const step = roomStep(opts);
  if (step) {
    return { refs, root: h("section", { class: `card room-end ${step}-view` },
      h("p", { class: "room-end-mark", "aria-hidden": "true" }, step === "closed" ? "✓" : "♥"),
      h("h1", { class: "page-title" }, waitingTitle(opts)),
      h("p", { class: "lead" }, step === "closed" ? S.closed_text : S.closing_text),
      refs.error) };
  }
  return { refs, root: h("section", { class: `card waiting${opts.segment ? " segment-now" : ""}` },
    h("div", { class: "waiting-dot", "aria-hidden": "true" }),
    h("h1", { class: "page-title" }, waitingTitle(opts)),
    h("p", { class: "lead" }, opts.segment ? S.segment_text : S.waiting_text),
    refs.error) };
}

function showError(refs, opts) {
  if (!refs || !refs.error) return;
  refs.error.hidden = !opts.feedback.error;
  refs.error.textContent = opts.feedback.error;
}

function build(activity, opts) {
  const { S } = opts;
  if (!activity) return buildWaiting(opts);
  if (activity.kind === "evaluation") return buildEvaluation(activity, opts);
  const refs = {};
  const open = activity.state === "open";
  const isVote = activity.kind !== "reflection";
  const marks = activity.marks || {};
  const fromCase = activity.case ? caseBlock(activity, opts, refs) : null;
  const other = otherLanguage(activity.language); // its texts, when not in the phone's language
  const title = activity.title ? h(fromCase ? "h2" : "h1", { class: "activity-title", lang: other }, marked(marks.title, activity.title)) : null;
  const prompt = h("div", { class: "prompt", lang: other }, marked(marks.prompt, activity.prompt));
  // Said once: under the case when it is in the same language, else here.
  const note = activity.case && activity.case.language === activity.language ? null : languageNote(other, S);
  // Where "To the question" lands (and screen readers with it).
  // Under a case the kind ("Dilemma") gives way, so that the answers fit on the first screen.
  const kind = fromCase ? null : h("p", { class: "eyebrow" }, S[`kind_${activity.kind}`] || activity.kind);
  refs.question = h("div", { class: "question", tabindex: "-1" }, kind, title, note, prompt);
  const root = h("section", { class: `card activity kind-${activity.kind} state-${activity.state}${fromCase ? " has-case" : ""}` },
    fromCase, refs.question);

  // "Saved" (and a refusal) right under what was tapped, before the why box and the words.
  refs.feedback = h("p", { class: "feedback", role: "status", "aria-live": "polite" });
  refs.error = h("p", { class: "alert", role: "alert", hidden: true });
  if (open && isVote && activity.by === "table") { // the table answers together
    root.append(...buildTableAnswer(activity, opts, refs), refs.feedback, refs.error);
  } else if (open && isVote) {
    const [options, words] = voteButtons(activity, opts, refs);
    root.append(options, refs.feedback, refs.error);
    if (words) root.append(words);
    if (activity.kind === "dilemma" && activity.allow_why) root.append(whyBox(activity, opts, refs));
  }
  if (open && !isVote) root.append(postBox(activity, opts, refs), refs.feedback, refs.error);
  if (!open) {
    const closedText = activity.state === "revealed" ? S.see_screen : isVote ? S.voting_closed : S.posting_closed;
    root.append(h("p", { class: "state-banner" }, closedText), refs.feedback, refs.error);
  }
  if (isVote && !open) root.append(refs.own = h("div", { class: "own-answer" }));
  if (!isVote) {
    root.append(h("h2", { class: "section-title" }, S.your_posts), refs.posts = h("ul", { class: "own-posts" }));
  }
  return { root, refs };
}

/** The case above its question: its title, then the story and the questions for the table
 * behind one big button (folded at first, so the question and its answers are on the first
 * screen). Unfolded, the case ends with "To the question", which folds it again and brings
 * the question up. */
function caseBlock(activity, opts, refs) {
  const { S } = opts;
  const c = activity.case;
  const marks = c.marks || {};
  const narrative = (c.narrative || "").trim() ? c.narrative : "";
  const questions = c.questions || [];
  const other = otherLanguage(c.language);
  const head = [h("p", { class: "eyebrow" }, S.case_label),
    h("h1", { class: "case-title", lang: other }, marked(marks.title, c.title)), languageNote(other, S)];
  if (!narrative && !questions.length) return h("div", { class: "case-block" }, head);

  const bodyId = `case-body-${activity.id}`;
  const toggle = h("button", { type: "button", class: "button secondary case-toggle", "aria-controls": bodyId });
  const body = h("div", { class: "case-body", id: bodyId, lang: other },
    narrative ? h("div", { class: "case-story" }, marked(marks.narrative, narrative)) : null,
    questions.length ? h("div", { class: "case-talk" },
      h("h2", { class: "case-talk-title" }, S.table_questions),
      h("ol", { class: "case-questions" }, questions.map((q, i) => h("li", {}, marked((marks.questions || [])[i], q))))) : null,
    h("button", { type: "button", class: "button primary huge to-question", onclick: () => { setOpen(false); toQuestion(refs); } }, S.to_question));

  function setOpen(open, remember = true) {
    body.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? S.hide_case : S.read_case;
    if (remember && live.setStoryOpen) live.setStoryOpen(activity.id, open);
  }
  toggle.addEventListener("click", () => setOpen(body.hidden));
  setOpen(!!(opts.storyOpen && opts.storyOpen(activity.id)), false);
  return h("div", { class: "case-block" }, head, toggle, body);
}

/** The language a text is in when it is not the page's own (a case not written in the
 * phone's language falls back to the session's copy), for its `lang`; else null. */
function otherLanguage(language) {
  return language && language !== document.documentElement.lang ? language : null;
}

/** "This text is only in bokmål." under a text that is not in the phone's language. */
function languageNote(language, S) {
  if (!language) return null;
  const name = S[`language_${language}`] || language;
  return h("p", { class: "language-note" }, fmt(S.only_in, { language: name }));
}

/** Bring the question and its answers into view, and put a screen reader there. */
function toQuestion(refs) {
  const target = refs.question;
  if (!target) return;
  const calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const behavior = calm ? "auto" : "smooth";
  // With the story folded, the page's top often holds the question and every answer: go
  // there, with the case's title in sight. Else bring the question to the top.
  const last = refs.options && refs.options.length ? refs.options[refs.options.length - 1] : target;
  if (last.getBoundingClientRect().bottom + window.scrollY <= window.innerHeight) window.scrollTo({ top: 0, behavior });
  else target.scrollIntoView({ block: "start", behavior });
  target.focus({ preventScroll: true });
}

/**
 * Glossary words that occur in the answers, as buttons of their own under the answers (so
 * the answers stay on the first screen). A term inside an answer button would put a small
 * target inside a big one: a tap a little off (or a screen reader, which reads a button in a
 * button as one) would cast a vote instead of explaining the word. Here a tap can only ever
 * explain.
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
  h("span", { class: "option-label", lang: scale ? null : otherLanguage(activity.language) }, label),
  h("span", { class: "option-check", "aria-hidden": "true" }, "✓")));
  // The hint under the answers: above them it would push the last answer off the first screen.
  return [h("div", { class: "options", role: "group", "aria-label": S.choose_one },
    refs.options,
    h("p", { class: "hint" }, S.tap_to_choose)), answerTerms(activity, S)];
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
  if (refs.tableAnswer) { refreshTableAnswer(refs, activity, opts); showError(refs, opts); return; }
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
  if (refs.own) replace(refs.own, activity.by === "table" ? tableOwnAnswer(activity, opts) : ownAnswer(activity, vote, S));
  if (refs.posts) {
    const posts = entry.posts || [];
    replace(refs.posts, posts.length
      ? posts.map((p) => h("li", { class: p.pending ? "is-pending" : "" },
        h("span", { class: "post-text" }, p.text),
        p.pending ? h("span", { class: "post-status" }, S.waiting_send) : null))
      : h("li", { class: "empty" }, S.no_posts));
  }
  // "Saved" only once the server acknowledged it, and saying what: the frame it acknowledged
  // last, or (after a reload) the vote the server's welcome confirmed.
  const waiting = opts.pending.some((f) => f.type !== "seat" && String(f.activity) === key);
  let saved = "";
  if (!waiting && activity.state === "open") {
    const frame = opts.feedback.saved.get(key);
    if (frame) saved = frameText(activity, frame, S, true);
    else if (vote && !vote.pending) saved = frameText(activity, { type: "vote", activity: activity.id, ...vote }, S, true);
  }
  refs.feedback.textContent = waiting ? S.waiting_send : saved;
  refs.feedback.classList.toggle("is-waiting", waiting);
  showError(refs, opts);
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
