// The plan's editors in the console: a segment (title, start, minutes, day) and a case's text for this session.
import { h } from "./dom.js";

export function createEditors({ S, act, api, toast, getState, placeMovables }) {
  const editors = new Map(); // "seg:<id>", "new", "case:<id>" → open editor form

  function toggleEditor(key, id) {
    const state = getState();
    if (editors.has(key)) { closeEditor(key); return; }
    let editor;
    if (key === "new") editor = segmentEditor(key, null);
    else if (key.startsWith("seg:")) editor = segmentEditor(key, (state.segments || []).find((s) => s.id === id));
    else editor = caseEditor(key, findCase(id));
    if (!editor) return;
    editors.set(key, editor);
    placeMovables();
    const first = editor.querySelector("input, textarea");
    if (first) first.focus();
  }

  function closeEditor(key) {
    const editor = editors.get(key);
    editors.delete(key);
    if (editor) editor.remove();
  }

  function findCase(id) {
    const state = getState();
    const a = (state.activities || []).find((x) => x.case && x.case.id === id);
    return a ? a.case : null;
  }

  function field(id, label, control, hint) {
    return h("div", { class: "field" }, h("label", { for: id }, label), hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null, control);
  }

  function editorButtons(key, saveLabel) {
    return h("div", { class: "editor-buttons" },
      h("button", { type: "submit", class: "button small primary" }, saveLabel),
      h("button", { type: "button", class: "button small ghost", onclick: () => closeEditor(key) }, S.cancel));
  }

  function segmentEditor(key, seg) {
    const p = `segment-${key.replace(":", "-")}`;
    const title = h("input", { id: `${p}-title`, class: "input", type: "text", maxlength: "200", required: true, value: seg ? seg.title : "" });
    const start = h("input", { id: `${p}-start`, class: "input", type: "time", value: seg ? seg.start : "" });
    const minutes = h("input", { id: `${p}-minutes`, class: "input", type: "number", min: "0", max: "600", step: "5", value: seg ? String(seg.minutes || "") : "" });
    const day = h("input", { id: `${p}-day`, class: "input", type: "number", min: "1", max: "5", value: String(seg ? seg.day || 1 : lastDay()) });
    const form = h("form", { class: "editor segment-editor", novalidate: true },
      h("h4", {}, seg ? S.edit_segment : S.new_segment),
      field(`${p}-title`, S.segment_title, title),
      h("div", { class: "field-row editor-times" },
        field(`${p}-start`, S.segment_start, start),
        field(`${p}-minutes`, S.segment_minutes, minutes),
        field(`${p}-day`, S.segment_day, day)),
      editorButtons(key, seg ? S.save : S.add_segment));
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); closeEditor(key); } });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!title.value.trim()) { toast(S.title_needed); title.focus(); return; }
      const body = {
        title: title.value.trim(),
        start: start.value || "",
        minutes: minutes.value === "" ? 0 : Number(minutes.value),
        day: day.value === "" ? 1 : Number(day.value),
      };
      act(form.querySelector("[type=submit]"), async () => {
        if (seg) await api.updateSegment(seg.id, body);
        else await api.addSegment(body);
        closeEditor(key);
        toast(seg ? S.saved : S.segment_added, "ok");
      });
    });
    return form;
  }

  function lastDay() {
    const state = getState();
    const segs = state ? state.segments || [] : [];
    return segs.length ? segs[segs.length - 1].day || 1 : 1;
  }

  function caseEditor(key, c) {
    if (!c) return null;
    const p = `case-${c.id}`;
    const title = h("input", { id: `${p}-title`, class: "input", type: "text", maxlength: "200", required: true, value: c.title });
    const narrative = h("textarea", { id: `${p}-narrative`, class: "input", rows: "8", maxlength: "4000", value: c.narrative });
    const questions = h("textarea", { id: `${p}-questions`, class: "input", rows: "4", value: (c.questions || []).join("\n"), "aria-describedby": `${p}-questions-hint` });
    const notes = h("textarea", { id: `${p}-notes`, class: "input", rows: "6", maxlength: "4000", value: c.notes || "" });
    const form = h("form", { class: "editor case-editor", novalidate: true },
      h("h4", {}, S.edit_case),
      h("p", { class: "hint" }, S.edit_case_hint),
      field(`${p}-title`, S.case_title, title),
      field(`${p}-narrative`, S.case_story, narrative),
      field(`${p}-questions`, S.table_questions, questions, S.one_per_line),
      field(`${p}-notes`, S.notes_for_you, notes),
      editorButtons(key, S.save));
    form.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); closeEditor(key); } });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!title.value.trim()) { toast(S.title_needed); title.focus(); return; }
      const body = {
        title: title.value.trim(),
        narrative: narrative.value,
        questions: questions.value.split("\n").map((q) => q.trim()).filter(Boolean),
        notes: notes.value,
      };
      act(form.querySelector("[type=submit]"), async () => {
        await api.updateCase(c.id, body);
        closeEditor(key);
        toast(S.saved, "ok");
      });
    });
    return form;
  }

  return { editors, toggleEditor };
}
