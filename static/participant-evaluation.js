// The day's evaluation on the phone: every question on one page, answered by taps (topics
// as toggles, a scale as five big steps, a choice as big buttons) and one text box, then one
// "Send" that puts a single `evaluation` frame into the outbox, like a vote. Until it closes,
// a participant can change answers and send again (a new frame, a new id).
// What the page shows as chosen is a draft: it follows the server's (or the outbox's) answers
// until the participant touches something, and then stays theirs until they send.
import { h, fmt } from "./dom.js";

const MAX_TEXT = 1000;
const STEPS = 5;
const drafts = {}; // activity id → {answers: {key: value}, dirty: bool}
let live = null; // the newest options, for the click handlers
let shown = null; // {handle, activity} drawn last, to update in place after a tap

const chars = (text) => Array.from(text).length;

/** The answers as they go in a frame: only the answered keys. */
function answered(questions, answers) {
  const out = {};
  for (const q of questions) {
    const value = answers[q.key];
    if (q.kind === "topics") {
      if (Array.isArray(value) && value.length) out[q.key] = value.slice();
    } else if (q.kind === "text") {
      if (typeof value === "string" && value.trim()) out[q.key] = value;
    } else if (value !== undefined && value !== null && value !== "") {
      out[q.key] = value;
    }
  }
  return out;
}

/** What the server holds (or will, once the outbox is sent): the newest frame waiting, else
 * the one acknowledged last on this page, else the welcome's answers. */
function stored(activity, opts) {
  const key = String(activity.id);
  const waiting = opts.pending.filter((f) => f.type === "evaluation" && String(f.activity) === key);
  if (waiting.length) return { answers: waiting[waiting.length - 1].answers || {}, waiting: true };
  const saved = opts.feedback.saved.get(key);
  if (saved && saved.type === "evaluation") return { answers: saved.answers || {}, saved: true };
  const entry = opts.answers[key];
  if (entry && entry.evaluation && typeof entry.evaluation === "object") return { answers: entry.evaluation, saved: true };
  return { answers: {}, saved: false };
}

const same = (questions, a, b) => {
  const norm = (answers) => {
    const out = answered(questions, answers);
    for (const q of questions) if (q.kind === "topics" && out[q.key]) out[q.key] = [...out[q.key]].sort((x, y) => x - y);
    return JSON.stringify(questions.map((q) => out[q.key] ?? null));
  };
  return norm(a) === norm(b);
};

function draftOf(activity, opts) {
  const id = String(activity.id);
  const server = stored(activity, opts).answers;
  let draft = drafts[id];
  if (!draft || !draft.dirty) {
    draft = drafts[id] = { answers: JSON.parse(JSON.stringify(server)), dirty: false };
  }
  return draft;
}

function touch(activity, change) {
  const draft = draftOf(activity, live);
  change(draft.answers);
  draft.dirty = true;
  redraw();
}

/** After a tap or a keystroke: the card updates in place from the draft. */
function redraw() {
  if (shown) refreshEvaluation(shown.handle, shown.activity, live);
}

/** The evaluation's card. Returns {root, refs}; `refreshEvaluation` updates it in place. */
export function buildEvaluation(activity, opts) {
  live = opts;
  const { S } = opts;
  const questions = Array.isArray(activity.questions) ? activity.questions : [];
  const open = activity.state === "open";
  const refs = { evaluation: true, buttons: [], texts: [] };
  refs.feedback = h("p", { class: "feedback", role: "status", "aria-live": "polite" });
  refs.error = h("p", { class: "alert", role: "alert", hidden: true });
  const closing = opts.closing ? h("div", { class: "eval-thanks" },
    h("span", { class: "eval-thanks-mark", "aria-hidden": "true" }, "♥"),
    h("p", { class: "eval-thanks-title" }, S.closing_title)) : null;
  const head = h("div", { class: "question", tabindex: "-1" },
    opts.closing ? null : h("p", { class: "eyebrow" }, S.kind_evaluation),
    h("h1", { class: "activity-title" }, activity.title || activity.prompt),
    activity.title && activity.prompt ? h("p", { class: "prompt" }, activity.prompt) : null,
    open ? h("p", { class: "lead eval-intro" }, S.evaluation_intro) : null,
    h("p", { class: "eval-anonymous" }, S.evaluation_anonymous));
  const root = h("section", { class: `card activity kind-evaluation state-${activity.state}${opts.closing ? " at-closing" : ""}` },
    closing, head);
  if (!open) {
    const banner = activity.state === "revealed" ? S.see_screen : S.evaluation_closed;
    root.append(h("p", { class: "state-banner" }, banner), refs.feedback, refs.error);
    return { root, refs };
  }
  questions.forEach((q, n) => root.append(questionBlock(activity, q, n, S, refs)));
  refs.send = h("button", {
    type: "button", class: "button primary huge eval-send",
    onclick: () => {
      send(activity);
      // What happened ("waiting", "saved") right under the button, on the screen.
      refs.change.scrollIntoView({ block: "nearest" });
    },
  }, S.evaluation_send);
  refs.change = h("p", { class: "hint eval-change" }, S.evaluation_change);
  root.append(h("div", { class: "eval-foot" }, refs.send, refs.feedback, refs.error, refs.change));
  return { root, refs };
}

