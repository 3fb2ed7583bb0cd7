// Draws the current activity on the phone. The card is rebuilt only when the activity
// itself changes (id, state, text); answers, "Saved ✓" and posts are updated in place,
// so a live update never wipes what someone is typing or moves the button under a finger.
import { h, replace, fmt, letter } from "./dom.js";

const MAX_TEXT = 1000;
const drafts = { why: {}, post: {} }; // typed but not yet sent, by activity id
let live = null; // the newest options; click handlers read answers and callbacks from here

const chars = (text) => Array.from(text).length; // as a person counts (the server's len)

function signature(a) {
  if (!a) return "none";
  return JSON.stringify([a.id, a.kind, a.state, a.title, a.prompt, a.options, a.allow_why]);
}

/**
 * renderActivity(container, activity, {S, answers, pending, feedback, vote, post, previous})
 * Returns a handle to pass back as `previous` next time.
 */
export function renderActivity(container, activity, opts) {
  live = opts;
  const sig = signature(activity);
  let handle = opts.previous;
  if (!handle || handle.sig !== sig || !container.contains(handle.root)) {
    handle = build(activity, opts);
    handle.sig = sig;
    replace(container, handle.root);
    if (opts.previous) announce(activity ? activity.title || opts.S.new_question : opts.S.waiting_title);
  }
  if (activity) refresh(handle, activity, opts);
  return handle;
}

function announce(text) {
  const region = document.getElementById("announce");
  if (region) region.textContent = text;
}

function build(activity, opts) {
  const { S } = opts;
  if (!activity) {
    return { root: h("section", { class: "card waiting" },
      h("div", { class: "waiting-dot", "aria-hidden": "true" }),
      h("h1", { class: "page-title" }, S.waiting_title),
      h("p", { class: "lead" }, S.waiting_text)) };
  }
  const refs = {};
  const open = activity.state === "open";
  const isVote = activity.kind !== "reflection";
  const root = h("section", { class: `card activity kind-${activity.kind} state-${activity.state}` },
    h("p", { class: "eyebrow" }, S[`kind_${activity.kind}`] || activity.kind),
    activity.title ? h("h1", { class: "activity-title" }, activity.title) : null,
    h("div", { class: "prompt" }, activity.prompt));

  if (open && isVote) root.append(voteButtons(activity, opts, refs));
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
  return h("div", { class: "options", role: "group", "aria-label": S.choose_one },
    h("p", { class: "hint" }, S.tap_to_choose),
    refs.options);
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
