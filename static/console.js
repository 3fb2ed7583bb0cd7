// The facilitator's console: the run-of-show bar with the one big "Next" button, the day's
// plan with live results under each activity, and the screen controls.
import { h, replace, readJSON, fmt } from "./dom.js";
import { connect } from "./socket.js";
import { createFeed } from "./console-feed.js";
import { postJSON, patchJSON, getJSON, deleteJSON } from "./api.js";
import { titleOf } from "./console-activity.js";
import { setupForm } from "./console-form.js";
import { createRunBar } from "./console-run.js";
import { createAgenda } from "./console-agenda.js";
import { setupTemplates } from "./console-library.js";
import { createRoomPanel } from "./console-room.js";
import { createSeatingPanel } from "./console-seating.js";
import { createTablesPanel } from "./console-tables.js";
import { createStationsPanel } from "./console-stations.js";
import { createParticipation } from "./console-participation.js";
import { createFacilitators } from "./console-facilitators.js";
import { createHybrid, digitalTag } from "./console-hybrid.js";
import { setupGlossary } from "./terms.js";
import { serverClock } from "./schedule.js";

const S = readJSON("strings", {});
const page = readJSON("page", {}); // {code, join_url, screen_url, lang, you}

/** The screen's links (plain and high contrast) follow a renewed screen key. */
function setScreenLinks(url) {
  $("screen-link").href = url;
  $("screen-link-contrast").href = `${url}&contrast=high`;
}
const base = `/api/sessions/${encodeURIComponent(page.code)}`;
const $ = (id) => document.getElementById(id);
postJSON.offlineMessage = S.network_error;

let state = readJSON("initial", null);
let version = -1;
let lastResultsView = "options"; // where "Back from the agenda" returns the screen to
const clock = serverClock();

/* ---------- actions ---------- */

function toast(message, kind = "error") {
  const box = $("toast");
  box.className = `toast ${kind}`;
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 10000 : 3000);
}

