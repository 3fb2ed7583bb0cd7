// A question the table answers together (activity.by === "table"): one member taps an answer
// to propose it, the table's phones see the proposal live (the `table` frame's `answer`),
// and another member confirms it with one big button. The confirmed answer is the table's.
// A new proposal replaces it only once someone else confirms that one too.
import { h, replace, fmt, letter, keepFocus } from "./dom.js";
import { excerpt } from "./phone-activity.js";

let latest = null; // the newest options: click handlers read the callbacks from here
const markOf = (activity, i) => (activity.kind === "scale" ? String(i + 1) : letter(i));

/** The table's state for `activity` from the latest `table` frame, or an empty one. */
export function tableAnswer(table, activity) {
  const answer = table && table.answer;
  if (!answer || !activity || answer.activity !== activity.id) return { option: null, proposal: null, confirmed_by: null };
  return answer;
}

/** "Kari", or "Participant 7" for someone without a name. */
function who(person, S) {
  if (!person) return "";
  if (person.name) return person.name;
  return person.number ? fmt(S.participant_n, { n: person.number }) : S.someone;
}

function answerText(activity, option) {
  const label = activity.options[option];
  return label === undefined ? null : { mark: markOf(activity, option), label: excerpt(label) };
}

/** The block under the question while it is open: the options (a tap proposes), the
 * proposal with its confirm button, and the table's answer. */
export function buildTableAnswer(activity, opts, refs) {
  const { S } = opts;
  latest = opts;
  refs.tableAnswer = true;
  refs.options = activity.options.map((label, i) => h("button", {
    type: "button",
    class: `option${activity.kind === "scale" ? " scale-step" : ""}`,
    "aria-pressed": "false",
    onclick: () => latest.propose(activity, i),
  },
  h("span", { class: "option-mark", "aria-hidden": "true" }, markOf(activity, i)),
  h("span", { class: "option-label" }, label),
  h("span", { class: "option-check", "aria-hidden": "true" }, "✓")));
  refs.proposal = h("div", { class: "table-proposal", role: "status", "aria-live": "polite" });
  refs.tableAnswerLine = h("p", { class: "table-answer-line" });
  // The proposal and the answer come below the options: when they appear, nothing moves
  // under a finger.
  return [
    h("p", { class: "table-together" }, S.table_together),
    h("div", { class: "options", role: "group", "aria-label": S.choose_for_table },
      refs.options,
      h("p", { class: "hint" }, S.tap_to_propose)),
    refs.proposal,
    refs.tableAnswerLine,
  ];
}

/** Redraw the proposal and the answer in place (the option buttons stay under the finger). */
export function refreshTableAnswer(refs, activity, opts) {
  const { S } = opts;
  latest = opts;
  const state = tableAnswer(opts.table, activity);
  const me = opts.me;
  const proposal = state.proposal;
  const sending = opts.pending.filter((f) => (f.type === "propose" || f.type === "confirm") && String(f.activity) === String(activity.id));
  refs.options.forEach((button, i) => {
    const chosen = state.option === i;
    button.setAttribute("aria-pressed", chosen ? "true" : "false");
    button.classList.toggle("is-chosen", chosen);
    button.classList.toggle("is-proposed", !!proposal && proposal.option === i);
  });
  const parts = [];
  if (proposal) {
    const answer = answerText(activity, proposal.option);
    const mine = proposal.by && proposal.by.id === me;
    if (answer && mine) {
      parts.push(h("p", { class: "proposal-text" }, fmt(S.you_proposed, answer)),
        h("p", { class: "hint" }, S.wait_for_confirm));
    } else if (answer) {
      const confirming = sending.some((f) => f.type === "confirm");
      parts.push(
        h("p", { class: "proposal-text" }, fmt(S.proposes, { name: who(proposal.by, S), ...answer })),
        h("button", {
          type: "button", class: "button primary huge confirm-proposal", disabled: confirming,
          onclick: () => latest.confirm(activity, proposal.option),
        }, fmt(S.confirm_for_table, answer)),
        h("p", { class: "hint" }, S.or_propose_other));
    }
  } else if (state.option === null) {
    parts.push(h("p", { class: "proposal-text is-empty" }, S.nothing_proposed));
  }
  refs.proposal.dataset.state = proposal ? (proposal.by && proposal.by.id === me ? "mine" : "theirs") : "none";
  keepFocus(refs.proposal, () => replace(refs.proposal, parts), refs.question);
  const answer = state.option === null ? null : answerText(activity, state.option);
  refs.tableAnswerLine.hidden = !answer;
  refs.tableAnswerLine.textContent = answer ? fmt(S.table_answer_is, answer) : "";
  refs.feedback.textContent = sending.length ? S.waiting_send : "";
  refs.feedback.classList.toggle("is-waiting", sending.length > 0);
}

/** After the question closed: the table's answer instead of "Your answer". */
export function tableOwnAnswer(activity, opts) {
  const { S } = opts;
  const state = tableAnswer(opts.table, activity);
  const answer = state.option === null ? null : answerText(activity, state.option);
  if (!answer) return h("p", { class: "muted" }, S.table_no_answer);
  return [h("p", { class: "own-label" }, S.table_answer_label),
    h("p", { class: "own-choice" }, `${answer.mark}. ${activity.options[state.option]}`)];
}
