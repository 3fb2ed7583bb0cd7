// The day's plan in the console: segments in order with their planned times, the cases and
// activities in each (with the live activity cards), and the tools to shape the plan: move,
// (each day with its planned start and a "Start now": from then the times follow the clock),
// edit, delete, add a case from the library, write your own, edit a case's text for this
// session. Nodes are kept by id and moved, never rebuilt wholesale, so an open editor, a
// half-typed text or a focused button survives the votes streaming in.
import { h, patch, replace, fmt, arrange } from "./dom.js";
import { activityCard, titleOf } from "./console-activity.js";
import { planRange, formatClock } from "./schedule.js";
import { createPicker } from "./console-library.js";
import { createEditors } from "./console-agenda-editors.js";
import { createCaseHead } from "./console-case.js";

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
  const days = new Map(); // day → {root, title, start, status, button}: its planned start and "Start now"
  let state = null;
  let formFor = null; // the segment the "write your own" form is open in, or null (at the bottom)
  const { editors, toggleEditor } = createEditors({ S, act, api, toast, getState: () => state, placeMovables });
  const caseHead = createCaseHead({ S, toggleEditor });

  const picker = createPicker({
    S, api, act, toast, lang,
    sessionLanguage: () => (state && state.session && state.session.language) || lang,
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