function questionBlock(activity, q, n, S, refs) {
  const id = `eval-${activity.id}-${q.key}`;
  const title = h("h2", { class: "eval-prompt", id: `${id}-title` }, h("span", { class: "eval-number" }, `${n + 1}.`), " ", q.prompt);
  const box = h("section", { class: `eval-question eval-q-${q.kind}`, "aria-labelledby": `${id}-title`, dataset: { key: q.key } }, title);
  const choices = Array.isArray(q.choices) ? q.choices : [];
  if (q.kind === "topics") {
    box.append(h("p", { class: "hint" }, S.evaluation_topics_hint),
      h("div", { class: "eval-options", role: "group", "aria-labelledby": `${id}-title` }, choices.map((c) => {
        const button = h("button", {
          type: "button", class: "option eval-topic", "aria-pressed": "false",
          onclick: () => touch(activity, (a) => {
            const chosen = Array.isArray(a[q.key]) ? a[q.key] : [];
            a[q.key] = chosen.includes(c.id) ? chosen.filter((x) => x !== c.id) : [...chosen, c.id];
          }),
        }, h("span", { class: "eval-box", "aria-hidden": "true" }), h("span", { class: "option-label" }, c.label));
        refs.buttons.push({ button, key: q.key, value: c.id, many: true });
        return button;
      })));
  } else if (q.kind === "scale") {
    const labels = choices.length === STEPS ? choices.map((c) => c.label) : null;
    const low = labels ? labels[0] : S.evaluation_low;
    const high = labels ? labels[STEPS - 1] : S.evaluation_high;
    const steps = [];
    for (let step = 1; step <= STEPS; step++) {
      const name = step === 1 ? `1 – ${low}` : step === STEPS ? `${STEPS} – ${high}` : String(step);
      const button = h("button", {
        type: "button", class: "option eval-step", "aria-pressed": "false", "aria-label": name,
        onclick: () => touch(activity, (a) => { a[q.key] = step; }),
      }, h("span", { class: "eval-step-number" }, String(step)));
      refs.buttons.push({ button, key: q.key, value: step });
      steps.push(button);
    }
    box.append(h("div", { class: "eval-steps", role: "group", "aria-labelledby": `${id}-title` }, steps),
      h("p", { class: "eval-ends", "aria-hidden": "true" }, h("span", {}, `1 = ${low}`), h("span", {}, `${STEPS} = ${high}`)));
  } else if (q.kind === "choice") {
    box.append(h("div", { class: "eval-options", role: "group", "aria-labelledby": `${id}-title` }, choices.map((c) => {
      const button = h("button", {
        type: "button", class: "option eval-pick", "aria-pressed": "false",
        onclick: () => touch(activity, (a) => { a[q.key] = c.id; }),
      }, h("span", { class: "option-label" }, c.label), h("span", { class: "option-check", "aria-hidden": "true" }, "✓"));
      refs.buttons.push({ button, key: q.key, value: c.id });
      return button;
    })));
  } else {
    const counter = h("p", { class: "counter", id: `${id}-count` });
    const text = h("textarea", {
      id: `${id}-text`, class: "input", rows: "4", maxlength: String(MAX_TEXT), "aria-labelledby": `${id}-title`,
      "aria-describedby": `${id}-count`,
      oninput: () => {
        const draft = draftOf(activity, live);
        draft.answers[q.key] = text.value;
        draft.dirty = true;
        showCounter();
        redraw();
      },
    });
    const showCounter = () => {
      const count = chars(text.value);
      counter.textContent = fmt(S.counter, { n: count, max: MAX_TEXT });
      counter.classList.toggle("is-over", count > MAX_TEXT);
    };
    refs.texts.push({ text, key: q.key, showCounter });
    box.append(h("p", { class: "hint" }, S.evaluation_text_hint), text, counter);
  }
  return box;
}

function send(activity) {
  const questions = Array.isArray(activity.questions) ? activity.questions : [];
  const draft = draftOf(activity, live);
  const answers = answered(questions, draft.answers);
  for (const q of questions) if (q.kind === "text" && answers[q.key] && chars(answers[q.key]) > MAX_TEXT) return;
  draft.dirty = false; // from now on the page follows the frame in the outbox
  live.evaluate(activity, answers);
}

/** Update what is chosen, the Send button and "saved" from the draft and the outbox. */
export function refreshEvaluation(handle, activity, opts) {
  live = opts;
  shown = { handle, activity };
  const { S } = opts;
  const { refs } = handle;
  const questions = Array.isArray(activity.questions) ? activity.questions : [];
  const server = stored(activity, opts);
  const draft = draftOf(activity, opts);
  for (const { button, key, value, many } of refs.buttons) {
    const current = draft.answers[key];
    const chosen = many ? Array.isArray(current) && current.includes(value) : current === value;
    button.setAttribute("aria-pressed", chosen ? "true" : "false");
    button.classList.toggle("is-chosen", chosen);
  }
  for (const { text, key, showCounter } of refs.texts) {
    const value = typeof draft.answers[key] === "string" ? draft.answers[key] : "";
    if (text.value !== value && document.activeElement !== text) text.value = value;
    showCounter();
  }
  const changed = draft.dirty && !same(questions, draft.answers, server.answers);
  const empty = !Object.keys(answered(questions, draft.answers)).length;
  const tooLong = refs.texts.some(({ text }) => chars(text.value) > MAX_TEXT);
  if (refs.send) refs.send.disabled = tooLong || (empty && !server.saved && !server.waiting);
  let text = "";
  let state = "";
  if (server.waiting) { text = S.waiting_send; state = "waiting"; }
  else if (changed && server.saved) { text = S.evaluation_unsent; state = "changed"; }
  else if (server.saved) { text = S.evaluation_saved; state = "saved"; }
  refs.feedback.textContent = text;
  refs.feedback.classList.toggle("is-waiting", state === "waiting" || state === "changed");
  refs.feedback.dataset.state = state;
}
