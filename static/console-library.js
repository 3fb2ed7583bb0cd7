// Picking from the shared library: a case into a segment (search and topic filter), or a
// whole agenda template into the plan.
import { h, replace, fmt } from "./dom.js";
import { planRange, parseClock, formatClock } from "./schedule.js";

const LANGUAGE_ORDER = ["nb", "nn", "en"];
const FALLBACK = "nb"; // a case without the session's language is copied in bokmål

/** "nb nn en": the languages a case is written in (a screen reader hears "Written in:" first;
 * hovering a code names its language). */
function languageBadges(S, languages) {
  const written = LANGUAGE_ORDER.filter((l) => languages.includes(l));
  return h("span", { class: "picker-langs" },
    h("span", { class: "sr-only" }, S.case_languages),
    written.map((l) => h("span", { class: "badge lang", title: S[`language_${l}`] }, l)));
}

/** A warning when the session's language is not among the case's: what participants see. */
function fallbackNote(S, languages, want, id) {
  if (!want || !languages.length || languages.includes(want)) return null;
  return h("p", { class: "picker-fallback", id },
    fmt(S.case_fallback, { missing: S[`language_${want}`] || want, fallback: S[`language_${FALLBACK}`] }));
}

/** The case picker: one instance, shown under the segment it adds to. */
export function createPicker({ S, api, act, toast, lang, sessionLanguage = () => lang, used, onClose }) {
  let segment = null;
  let seq = 0;
  let debounce = null;
  const search = h("input", { id: "picker-q", class: "input", type: "search", autocomplete: "off", placeholder: S.search_placeholder });
  const tag = h("select", { id: "picker-tag", class: "input" }, h("option", { value: "" }, S.all_topics));
  const status = h("p", { class: "picker-status", role: "status" });
  const list = h("ul", { class: "picker-results" });
  const heading = h("h4", { class: "picker-title", id: "picker-title" }, S.library_title);
  const root = h("section", { class: "picker", "aria-labelledby": "picker-title" },
    h("div", { class: "picker-head" }, heading,
      h("button", { type: "button", class: "button small ghost", onclick: () => close() }, S.close_library)),
    h("div", { class: "picker-filters" },
      h("div", { class: "field" }, h("label", { for: "picker-q" }, S.search_library), search),
      h("div", { class: "field" }, h("label", { for: "picker-tag" }, S.topic), tag)),
    status, list);

  search.addEventListener("input", () => { clearTimeout(debounce); debounce = setTimeout(load, 250); });
  search.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); clearTimeout(debounce); load(); } });
  tag.addEventListener("change", load);
  root.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); close(); } });

  async function load() {
    const mine = ++seq;
    status.textContent = S.loading;
    const params = new URLSearchParams({ q: search.value.trim(), tag: tag.value, language: lang });
    let data;
    try {
      data = await api.libraryCases(params);
    } catch (err) {
      if (mine === seq) status.textContent = err.message;
      return;
    }
    if (mine !== seq) return; // an older search answering late
    const names = new Map((data.tags || []).map((t) => [t.id, t.name]));
    if (tag.options.length === 1) {
      tag.append(...(data.tags || []).map((t) => h("option", { value: t.id }, t.name)));
    }
    const cases = data.cases || [];
    status.textContent = cases.length ? fmt(cases.length === 1 ? S.cases_found_one : S.cases_found_other, { n: cases.length }) : S.no_cases_found;
    const inPlan = used();
    const want = sessionLanguage();
    replace(list, cases.map((c, index) => {
      const fallback = fallbackNote(S, c.languages || [], want, `picker-fallback-${index}`);
      return h("li", { class: "picker-case" },
        h("div", { class: "picker-case-text" },
          h("h5", { class: "picker-case-title" }, c.title),
          h("p", { class: "picker-case-meta" },
            fmt(S.n_min, { n: c.minutes }),
            (c.tags || []).map((t) => h("span", { class: "badge" }, names.get(t) || t)),
            languageBadges(S, c.languages || []),
            inPlan.has(c.id) ? h("span", { class: "badge in-plan" }, S.in_plan) : null),
          h("p", { class: "picker-case-summary" }, c.summary.length >= 240 ? `${c.summary.trimEnd()}…` : c.summary),
          fallback),
        h("button", {
          type: "button", class: "button small primary", "aria-label": fmt(S.add_named, { title: c.title }),
          "aria-describedby": fallback ? fallback.id : null,
          onclick: (e) => act(e.currentTarget, async () => {
            const into = segment;
            await api.addCase(into, c.id);
            toast(fmt(S.case_added, { title: c.title }), "ok");
            close();
          }),
        }, S.add));
    }));
  }

  function openFor(segmentId) {
    segment = segmentId;
    load();
  }

  function close() {
    const was = segment;
    segment = null;
    root.remove();
    onClose(was);
  }

  return { root, openFor, close, focus: () => search.focus(), get segment() { return segment; } };
}

/** "Start from a template": the agenda templates, each with its parts and times. */
export function setupTemplates({ S, api, act, toast, details, list, segmentsNow }) {
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    replace(list, h("li", { class: "muted" }, S.loading));
    try {
      const data = await api.agendas();
      loaded = true;
      replace(list, (data.agendas || []).map((agenda) => templateItem(agenda)));
    } catch (err) {
      replace(list, h("li", { class: "alert" }, err.message));
    }
  });

  function templateItem(agenda) {
    const segments = agenda.segments || [];
    const days = new Set(segments.map((s) => s.day || 1)).size;
    const first = segments[0];
    const last = segments.filter((s) => (s.day || 1) === (first ? first.day || 1 : 1)).at(-1);
    let span = "";
    if (first && last && parseClock(first.start) !== null && parseClock(last.start) !== null) {
      span = `${planRange({ start: first.start, minutes: 0 })}–${formatClock(parseClock(last.start) + (last.minutes || 0))}`;
    }
    const meta = [fmt(segments.length === 1 ? S.parts_one : S.parts_other, { n: segments.length }),
      days > 1 ? fmt(S.days_n, { n: days }) : span].filter(Boolean).join(" · ");
    return h("li", { class: "template-item" },
      h("div", {},
        h("h4", { class: "template-title" }, agenda.title),
        h("p", { class: "template-meta" }, meta),
        agenda.description ? h("p", { class: "template-description" }, agenda.description) : null),
      h("button", {
        type: "button", class: "button small primary", "aria-label": fmt(S.use_template_named, { title: agenda.title }),
        onclick: (e) => {
          if (segmentsNow() > 0 && !window.confirm(S.template_append_confirm)) return;
          act(e.currentTarget, async () => {
            const made = await api.applyTemplate(agenda.id);
            toast(fmt(S.template_added, { title: agenda.title, n: (made.segments || []).length }), "ok");
            details.open = false;
          });
        },
      }, S.use_template));
  }
}
