// Glossary terms in the texts people read. The server sends a text with its `marks`: runs
// [[text, term id or null], …] whose concatenation is the text. A run with a term id becomes
// an underlined button; a click (or tap) opens the plain-language explanation without
// leaving the page: a small popover next to the word on the console, a bottom sheet with a
// big close button on the phone. Shared by the console and the phone.
import { h } from "./dom.js";

/**
 * The nodes for a marked text: `runs` when they add up to `text`, else the plain text
 * (old data or no glossary). Term buttons carry `data-term`; setupGlossary handles them.
 */
export function marked(runs, text) {
  const plain = text ?? "";
  if (!Array.isArray(runs) || !runs.length) return plain;
  const joined = runs.map((run) => (Array.isArray(run) ? String(run[0]) : "")).join("");
  if (text !== undefined && text !== null && joined !== text) return plain;
  return runs.map(([part, id]) => (id ? termButton(id, part) : String(part)));
}

/** One term as a button; `label` is the word as it stands in the text. */
export function termButton(id, label, extraClass = "") {
  return h("button", {
    type: "button", class: `term${extraClass ? ` ${extraClass}` : ""}`, dataset: { term: id }, "aria-haspopup": "dialog",
  }, label);
}

/** Term ids used in a list of marked texts, first appearance first. */
export function termIds(...runLists) {
  const seen = [];
  for (const runs of runLists) {
    for (const run of Array.isArray(runs) ? runs : []) {
      if (Array.isArray(run) && run[1] && !seen.includes(run[1])) seen.push(run[1]);
    }
  }
  return seen;
}

/**
 * Listen for clicks on term buttons anywhere in the page.
 * - terms(): the current {term_id: {term, explanation}} map (it changes with the state)
 * - S: strings {close_explanation, term_fallback}
 * - sheet: true on the phone (bottom sheet over a dimmed page), false for a popover
 */
export function setupGlossary({ terms, S, sheet = false }) {
  let panel = null;
  let opener = null;
  let openerText = "";
  let stilled = []; // on the phone, the page behind the sheet: inert while it is open

  function close({ restoreFocus = true } = {}) {
    if (!panel) return;
    panel.remove();
    panel = null;
    document.body.classList.remove("has-term-sheet");
    for (const node of stilled) node.inert = false;
    stilled = [];
    if (restoreFocus) backToOpener();
    if (opener) opener.setAttribute("aria-expanded", "false");
    opener = null;
  }

  /** Focus back on the word that opened the explanation; if a live update redrew it
   * meanwhile, on the same word in the new text, else on the main view. */
  function backToOpener() {
    let target = opener && opener.isConnected ? opener : null;
    if (!target && opener) {
      target = [...document.querySelectorAll("button.term")].find(
        (b) => b.dataset.term === opener.dataset.term && b.textContent === openerText) || null;
    }
    target = target || document.getElementById("view");
    if (target) target.focus({ preventScroll: true });
  }

  function open(button) {
    const id = button.dataset.term;
    const entry = (terms() || {})[id];
    close({ restoreFocus: false });
    opener = button;
    openerText = button.textContent;
    button.setAttribute("aria-expanded", "true");
    const titleId = `term-title-${Date.now().toString(36)}`;
    const word = entry ? entry.term : button.textContent;
    const explanation = entry ? entry.explanation : S.term_fallback || "";
    const closeButton = h("button", {
      type: "button",
      class: sheet ? "button primary huge term-close" : "term-x",
      "aria-label": sheet ? null : S.close_explanation,
      onclick: () => close(),
    }, sheet ? S.close_explanation : "×");
    // On the phone a modal dialog: the page behind it is inert (no focus, not read) until
    // it closes; the console's popover is not modal.
    const card = h("div", { class: sheet ? "term-sheet" : "term-pop", role: "dialog", "aria-labelledby": titleId,
      "aria-describedby": `${titleId}-text`, "aria-modal": sheet ? "true" : null, tabindex: "-1" },
      h("p", { class: "term-word", id: titleId }, word),
      h("p", { class: "term-explanation", id: `${titleId}-text` }, explanation),
      closeButton);
    if (sheet) {
      panel = h("div", { class: "term-backdrop", onclick: (e) => { if (e.target === panel) close(); } }, card);
      stilled = [...document.body.children].filter((node) => !node.inert && node.tagName !== "SCRIPT");
      for (const node of stilled) node.inert = true;
      document.body.append(panel);
      document.body.classList.add("has-term-sheet");
      closeButton.focus({ preventScroll: true });
    } else {
      panel = card;
      document.body.append(card);
      place(card, button);
      card.focus({ preventScroll: true });
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.term") : null;
    if (button) {
      event.preventDefault();
      event.stopPropagation(); // a term never does what its surroundings would do
      if (opener === button && panel) close();
      else open(button);
      return;
    }
    if (panel && !panel.contains(event.target)) close({ restoreFocus: false });
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel) {
      event.preventDefault();
      close();
    } else if (event.key === "Tab" && panel && sheet) {
      // Focus stays in the sheet (for browsers without `inert` too): its one button.
      event.preventDefault();
      const only = panel.querySelector("button");
      if (only) only.focus({ preventScroll: true });
    }
  });
  window.addEventListener("resize", () => { if (panel && !sheet) close({ restoreFocus: false }); });
  return { close, isOpen: () => !!panel };
}

/** Put the popover under the word (above it when there is no room), inside the window. */
function place(card, button) {
  const rect = button.getBoundingClientRect();
  const margin = 8;
  const width = card.offsetWidth;
  const height = card.offsetHeight;
  let left = rect.left + window.scrollX;
  left = Math.min(left, window.scrollX + document.documentElement.clientWidth - width - margin);
  left = Math.max(window.scrollX + margin, left);
  let top = rect.bottom + window.scrollY + 6;
  if (rect.bottom + height + 12 > window.innerHeight && rect.top > height + 12) top = rect.top + window.scrollY - height - 6;
  card.style.left = `${left}px`;
  card.style.top = `${top}px`;
}
