// A participant's own view of the screen (`/j/{code}/screen`): the screen page with the
// same renderer, for people at home and anyone who wants the screen on their phone.
// It differs from the projector only in how it connects (the seat's token from this phone's
// storage, not the screen key) and in layout (screen-fit.css): on a phone it flows and
// scrolls, on a laptop it is the projector's 16:9 picture. Joining is pointless for someone
// who is in, so the join page becomes a calm "people are joining" and the QR codes go.
import { h, replace } from "./dom.js";
import { createStore } from "./store.js";
import { S, page, stage, plural, MANY_TABLES } from "./screen-common.js";
import { named } from "./screen-marks.js";

const PHONE = "(max-width: 760px), (max-aspect-ratio: 1/1)";

/** Whether the page is laid out for a phone (it flows and scrolls) rather than a laptop. */
export const phoneLayout = () => window.matchMedia(PHONE).matches;

function backLink() {
  return h("a", { class: "button primary viewer-back-big", href: `/j/${encodeURIComponent(page.code)}` }, S.viewer_back);
}

/** While the screen invites people in: who has joined, table by table. */
function joiningView(state) {
  const tables = state.tables.length <= MANY_TABLES ? state.tables : [];
  return h("section", { class: "viewer-joining" },
    h("p", { class: "eyebrow" }, state.session.title),
    h("h1", { class: "viewer-title" }, S.viewer_joining_title),
    h("p", { class: "viewer-text" }, S.viewer_joining_text),
    h("p", { class: "joined" }, plural("joined", state.participants)),
    tables.length ? h("ol", { class: "seat-grid viewer-seats" }, tables.map((t) => h("li", { class: t.seated ? "has-people" : "" },
      h("span", { class: "seat-name" }, named(t.number, t.name)), h("span", { class: "seat-count" }, String(t.seated))))) : null);
}

/** The wall on a phone: every post the screen has, table by table, in one column to scroll
 * (the projector pages its columns instead). */
function phoneWall(state, activity, drawn) {
  const posts = activity.posts || [];
  const box = drawn.querySelector(".wall");
  if (!box) return drawn;
  const groups = new Map();
  for (const post of posts) {
    const key = post.table === null || post.table === undefined ? Number.MAX_SAFE_INTEGER : post.table;
    if (!groups.has(key)) groups.set(key, { name: key === Number.MAX_SAFE_INTEGER ? S.other_tables : post.table_name, posts: [] });
    groups.get(key).posts.push(post);
  }
  const list = h("div", { class: "viewer-wall" }, [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([number, g]) => [
    h("h2", { class: "wall-table" }, named(number, g.name)),
    g.posts.map((p) => h("p", { class: "wall-post", dataset: { id: String(p.id) } }, p.text)),
  ]));
  box.replaceWith(list);
  return drawn;
}

/** What the viewer draws instead of the screen's own view (null: the screen's own). */
function view(state, name, drawn) {
  // Joining locked: the screen's own "Joining is closed" says it well (and has no QR code).
  if (name === "join" && !state.session.joining_locked) return joiningView(state);
  if (name === "revealed" && state.activity && state.activity.kind === "reflection" && phoneLayout()) {
    return phoneWall(state, state.activity, drawn());
  }
  return drawn();
}

/** The socket's address with this phone's seat; null when this phone has none. */
function socketPath() {
  const seat = createStore(page.code).seat();
  if (!seat || !seat.token) return null;
  return `/ws/${encodeURIComponent(page.code)}/screen?token=${encodeURIComponent(seat.token)}`;
}

function message(title, text, extra) {
  document.body.dataset.view = "viewer-message";
  document.getElementById("rail").hidden = true; // no countdown left behind
  document.body.classList.remove("has-rail");
  replace(stage, h("section", { class: "viewer-message" },
    h("h1", { class: "viewer-title" }, title), text ? h("p", { class: "viewer-text" }, text) : null, extra || null, backLink()));
}

/** No seat on this phone: join first. */
const noSeat = () => message(S.viewer_no_seat_title, S.viewer_no_seat_text);
/** Refused (the seat was removed, the session is gone): the server's reason. */
const refused = (reason) => message(S.viewer_gone_title, reason || "");
/** The viewer is open on more screens than allowed; this one gave way. */
const replaced = (reason) => message(reason || S.viewer_gone_title, "",
  h("button", { type: "button", class: "button secondary viewer-again", onclick: () => location.reload() }, S.viewer_show_here));

/** Redraw when the window turns between phone and laptop layout (the wall differs). */
function onLayoutChange(redraw) {
  window.matchMedia(PHONE).addEventListener("change", redraw);
}

export const viewer = page.viewer ? { view, socketPath, noSeat, refused, replaced, onLayoutChange } : null;
