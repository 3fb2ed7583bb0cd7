// The facilitator's console: the run sheet of activities with live results, the screen
// controls, and one big "next step" button that always says the obvious next thing.
import { h, replace, readJSON, fmt } from "./dom.js";
import { connect } from "./socket.js";
import { postJSON } from "./api.js";
import { activityCard, titleOf } from "./console-activity.js";
import { setupForm } from "./console-form.js";

const S = readJSON("strings", {});
const page = readJSON("page", {}); // {code, join_url, screen_url}
const base = `/api/sessions/${encodeURIComponent(page.code)}`;
const $ = (id) => document.getElementById(id);
postJSON.offlineMessage = S.network_error;

let state = readJSON("initial", null);
let version = -1;

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
};

/* ---------- the next step ---------- */

function nextStep(s) {
  const list = s.activities || [];
  const current = list.find((a) => a.id === s.current) || null;
  if (!list.length) {
    return { label: S.next_add_first, hint: S.next_add_first_hint, run: () => $("new-kind").focus() };
  }
  if (current && current.state === "open") {
    return { label: S.next_reveal, hint: fmt(S.next_reveal_hint, { n: current.answered }),
      run: () => api.setState(current.id, "revealed") };
  }
  const from = current ? list.indexOf(current) : -1;
  const draft = list.slice(from + 1).find((a) => a.state === "draft") || list.find((a) => a.state === "draft");
  if (draft) {
    return { label: fmt(S.next_open, { title: titleOf(draft) }), hint: S.next_open_hint,
      run: () => api.setState(draft.id, "open") };
  }
  if (current && current.state === "closed") {
    return { label: S.next_reveal, hint: S.next_closed_hint, run: () => api.setState(current.id, "revealed") };
  }
  return { label: "", hint: S.next_done };
}

function drawNext(s) {
  const step = nextStep(s);
  const button = $("next-button");
  button.hidden = !step.label;
  button.textContent = step.label;
  button.onclick = null; // property, not an inline attribute: one handler at a time
  if (step.run) button.onclick = () => act(button, step.run);
  $("next-hint").textContent = step.hint;
}

/* ---------- drawing ---------- */

function drawActivities(s) {
  const list = $("activities");
  const ctx = { S, act, current: s.current, tables: s.tables, participants: s.participants,
    setState: api.setState, showOnScreen: api.showOnScreen, setHidden: api.setHidden };
  const existing = new Map([...list.children].map((el) => [el.dataset.id, el]));
  const cards = (s.activities || []).map((a) => activityCard(existing.get(String(a.id)), a, ctx));
  // Reorder without detaching cards that are already in place (keeps focus and open boxes).
  cards.forEach((card, i) => { if (list.children[i] !== card) list.insertBefore(card, list.children[i] || null); });
  while (list.children.length > cards.length) list.lastElementChild.remove();
  $("activities-empty").hidden = cards.length > 0;
}

function drawRoom(s) {
  $("participants").textContent = fmt(S.joined_n, { n: s.participants, seats: s.capacity });
  $("over-capacity").hidden = !s.over_capacity;
  replace($("tables"), s.tables.map((t) => h("li", { class: t.seated > t.capacity ? "is-over" : t.seated ? "has-people" : "" },
    h("span", { class: "t-name" }, t.name),
    h("span", { class: "t-count" }, `${t.seated}/${t.capacity}`))));
  const current = (s.activities || []).find((a) => a.id === s.current);
  $("screen-now").textContent = current ? titleOf(current) : S.join_screen;
  $("show-join").disabled = !current;
  for (const radio of document.querySelectorAll("input[name=screen-view]")) radio.checked = radio.value === s.view;
  if (s.session && s.session.screen_url) $("screen-link").href = s.session.screen_url;
}

function draw(s) {
  if (!s || (typeof s.version === "number" && s.version < version)) return;
  version = s.version;
  state = s;
  drawRoom(s);
  drawActivities(s);
  drawNext(s);
}

/* ---------- wiring ---------- */

function wire() {
  $("show-join").addEventListener("click", (e) => act(e.currentTarget, () => postJSON(`${base}/current`, { activity: null })));
  for (const radio of document.querySelectorAll("input[name=screen-view]")) {
    radio.addEventListener("change", () => act(null, () => api.setView(radio.value)));
  }
  $("renew-key").addEventListener("click", (e) => {
    if (!window.confirm(S.renew_confirm)) return;
    act(e.currentTarget, async () => {
      const data = await api.renewKey();
      $("screen-link").href = data.screen_url;
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
  setupForm($("new-activity"), {
    S,
    onSubmit: (body) => act(null, async () => {
      await api.create(body);
      toast(S.added, "ok");
      return true;
    }),
  });
}

function drawConnection(status) {
  if (status === "open") version = -1; // a restarted server may count versions from anew
  const pill = $("live");
  pill.dataset.status = status;
  pill.textContent = status === "open" ? S.live : S.reconnecting;
  document.body.dataset.connection = status === "open" ? "open" : "closed";
}

wire();
draw(state);
connect(`/ws/${encodeURIComponent(page.code)}/console`, {
  onMessage: (m) => { if (m.type === "state") draw(m); },
  onStatus: drawConnection,
  onRefused: () => { $("logged-out").hidden = false; drawConnection("closed"); },
});
