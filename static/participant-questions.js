// The join questions (docs/seating.md), asked one at a time before the phone is seated:
// big buttons, one tap an answer, and a way to skip. The answers help mix the tables.
import { h, replace, fmt } from "./dom.js";

/**
 * Ask `questions` ([{id, prompt, options}]) in `container`; `onDone(answers)` gets
 * {"<question id>": option index} for the questions answered (skipped ones are left out).
 */
export function askQuestions(container, questions, S, onDone, problem = null) {
  const answers = {};
  let step = 0;

  function draw() {
    if (step >= questions.length) { onDone(answers); return; }
    const q = questions[step];
    const titleId = `join-question-${q.id}`;
    replace(container,
      h("section", { class: "card join join-questions", "aria-labelledby": titleId },
        h("p", { class: "eyebrow join-question-step" }, fmt(S.question_step, { n: step + 1, of: questions.length })),
        step === 0 ? h("p", { class: "lead" }, S.questions_intro) : null,
        problem,
        h("h2", { class: "step-title join-question-prompt", id: titleId }, q.prompt),
        h("div", { class: "join-question-options", role: "group", "aria-labelledby": titleId },
          q.options.map((label, index) => h("button", {
            type: "button",
            class: "button secondary huge join-question-option",
            dataset: { option: String(index) },
            onclick: () => { answers[String(q.id)] = index; step += 1; draw(); },
          }, label))),
        h("button", {
          type: "button",
          class: "button link join-question-skip",
          onclick: () => { step += 1; draw(); },
        }, S.question_skip)));
    const first = container.querySelector(".join-question-option");
    if (first) first.focus({ preventScroll: true });
  }

  draw();
}
