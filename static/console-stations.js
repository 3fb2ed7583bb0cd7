// The console's part of station rotations ("kommunetorg"): a form that adds one to a segment
// of the plan, and, while the room is at one, Start / Next station, who is where, and the
// posts grouped by station. API: docs/api.md, "Stations".
import { h, replace, fmt } from "./dom.js";
import { postJSON, getJSON } from "./api.js";
import { secondsLeft, mmss } from "./schedule.js";

const FIRST_ROWS = 3;
const MAX_STATIONS = 12;
const REFRESH = 2000;

export function createStationsPanel({ S, act, toast, base, clock }) {
  const panel = document.getElementById("stations-panel");
  const tool = document.getElementById("stations-add");
  let state = null;
  let loadedFor = ""; // the "activity|version" whose posts are on show
  let loading = null;

  /* ---------- the form: add a rotation to the plan ---------- */

  function stationRow(name = "", prompt = "") {
    const row = h("li", { class: "station-row" },
      h("label", { class: "label" }, S.station_name,
        h("input", { class: "input", type: "text", maxlength: "80", value: name, "data-name": "" })),
      h("label", { class: "label" }, S.station_prompt,
        h("textarea", { class: "input", rows: "2", maxlength: "4000", "data-prompt": "" }, prompt)),
      h("button", { type: "button", class: "button small ghost", onclick: () => { row.remove(); } }, S.station_remove));
    return row;
  }

  function buildForm() {
    if (!tool) return;
    const rows = h("ol", { class: "station-rows" });
    for (let i = 0; i < FIRST_ROWS; i += 1) rows.append(stationRow());
    const segment = h("select", { class: "input", name: "segment" });
    const title = h("input", { class: "input", type: "text", maxlength: "200", name: "title" });
    const minutes = h("input", { class: "input", type: "number", min: "1", max: "120", value: "10", name: "minutes" });
    const form = h("form", { class: "stations-form", novalidate: true },
      h("p", { class: "hint" }, S.stations_form_hint),
      h("label", { class: "label" }, S.stations_segment, segment),
      h("label", { class: "label" }, S.stations_title, title),
      h("fieldset", { class: "field" }, h("legend", {}, S.stations_list), rows,
        h("button", { type: "button", class: "button small secondary", onclick: () => {
          if (rows.children.length >= MAX_STATIONS) { toast(fmt(S.stations_at_most, { n: MAX_STATIONS })); return; }
          rows.append(stationRow());
        } }, `+ ${S.station_add}`)),
      h("label", { class: "label" }, S.stations_minutes, minutes),
      h("button", { type: "submit", class: "button primary" }, S.stations_create));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const stations = [...rows.querySelectorAll(".station-row")]
        .map((row) => ({ name: row.querySelector("[data-name]").value.trim(), prompt: row.querySelector("[data-prompt]").value.trim() }))
        .filter((s) => s.name || s.prompt);
      const body = { title: title.value.trim(), stations, minutes: Number(minutes.value) };
      if (segment.value) body.segment = Number(segment.value);
      act(form.querySelector("button[type=submit]"), async () => {
        await postJSON(`${base}/stations`, body);
        toast(S.stations_made, "ok");
        title.value = "";
        replace(rows, ...Array.from({ length: FIRST_ROWS }, () => stationRow()));
      });
    });
    tool.append(form);
    tool.segmentSelect = segment;
  }

  function drawSegments(s) {
    const select = tool && tool.segmentSelect;
    if (!select) return;
    const sig = JSON.stringify((s.segments || []).map((g) => [g.id, g.title]));
    if (select.dataset.sig === sig) return;
    const chosen = select.value;
    select.dataset.sig = sig;
    replace(select, h("option", { value: "" }, S.stations_no_segment),
      (s.segments || []).map((g) => h("option", { value: String(g.id), selected: String(g.id) === chosen }, g.title)));
  }

  /* ---------- the running rotation ---------- */

  // At most one read every REFRESH ms, however fast posts come; the last change is always read.
  let lastLoad = 0;
  let trailing = null;
  async function loadPosts(activityId, version) {
    const key = `${activityId}|${version}`;
    if (loadedFor === key) return;
    const wait = lastLoad + REFRESH - Date.now();
    if (loading || wait > 0) {
      clearTimeout(trailing);
      trailing = setTimeout(() => loadPosts(activityId, version), Math.max(wait, 200));
      return;
    }
    loading = key;
    lastLoad = Date.now();
    try {
      const view = await getJSON(`${base}/stations/${activityId}`);
      loadedFor = key;
      drawGroups(view);
    } catch (err) {
      toast(err.message);
    } finally {
      loading = null;
    }
  }

  function drawGroups(view) {
    const box = panel.querySelector(".stations-groups");
    if (!box) return;
    replace(box, h("h3", {}, S.stations_posts_by),
      view.groups.map((g) => h("div", { class: "stations-group" },
        h("h3", {}, `${g.name || S.stations_before_start} (${g.posts.length})`),
        g.posts.length
          ? h("ul", {}, g.posts.map((p) => h("li", { class: p.hidden ? "is-hidden" : "" }, p.text)))
          : h("p", { class: "muted" }, S.stations_no_posts))));
  }

  function draw(s) {
    state = s;
    drawSegments(s);
    const st = s.stations;
    if (!st) { panel.hidden = true; replace(panel); panel.dataset.sig = ""; return; }
    panel.hidden = false;
    const sig = JSON.stringify([st, s.version]);
    if (panel.dataset.sig === sig) return;
    const first = panel.dataset.activity !== String(st.activity);
    panel.dataset.sig = sig;
    panel.dataset.activity = String(st.activity);
    const current = (s.activities || []).find((a) => a.id === st.activity);
    const open = current && current.state === "open";
    const status = st.state === "waiting" ? S.stations_waiting
      : st.state === "over" ? S.stations_over : fmt(S.station_round, { n: st.round + 1, of: st.rounds });
    const start = h("button", { type: "button", class: "button primary", disabled: !open || st.state === "running",
      onclick: (e) => act(e.currentTarget, () => postJSON(`${base}/stations/${st.activity}/start`, {})) },
    st.state === "over" ? S.stations_restart : S.stations_start);
    const next = h("button", { type: "button", class: "button primary", disabled: st.state !== "running",
      onclick: (e) => act(e.currentTarget, () => postJSON(`${base}/stations/${st.activity}/next`, { round: st.round })) },
    S.stations_next);
    const left = h("span", { class: "stations-left", role: "timer" });
    const old = panel.querySelector(".stations-groups");
    replace(panel,
      h("h2", {}, `${S.stations_label}: ${(current && (current.title || current.prompt)) || ""}`),
      h("p", { class: "stations-status" }, status, " ", left),
      !open ? h("p", { class: "hint" }, S.stations_open_first) : null,
      h("div", { class: "stations-actions" }, start, next),
      h("ul", { class: "stations-where" }, st.stations.map((x) => h("li", {},
        h("strong", {}, x.name), ": ",
        x.tables.length ? x.tables.map((t) => t.name).join(", ") : S.stations_empty))),
      old && !first ? old : h("div", { class: "stations-groups" }));
    panel.endsAt = st.ends_at;
    tick();
    loadPosts(st.activity, s.version);
  }

  function tick() {
    const el = panel.querySelector(".stations-left");
    if (!el || !state || !state.stations) return;
    const left = secondsLeft({ ends_at: panel.endsAt }, clock.now());
    el.textContent = left === null ? "" : left === 0 ? S.stations_moving : fmt(S.stations_left, { time: mmss(left) });
  }

  buildForm();
  setInterval(tick, 1000);
  return { draw };
}