/** Run an API call from a button: disable it meanwhile, show the server's error if any. */
async function act(button, call) {
  if (button) button.disabled = true;
  try {
    return await call();
  } catch (err) {
    toast(err.message);
    return null;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

const api = {
  setState: (id, to) => postJSON(`${base}/activities/${id}/state`, { state: to }),
  showOnScreen: (id) => postJSON(`${base}/current`, { activity: id }),
  setHidden: (postId, hidden) => postJSON(`${base}/posts/${encodeURIComponent(postId)}/hidden`, { hidden }),
  setView: (view) => postJSON(`${base}/screen-view`, { view }),
  renewKey: () => postJSON(`${base}/screen-key`),
  create: (body) => postJSON(`${base}/activities`, body),
  // `from` is where this console saw the room: a double click, or a second console, moves one step.
  next: () => postJSON(`${base}/next`, { from: { segment: state ? state.current_segment ?? null : null,
    activity: state ? state.current ?? null : null, closing: !!(state && state.closing) } }),
  timer: (seconds) => postJSON(`${base}/timer`, { seconds }),
  addTime: (seconds) => postJSON(`${base}/timer`, { add: seconds }),
  close: () => postJSON(`${base}/close`, {}),
  reopen: () => postJSON(`${base}/reopen`, {}),
  setScreen: (body) => postJSON(`${base}/screen`, body),
  startDay: (day) => postJSON(`${base}/plan/start`, day ? { day } : {}),
  setDayStart: (day, start) => patchJSON(`${base}/plan/days/${day}`, { start }),
  quote: (activity, why) => postJSON(`${base}/activities/${activity}/quotes`, { why }),
  unquote: (activity, why) => deleteJSON(`${base}/activities/${activity}/quotes/${encodeURIComponent(why)}`),
  addSegment: (body) => postJSON(`${base}/segments`, body),
  updateSegment: (id, body) => patchJSON(`${base}/segments/${id}`, body),
  deleteSegment: (id) => deleteJSON(`${base}/segments/${id}`),
  addCase: (segment, caseId) => postJSON(`${base}/segments/${segment}/cases`, { case: caseId }),
  updateCase: (id, body) => patchJSON(`${base}/cases/${id}`, body),
  moveActivity: (id, position) => patchJSON(`${base}/activities/${id}`, { position }),
  deleteActivity: (id) => deleteJSON(`${base}/activities/${id}`),
  editActivity: (id, body) => patchJSON(`${base}/activities/${id}`, body),
  applyTemplate: (template) => postJSON(`${base}/agenda`, { template }),
  importPlan: (plan) => postJSON(`${base}/plan`, plan),
  libraryCases: (params) => getJSON(`/api/library/cases?${params}`),
  agendas: () => getJSON(`/api/library/agendas?language=${encodeURIComponent(page.lang || "nb")}`),
};

const cardContext = (s) => ({ S, act, current: s.current, tables: s.tables, participants: s.participants, segments: s.segments,
  setState: api.setState, showOnScreen: api.showOnScreen, setHidden: api.setHidden,
  editActivity: api.editActivity, minGroup: s.min_group, quote: api.quote, unquote: api.unquote,
  again: (id) => postJSON(`${base}/activities/${id}/again`, {}),
  olderPosts: (id, offset) => getJSON(`${base}/activities/${id}/posts?offset=${offset}&limit=200`) });

const form = $("new-activity");
const runBar = createRunBar({ S, act, api, clock, toast });
const agenda = createAgenda({ S, act, api, toast, lang: page.lang || "nb", cardContext, form });
const seatingPanel = createSeatingPanel({ S, act, toast, base }); // join questions, reseating
const roomPanel = createRoomPanel({ S, act, toast, base, moveControl: seatingPanel.moveControl });
const tablesPanel = createTablesPanel({ S, act, base }); // raised hands, the round of the tables
const stationsPanel = createStationsPanel({ S, act, toast, base, clock }); // station rotations
const participation = createParticipation({ S, box: $("participation") }); // who has answered, per table
const hybrid = createHybrid({ S, act, toast, base }); // join from home, video meetings (hybrid days)
// Who runs the session, and the filter to the tables this console follows (co-facilitators).
const facilitators = createFacilitators({ S, act, toast, base, you: page.you, onFilter: () => draw(state) });

/* ---------- drawing ---------- */

function drawRoom(s, mine = s) {
  $("participants").textContent = fmt(S.joined_n, { n: s.participants, seats: s.capacity });
  $("over-capacity").hidden = !s.over_capacity;
  replace($("tables"), mine.tables.map((t) => h("li", { class: t.seated > t.capacity ? "is-over" : t.seated ? "has-people" : "" },
    h("span", { class: "t-name" }, t.name, digitalTag(t, S)),
    h("span", { class: "t-count" }, `${t.seated}/${t.capacity}`))));
  const current = (s.activities || []).find((a) => a.id === s.current);
  const agendaShown = s.view === "agenda";
  const screen = screenOf(s);
  $("screen-now").textContent = screen.join_page ? S.join_screen : agendaShown ? S.agenda_on_screen
    : s.closing ? S.closing_now : current ? titleOf(current) : s.segment ? s.segment.title : S.join_screen;
  // The big join page goes over whatever the room is at; it never moves the run of show.
  const joinButton = $("show-join");
  joinButton.textContent = screen.join_page ? S.hide_join : S.show_join;
  joinButton.setAttribute("aria-pressed", screen.join_page ? "true" : "false");
  $("screen-corner").checked = screen.join_corner;
  $("screen-law").checked = screen.law;
  const currentCase = current && current.case && s.cases ? s.cases[String(current.case.id)] || current.case : null;
  const hasLaw = !!(currentCase && (currentCase.law || []).length);
  $("screen-law-hint").hidden = hasLaw || !current || !current.case;
  // A wall pages by itself on the screen; the facilitator can also step it on.
  const wall = current && current.kind === "reflection" && current.state === "revealed" && !screen.join_page && !agendaShown;
  $("wall-next").hidden = !wall || typeof screen.wall_page !== "number";
  const agendaButton = $("show-agenda");
  agendaButton.textContent = agendaShown ? S.hide_agenda : S.show_agenda;
  agendaButton.setAttribute("aria-pressed", agendaShown ? "true" : "false");
  agendaButton.disabled = !agendaShown && !(s.segments || []).length;
  if (!agendaShown && s.view) lastResultsView = s.view;
  for (const radio of document.querySelectorAll("input[name=screen-view]")) radio.checked = radio.value === s.view;
  if (s.session && s.session.screen_url) setScreenLinks(s.session.screen_url);
}

/** The screen's switches, with their defaults while a state has none. */
function screenOf(s) {
  const screen = (s && s.screen) || {};
  return { join_page: !!screen.join_page, join_corner: screen.join_corner !== false, law: !!screen.law,
    wall_page: typeof screen.wall_page === "number" ? screen.wall_page : undefined };
}

function draw(s) {
  if (!s || (typeof s.version === "number" && s.version < version)) return;
  version = s.version;
  // Activities name their case by id; the state carries each case once.
  for (const a of s.activities || []) if (a.case && s.cases) a.case = s.cases[String(a.case.id)] || a.case;
  state = s;
  clock.sync(s.now);
  facilitators.draw(s);
  const mine = facilitators.filter(s); // the per-table views show the tables this console follows
  drawRoom(s, mine);
  roomPanel.draw(s);
  seatingPanel.draw(s);
  tablesPanel.draw(mine);
  stationsPanel.draw(s);
  participation.draw(mine);
  hybrid.draw(s); // join from home, the video meetings' links
  agenda.draw(s);
  runBar.draw(s);
}

/* ---------- wiring ---------- */

function wire() {
  $("show-join").addEventListener("click", (e) =>
    act(e.currentTarget, () => api.setScreen({ join_page: !screenOf(state).join_page })));
  $("wall-next").addEventListener("click", (e) =>
    act(e.currentTarget, () => api.setScreen({ wall_page: (screenOf(state).wall_page || 0) + 1 })));
  for (const [id, key] of [["screen-corner", "join_corner"], ["screen-law", "law"]]) {
    const box = $(id);
    box.addEventListener("change", () => act(box, async () => {
      try {
        await api.setScreen({ [key]: box.checked });
      } catch (err) {
        box.checked = screenOf(state)[key];
        throw err;
      }
    }));
  }
  $("show-agenda").addEventListener("click", (e) => {
    const showing = state && state.view === "agenda";
    act(e.currentTarget, () => api.setView(showing ? lastResultsView : "agenda"));
  });
  for (const radio of document.querySelectorAll("input[name=screen-view]")) {
    radio.addEventListener("change", () => act(null, () => api.setView(radio.value)));
  }
  $("renew-key").addEventListener("click", (e) => {
    if (!window.confirm(S.renew_confirm)) return;
    act(e.currentTarget, async () => {
      const data = await api.renewKey();
      setScreenLinks(data.screen_url);
      toast(S.renewed, "ok");
    });
  });
  $("copy-join").addEventListener("click", async () => {
    const field = $("join-url");
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select(); // no clipboard API (plain http): select it so Ctrl+C works
      document.execCommand && document.execCommand("copy");
    }
    toast(S.copied, "ok");
  });
  $("import-plan").addEventListener("change", async (e) => {
    const input = e.currentTarget;
    const file = input.files && input.files[0];
    input.value = ""; // the same file can be chosen again
    if (!file) return;
    let plan;
    try {
      plan = JSON.parse(await file.text());
    } catch {
      toast(S.import_not_json);
      return;
    }
    await act(null, async () => {
      const made = await api.importPlan(plan);
      toast(fmt(S.imported, { n: (made.segments || []).length }), "ok");
    });
  });
  setupTemplates({ S, api, act, toast, details: $("template-tool"), list: $("template-list"),
    segmentsNow: () => (state && state.segments ? state.segments.length : 0) });
  setupForm(form, {
    S,
    onSubmit: (body) => act(null, async () => {
      await api.create(body);
      toast(S.added, "ok");
      agenda.afterAdd();
      return true;
    }),
  });
  setupGlossary({ terms: () => (state && state.terms) || {}, S });
}

// The socket sends the plan when it changes and the live figures as deltas (console-feed.js).
let socket = null;
const feed = createFeed({ onState: draw, onLost: () => socket && socket.reconnectNow() });

function drawConnection(status) {
  if (status === "open") version = -1; // a restarted server may count versions from anew
  if (status === "open") feed.reset(); // each connection starts with its own full frames
  const pill = $("live");
  pill.dataset.status = status;
  pill.textContent = status === "open" ? S.live : S.reconnecting;
  document.body.dataset.connection = status === "open" ? "open" : "closed";
}

wire();
draw(state);
socket = connect(`/ws/${encodeURIComponent(page.code)}/console`, {
  onMessage: (m) => { if (!feed.receive(m) && m.type === "state") draw(m); },
  onStatus: drawConnection,
  onRefused: (reason) => {
    const banner = $("logged-out");
    if (facilitators.takenOff(reason)) banner.textContent = reason; // the owner took this account off
    banner.hidden = false;
    drawConnection("closed");
  },
});
