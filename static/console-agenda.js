// The day's plan in the console: segments in order with their planned times, the cases and
// activities in each (with the live activity cards), and the tools to shape the plan: move,
// (each day with its planned start and a "Start now": from then the times follow the clock),
// edit, delete, add a case from the library, write your own, edit a case's text for this
// session. Nodes are kept by id and moved, never rebuilt wholesale, so an open editor, a
// half-typed text or a focused button survives the votes streaming in.
import { h, patch, replace, fmt, arrange } from "./dom.js";
import { activityCard, titleOf } from "./console-activity.js";
import { marked } from "./terms.js";
import { planRange, formatClock } from "./schedule.js";
import { createPicker } from "./console-library.js";

const openDetails = new Set(); // "case:<id>:text" / "case:<id>:notes" the facilitator opened

/** Epoch seconds → "HH:MM" local time. */
function clockOf(epoch) {
  const d = new Date(epoch * 1000);
  return formatClock(d.getHours() * 60 + d.getMinutes());
}

export function createAgenda({ S, act, api, toast, lang, cardContext, form }) {
  const list = document.getElementById("agenda");
  const empty = document.getElementById("agenda-empty");
  const loose = document.getElementById("loose");
  const looseBox = document.getElementById("loose-box");
  const formHome = document.getElementById("form-home");
  const segmentSelect = form.elements.segment;
  const formClose = form.querySelector("[data-form-close]");
  const newSegmentSlot = document.getElementById("new-segment-slot");

  const segments = new Map(); // id → {root, head, editorSlot, items, foot, pickerSlot, formSlot}
  const blocks = new Map(); // "<case id>:<first activity id>" → case block
  const rows = new Map(); // activity id → {root, up, down, card}
  const editors = new Map(); // "seg:<id>", "new", "case:<id>" → open editor form
  const days = new Map(); // day → {root, title, start, status, button}: its planned start and "Start now"
  let state = null;
  let formFor = null; // the segment the "write your own" form is open in, or null (at the bottom)

  const picker = createPicker({
    S, api, act, toast, lang,
    used: () => new Set((state ? state.activities : []).filter((a) => a.case).map((a) => a.case.source)),
    onClose: (segmentId) => {
      syncExpanded();
      const seg = segments.get(segmentId);
      if (seg) seg.addCase.focus({ preventScroll: true });
    },
  });

  formClose.addEventListener("click", () => closeForm(true));
  document.getElementById("add-segment").addEventListener("click", () => toggleEditor("new", null));

  /* ---------- drawing ---------- */

  function draw(s) {
    state = s;
    const byId = new Map((s.activities || []).map((a) => [a.id, a]));
    const segs = s.segments || [];
    const currentIndex = segs.findIndex((seg) => seg.id === s.current_segment);
    const manyDays = new Set(segs.map((seg) => seg.day || 1)).size > 1;
    const ctx = cardContext(s);

    const nodes = [];
    let lastDay = null;
    segs.forEach((seg, i) => {
      const day = seg.day || 1;
      if (day !== lastDay) {
        lastDay = day;
        nodes.push(drawDay(day, manyDays, segs));
      }
      nodes.push(drawSegment(seg, i, segs.length, currentIndex, byId, ctx));
    });
    arrange(list, nodes);
    for (const id of [...segments.keys()]) if (!segs.some((seg) => seg.id === id)) segments.delete(id);

    const planned = new Set(segs.flatMap((seg) => seg.activities));
    const outside = (s.activities || []).filter((a) => !planned.has(a.id));
    arrange(loose, outside.map((a, i) => drawRow(a, i, outside.length, ctx)));
    looseBox.hidden = outside.length === 0;
    looseBox.classList.toggle("no-plan", segs.length === 0);
    empty.hidden = segs.length > 0 || outside.length > 0;

    for (const id of [...rows.keys()]) if (!byId.has(id)) rows.delete(id);
    for (const [key, b] of [...blocks]) if (!b.root.isConnected) blocks.delete(key);
    for (const key of [...editors.keys()]) {
      if (key.startsWith("seg:") && !segments.has(Number(key.slice(4)))) editors.delete(key);
    }
    drawSegmentOptions(segs);
    placeMovables();
  }

  /** A day's bar: "Day 2" (when there are several), its planned start, and "Start now". */
  function drawDay(day, manyDays, segs) {
    let node = days.get(day);
    if (!node) {
      const id = `day-${day}-start`;
      node = {
        title: h("h3", { class: "day-head" }, fmt(S.day_n, { n: day })),
        start: h("input", { id, class: "input day-start", type: "time" }),
        status: h("p", { class: "day-status" }),
        button: h("button", { type: "button", class: "button small primary start-now" }, S.start_now),
      };
      node.start.addEventListener("change", () => {
        const value = node.start.value || "";
        act(node.start, async () => {
          try {
            await api.setDayStart(day, value);
          } catch (err) {
            node.start.value = node.planned;
            throw err;
          }
        });
      });
      node.button.addEventListener("click", (e) => act(e.currentTarget, async () => {
        await api.startDay(day);
        toast(S.started_toast, "ok");
      }));
      node.root = h("div", { class: "day-bar", dataset: { day: String(day) } },
        node.title,
        h("div", { class: "day-tools" },
          h("label", { for: id, class: "day-start-label" }, S.day_starts), node.start, node.button),
        node.status);
      days.set(day, node);
    }
    const info = ((state && state.days) || []).find((d) => (d.day || 1) === day);
    const first = segs.find((seg) => (seg.day || 1) === day);
    node.planned = info ? info.start || "" : first ? first.start || "" : "";
    if (document.activeElement !== node.start && node.start.value !== node.planned) node.start.value = node.planned;
    node.title.hidden = !manyDays;
    const started = info && typeof info.started_at === "number";
    const status = started ? fmt(S.day_started_at, { time: clockOf(info.started_at) }) : S.day_not_started;
    if (node.status.textContent !== status) node.status.textContent = status;
    node.status.classList.toggle("is-started", !!started);
    node.root.classList.toggle("is-started", !!started);
    node.button.setAttribute("aria-label", manyDays ? fmt(S.start_now_named, { n: day }) : S.start_now);
    return node.root;
  }

  function drawSegment(seg, i, count, currentIndex, byId, ctx) {
    let node = segments.get(seg.id);
    if (!node) {
      node = {
        head: h("div", { class: "segment-head" }),
        over: h("p", { class: "segment-over", role: "note", hidden: true }),
        editorSlot: h("div", { class: "editor-slot" }),
        items: h("div", { class: "segment-items" }),
        empty: h("p", { class: "segment-empty" }, S.segment_no_activities),
        addCase: h("button", { type: "button", class: "button small secondary", onclick: () => togglePicker(seg.id) }, `+ ${S.add_case}`),
        write: h("button", { type: "button", class: "button small secondary", onclick: () => openForm(seg.id) }, `+ ${S.write_own}`),
        pickerSlot: h("div", { class: "picker-slot" }),
        formSlot: h("div", { class: "form-slot" }),
      };
      node.root = h("section", { class: "segment", dataset: { id: String(seg.id) } },
        node.head, node.over, node.editorSlot, node.items, node.empty,
        h("div", { class: "segment-foot" }, node.addCase, node.write), node.pickerSlot, node.formSlot);
      segments.set(seg.id, node);
    }
    const acts = seg.activities.map((id) => byId.get(id)).filter(Boolean);
    const isCurrent = i === currentIndex;
    const done = currentIndex >= 0 && i < currentIndex;
    const run = seg.started_at !== null && seg.started_at !== undefined || acts.some((a) => a.state !== "draft");
    node.root.className = `segment${isCurrent ? " is-current" : ""}${done ? " is-done" : ""}`;
    node.root.setAttribute("aria-label", seg.title);
    const time = planRange(seg, stateDays());
    patch(node.head, JSON.stringify([seg.title, time, seg.minutes, seg.day, i, count, isCurrent, done, run]),
      () => segmentHead(seg, i, count, isCurrent, done, run, time));
    // More minutes of cases than the segment has: said once, under its title.
    const over = !!seg.over && seg.needs > 0;
    node.over.hidden = !over;
    const overText = over ? fmt(S.over_time, { needs: seg.needs, minutes: seg.minutes }) : "";
    if (node.over.textContent !== overText) node.over.textContent = overText;
    node.empty.hidden = acts.length > 0;
    node.addCase.setAttribute("aria-label", fmt(S.add_case_to, { title: seg.title }));
    node.addCase.setAttribute("aria-expanded", picker.segment === seg.id ? "true" : "false");
    node.write.setAttribute("aria-expanded", formFor === seg.id ? "true" : "false");
    node.write.setAttribute("aria-label", fmt(S.write_own_in, { title: seg.title }));

    // Activities in play order; a case's title stands above its activities.
    const items = [];
    const used = [];
    let block = null;
    acts.forEach((a, index) => {
      const row = drawRow(a, index, acts.length, ctx);
      if (a.case) {
        if (!block || block.caseId !== a.case.id) {
          block = drawCase(a.case, a.id);
          used.push({ block, rows: [] });
          items.push(block.root);
        }
        used[used.length - 1].rows.push(row);
      } else {
        block = null;
        items.push(row);
      }
    });
    for (const { block: b, rows: r } of used) arrange(b.list, r);
    arrange(node.items, items);
    return node.root;
  }

  function stateDays() {
    return state && Array.isArray(state.days) ? state.days : undefined;
  }

  function segmentHead(seg, i, count, isCurrent, done, run, time) {
    const tool = (label, named, onclick, extra = {}) => h("button", {
      type: "button", class: "button small ghost", "aria-label": named, title: named, onclick, ...extra,
    }, label);
    return [
      h("p", { class: "segment-time" }, time || (seg.minutes ? fmt(S.n_min, { n: seg.minutes }) : S.no_time)),
      h("div", { class: "segment-name" },
        h("h3", { class: "segment-title" }, seg.title),
        isCurrent ? h("span", { class: "badge now-badge" }, S.now) : done ? h("span", { class: "badge done-badge" }, S.done) : null,
        time && seg.minutes ? h("span", { class: "segment-minutes" }, fmt(S.n_min, { n: seg.minutes })) : null),
      h("div", { class: "segment-tools" },
        tool("↑", fmt(S.move_up_named, { title: seg.title }), (e) => act(e.currentTarget, () => api.updateSegment(seg.id, { position: i - 1 })), { disabled: i === 0 }),
        tool("↓", fmt(S.move_down_named, { title: seg.title }), (e) => act(e.currentTarget, () => api.updateSegment(seg.id, { position: i + 1 })), { disabled: i === count - 1 }),
        h("button", { type: "button", class: "button small ghost", onclick: () => toggleEditor(`seg:${seg.id}`, seg.id) }, S.edit),
        h("button", {
          type: "button", class: "button small ghost danger-text", disabled: run,
          title: run ? S.delete_run_hint : null,
          onclick: (e) => {
            if (!window.confirm(fmt(S.delete_segment_confirm, { title: seg.title }))) return;
            act(e.currentTarget, async () => { await api.deleteSegment(seg.id); toast(S.segment_deleted, "ok"); });
          },
        }, S.delete)),
    ];
  }

  function drawRow(a, index, count, ctx) {
    let row = rows.get(a.id);
    if (!row) {
      row = {
        up: h("button", { type: "button", class: "move-button" }, "↑"),
        down: h("button", { type: "button", class: "move-button" }, "↓"),
        remove: h("button", { type: "button", class: "move-button remove-button" }, "×"),
        card: null,
      };
      row.root = h("div", { class: "plan-activity" }, h("div", { class: "move-col" }, row.up, row.down, row.remove));
      rows.set(a.id, row);
    }
    row.card = activityCard(row.card, a, ctx);
    if (row.card.parentNode !== row.root) row.root.append(row.card);
    const title = titleOf(a);
    row.up.disabled = index === 0;
    row.down.disabled = index === count - 1;
    row.up.setAttribute("aria-label", fmt(S.move_up_named, { title }));
    row.down.setAttribute("aria-label", fmt(S.move_down_named, { title }));
    row.up.title = S.move_up;
    row.down.title = S.move_down;
    row.up.onclick = (e) => act(e.currentTarget, () => api.moveActivity(a.id, index - 1));
    row.down.onclick = (e) => act(e.currentTarget, () => api.moveActivity(a.id, index + 1));
    // Only what has never been opened can go; an opened activity has answers to keep.
    row.remove.hidden = a.state !== "draft";
    row.remove.setAttribute("aria-label", fmt(S.remove_activity_named, { title }));
    row.remove.title = S.remove_activity;
    row.remove.onclick = (e) => {
      if (!window.confirm(fmt(S.remove_activity_confirm, { title }))) return;
      act(e.currentTarget, async () => { await api.deleteActivity(a.id); toast(S.activity_removed, "ok"); });
    };
    row.root.classList.toggle("in-case", !!a.case);
    return row.root;
  }

  function drawCase(c, firstActivity) {
    const key = `${c.id}:${firstActivity}`;
    let block = blocks.get(key);
    if (!block) {
      block = { caseId: c.id, head: h("div", { class: "case-head" }), editorSlot: h("div", { class: "editor-slot" }), list: h("div", { class: "case-activities" }) };
      block.root = h("div", { class: "case-block", dataset: { block: key } }, block.head, block.editorSlot, block.list);
      blocks.set(key, block);
    }
    block.case = c;
    patch(block.head, JSON.stringify([c.title, c.narrative, c.questions, c.notes, c.marks, c.law]), () => caseHead(c));
    const editor = editors.get(`case:${c.id}`);
    if (editor && editor.parentNode !== block.editorSlot) block.editorSlot.append(editor);
    return block;
  }

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

  /* ---------- editors ---------- */

  function toggleEditor(key, id) {
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

  /* ---------- the picker and the "write your own" form travel to their segment ---------- */

  function togglePicker(segmentId) {
    if (picker.segment === segmentId) { picker.close(); syncExpanded(); return; }
    picker.openFor(segmentId);
    placeMovables();
    syncExpanded();
    picker.focus();
  }

  function syncExpanded() {
    for (const [id, seg] of segments) {
      seg.addCase.setAttribute("aria-expanded", picker.segment === id ? "true" : "false");
      seg.write.setAttribute("aria-expanded", formFor === id ? "true" : "false");
    }
  }

  function openForm(segmentId) {
    if (formFor === segmentId) { closeForm(true); return; }
    formFor = segmentId;
    segmentSelect.value = String(segmentId);
    placeMovables();
    syncExpanded();
    form.elements.kind.focus();
  }

  function closeForm(focusBack) {
    const was = formFor;
    formFor = null;
    placeMovables();
    syncExpanded();
    const seg = segments.get(was);
    if (focusBack && seg) seg.write.focus({ preventScroll: true });
  }

  function placeMovables() {
    for (const [key, editor] of editors) {
      if (key === "new") { if (editor.parentNode !== newSegmentSlot) newSegmentSlot.append(editor); continue; }
      if (key.startsWith("seg:")) {
        const seg = segments.get(Number(key.slice(4)));
        if (seg && editor.parentNode !== seg.editorSlot) seg.editorSlot.append(editor);
      } else if (key.startsWith("case:")) {
        const id = Number(key.slice(5));
        const block = [...blocks.values()].find((b) => b.caseId === id && b.root.isConnected);
        if (block && editor.parentNode !== block.editorSlot) block.editorSlot.append(editor);
      }
    }
    const pickerSeg = picker.segment === null ? null : segments.get(picker.segment);
    if (pickerSeg) { if (picker.root.parentNode !== pickerSeg.pickerSlot) pickerSeg.pickerSlot.append(picker.root); }
    else if (picker.segment !== null) picker.close();
    const formSeg = formFor === null ? null : segments.get(formFor);
    if (!formSeg) formFor = null;
    const home = formSeg ? formSeg.formSlot : formHome;
    if (form.parentNode !== home) home.append(form);
    form.classList.toggle("in-segment", !!formSeg);
    formClose.hidden = !formSeg;
  }

  function drawSegmentOptions(segs) {
    const chosen = segmentSelect.value;
    const sig = JSON.stringify(segs.map((s) => [s.id, s.title, planRange(s, stateDays())]));
    if (segmentSelect.dataset.sig !== sig) {
      segmentSelect.dataset.sig = sig;
      replace(segmentSelect,
        segs.map((s) => h("option", { value: String(s.id) }, [planRange(s, stateDays()), s.title].filter(Boolean).join("  "))),
        h("option", { value: "" }, S.no_segment));
    }
    // Until the facilitator picks one, a new activity goes where the room is (else at the end).
    const keep = segmentSelect.dataset.touched && [...segmentSelect.options].some((o) => o.value === chosen);
    const fallback = String(state.current_segment ?? (segs.length ? segs[segs.length - 1].id : ""));
    if (formFor === null) segmentSelect.value = keep ? chosen : fallback;
    form.querySelector("[data-segment-box]").hidden = segs.length === 0;
  }
  segmentSelect.addEventListener("change", () => { segmentSelect.dataset.touched = "1"; });

  return { draw, afterAdd: () => { if (formFor !== null) closeForm(false); } };
}
