// The "add activity" form: options rows follow the kind (2–4 for a dilemma, 2–8 for a poll,
// none for a scale or a reflection), and the segment of the plan it goes into.
import { h, fmt, letter } from "./dom.js";

const LIMITS = { dilemma: [2, 4], poll: [2, 8], scale: [0, 0], reflection: [0, 0], evaluation: [0, 0] };

export function setupForm(form, { S, onSubmit }) {
  const kind = form.elements.kind;
  const rows = form.querySelector("[data-options]");
  const optionsBox = form.querySelector("[data-options-box]");
  const addButton = form.querySelector("[data-add-option]");
  const whyBox = form.querySelector("[data-why-box]");
  const kindHint = form.querySelector("[data-kind-hint]");
  const byBox = form.querySelector("[data-by-box]"); // each person, or the table together

  function optionRow(value = "") {
    const n = rows.children.length + 1;
    const id = `option-${Date.now().toString(36)}-${n}`;
    const input = h("input", { id, class: "input", type: "text", maxlength: "300", value, required: true });
    const row = h("li", { class: "option-row" },
      h("label", { for: id, class: "option-row-label" }, ""),
      input,
      h("button", { type: "button", class: "button small ghost", onclick: () => { row.remove(); sync(); } }, S.remove));
    return row;
  }

  function sync() {
    const [low, high] = LIMITS[kind.value] || [0, 0];
    optionsBox.hidden = high === 0;
    const vote = ["dilemma", "poll", "scale"].includes(kind.value);
    if (byBox) byBox.hidden = !vote;
    const together = vote && form.elements.by && form.elements.by.value === "table";
    whyBox.hidden = kind.value !== "dilemma" || together; // a table answers without a reason
    kindHint.textContent = S[`hint_${kind.value}`] || "";
    while (rows.children.length < low) rows.append(optionRow());
    [...rows.children].forEach((row, i) => {
      row.querySelector("label").textContent = fmt(S.option_n, { n: letter(i) });
      row.querySelector("button").disabled = rows.children.length <= low;
      row.querySelector("input").required = high > 0;
    });
    addButton.disabled = rows.children.length >= high;
    addButton.hidden = high === 0;
  }

  addButton.addEventListener("click", () => {
    rows.append(optionRow());
    sync();
    rows.lastElementChild.querySelector("input").focus();
  });
  kind.addEventListener("change", sync);
  if (byBox) byBox.addEventListener("change", sync);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [, high] = LIMITS[kind.value] || [0, 0];
    const body = {
      kind: kind.value,
      title: form.elements.title.value.trim(),
      prompt: form.elements.prompt.value,
    };
    if (high > 0) body.options = [...rows.querySelectorAll("input")].map((i) => i.value.trim());
    if (kind.value === "dilemma") body.allow_why = form.elements.allow_why.checked;
    if (byBox && !byBox.hidden && form.elements.by.value === "table") body.by = "table";
    const segment = form.elements.segment;
    if (segment && segment.value && !segment.closest("[hidden]")) body.segment = Number(segment.value);
    const submit = form.querySelector("[type=submit]");
    submit.disabled = true;
    try {
      if (await onSubmit(body)) {
        form.elements.title.value = "";
        form.elements.prompt.value = "";
        rows.replaceChildren();
        sync();
      }
    } finally {
      submit.disabled = false;
    }
  });

  sync();
}
