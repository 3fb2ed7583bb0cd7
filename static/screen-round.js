// The round of the tables on the screen: the table speaking now in big letters, who speaks for
// it, its answer (the table's own answer, or its members' answers per option when enough of
// them answered), its shared notes (or "not shown" when the facilitator keeps them off the
// screen: they are not even sent), and which table is next. The speaking time is the
// session's timer in the rail. State: `state.round` (workshop/table_talk.py round_view).
import { h, fmt, letter } from "./dom.js";
import { S } from "./screen-common.js";
import { named } from "./screen-marks.js";

const markOf = (kind, i) => (kind === "scale" ? String(i + 1) : letter(i));

function personName(person) {
  if (!person) return "";
  if (person.name) return person.name;
  return person.number ? fmt(S.participant_n, { n: person.number }) : S.someone;
}

function answerBlock(round) {
  const activity = round.activity;
  if (!activity || !activity.options) return null;
  const label = (i) => activity.options[i] ?? String(i + 1);
  if (round.answer !== null && round.answer !== undefined) {
    return h("section", { class: "round-answer" },
      h("h2", {}, S.round_table_answer),
      h("p", { class: "round-table-answer" }, `${markOf(activity.kind, round.answer)}  ${label(round.answer)}`));
  }
  const votes = round.votes;
  if (!votes) return null;
  if (!votes.shown) {
    return h("section", { class: "round-answer" },
      h("h2", {}, S.round_votes_title),
      h("p", { class: "muted" }, votes.total ? S.round_few : S.no_answers_yet));
  }
  const most = Math.max(...votes.counts);
  return h("section", { class: "round-answer" },
    h("h2", {}, S.round_votes_title),
    h("ol", { class: "round-options" }, votes.counts.map((n, i) =>
      h("li", { class: n === most && n > 0 ? "is-answer" : "" },
        h("span", { class: `round-mark c${i}` }, markOf(activity.kind, i)),
        h("span", { class: "option-text" }, label(i)),
        h("span", { class: "round-count-n" }, String(n))))));
}

export function roundView(state) {
  const round = state.round;
  const activity = round.activity;
  return h("section", { class: "round-view", dataset: { table: String(round.table.number) } },
    h("header", { class: "round-head" },
      h("div", {},
        h("h1", { class: "round-table" }, named(round.table.number, round.table.name)),
        round.spokesperson ? h("p", { class: "round-speaker" }, fmt(S.round_speaks, { name: personName(round.spokesperson) })) : null,
        activity ? h("p", { class: "round-prompt" }, activity.title || activity.prompt) : null),
      h("p", { class: "round-count" }, fmt(S.round_of, { n: round.position, total: round.total }))),
    answerBlock(round) || h("div", {}),
    h("section", { class: "round-notes" },
      h("h2", {}, S.round_notes_title),
      // Long notes shrink to fit the box (fit.js), so nothing the table wrote is cut off.
      round.notes_hidden ? h("p", { class: "muted round-notes-hidden" }, S.round_notes_hidden)
        : round.notes ? h("p", { class: "round-notes-text fit", dataset: { fitMin: "0.45" } }, round.notes)
          : h("p", { class: "muted" }, S.round_no_notes)),
    h("p", { class: "round-next" }, round.next
      ? [S.round_next_label, " ", h("strong", {}, named(round.next.number, round.next.name))]
      : S.round_last));
}
