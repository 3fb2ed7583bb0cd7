// A case in the console's plan: its title, text, table questions, notes and law, as the facilitator reads them.
import { h } from "./dom.js";
import { marked } from "./terms.js";

const openDetails = new Set(); // "case:<id>:text" / "case:<id>:notes" the facilitator opened

export function createCaseHead({ S, toggleEditor }) {
  function caseHead(c) {
    const marks = c.marks || {};
    const questions = c.questions || [];
    return [
      h("p", { class: "case-eyebrow" }, c.source ? S.case_from_library : S.case_label),
      h("h4", { class: "case-title" }, c.title),
      details(`case:${c.id}:text`, S.case_text,
        c.narrative ? h("div", { class: "case-narrative" }, marked(marks.narrative, c.narrative)) : null,
        questions.length ? h("div", { class: "case-questions" },
          h("p", { class: "case-questions-title" }, S.table_questions),
          h("ol", {}, questions.map((q, i) => h("li", {}, marked((marks.questions || [])[i], q))))) : null),
      c.notes ? details(`case:${c.id}:notes`, S.notes_for_you, h("div", { class: "case-notes" }, c.notes)) : null,
      lawBlock(c),
      h("button", { type: "button", class: "button small ghost", onclick: () => toggleEditor(`case:${c.id}`, c.id) }, S.edit_case),
    ];
  }

  /** "What the law says": each paragraph reference in bold with its text (for the facilitator;
   * the screen shows it after reveal when the facilitator turns it on). */
  function lawBlock(c) {
    const law = (c.law || []).filter((l) => l && (l.ref || l.text));
    if (!law.length) return null;
    return h("section", { class: "case-law", "aria-label": S.law_title },
      h("p", { class: "case-law-title" }, S.law_title),
      h("ul", { class: "case-law-list" }, law.map((l) => h("li", {},
        l.ref ? h("strong", { class: "law-ref" }, l.ref) : null, l.ref && l.text ? " " : null,
        l.text ? h("span", { class: "law-text" }, l.text) : null))));
  }

  function details(key, summary, ...body) {
    const el = h("details", { class: "more disclosure", open: openDetails.has(key) }, h("summary", {}, summary), body);
    el.addEventListener("toggle", () => (el.open ? openDetails.add(key) : openDetails.delete(key)));
    return el;
  }

  return caseHead;
}
