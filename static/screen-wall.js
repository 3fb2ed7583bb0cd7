// The wall of posts on the screen: grouped by table, laid out in columns, paged when it does not fit.
import { h, replace, fmt } from "./dom.js";
import { S, stage, rootPx, screenFlags, heading, question } from "./screen-common.js";
import { named } from "./screen-marks.js";

const WALL_SECONDS = 12; // a page of the wall stays this long before the next comes

export const wall = { activity: null, page: 0, pages: 1, timer: null, stepped: null };

export function wallView(state, activity) {
  const posts = activity.posts || [];
  const more = Math.max(0, (activity.posts_total || 0) - posts.length);
  return h("section", { class: "wall-view" },
    heading(activity),
    question(activity),
    posts.length ? h("div", { class: "wall", dataset: { page: "1", pages: "1" } }) : h("p", { class: "state-note" }, S.no_posts),
    h("footer", { class: "wall-foot" },
      h("p", { class: "wall-pager", hidden: true }),
      more ? h("p", { class: "wall-more" }, fmt(S.more_posts, { n: more })) : null));
}

/** Posts by table, tables in order; a small table's posts (no table) come last, together. */
function wallGroups(posts) {
  const groups = new Map();
  const OTHER = Number.MAX_SAFE_INTEGER;
  for (const post of posts) {
    const key = post.table === null || post.table === undefined ? OTHER : post.table;
    if (!groups.has(key)) groups.set(key, { name: key === OTHER ? S.other_tables : post.table_name, number: key, other: key === OTHER, posts: [] });
    groups.get(key).posts.push(post); // newest first from the server; kept inside each table
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

const postEl = (p) => h("p", { class: "wall-post", dataset: { id: String(p.id) } }, p.text);
const tableEl = (group, continued) => h("h2", { class: `wall-table${group.other ? " is-other" : ""}` },
  named(group.number, continued ? fmt(S.continued, { table: group.name }) : group.name));

/**
 * Lay the wall out in columns and pages. Text sizes are tried from large to small; the
 * largest that fits on one page wins, and when none does, the wall pages at 1.1 em (26 px at
 * 1080p; never under 24). Each post is measured in a hidden column of the real width, then
 * packed: a table's name never ends a column, a table that goes on in the next column says
 * so, and a post taller than a column gets a page of its own at the wall's whole width.
 */
function layoutWall(box, activity) {
  const groups = wallGroups(activity.posts || []);
  const root = rootPx();
  const gapEm = 1.2;
  const width = box.clientWidth;
  const height = box.clientHeight;
  const columns = Math.max(1, Math.min(4, Math.floor((width / root + gapEm) / (19 + gapEm))));
  const colWidth = (width - (columns - 1) * gapEm * root) / columns;
  const probe = h("div", { class: "wall-col wall-probe", style: { width: `${colWidth}px` } });
  box.replaceChildren(probe);

  const pack = (sizeEm) => {
    probe.style.fontSize = `${sizeEm * root}px`;
    probe.style.width = `${colWidth}px`;
    const gap = parseFloat(getComputedStyle(probe).rowGap) || 0;
    const measure = (el, wide = false) => {
      probe.style.width = `${wide ? width : colWidth}px`;
      probe.replaceChildren(el);
      return el.getBoundingClientRect().height;
    };
    const room = height - 2; // sub-pixel rounding must never push a post past the edge
    const pages = [];
    let page = null;
    let col = null;
    const newPage = () => { page = []; pages.push(page); };
    const newColumn = (wide = false) => {
      if (!page || page.length === columns || wide || page.some((c) => c.wide)) newPage();
      col = { items: [], used: 0, wide };
      page.push(col);
    };
    const fits = (hgt) => col.used + (col.items.length ? gap : 0) + hgt <= room;
    const put = (item, hgt) => { col.used += (col.items.length ? gap : 0) + hgt; col.items.push(item); };
    newColumn();
    for (const group of groups) {
      const head = measure(tableEl(group, false));
      const goesOn = measure(tableEl(group, true));
      group.posts.forEach((post, i) => {
        const hgt = measure(postEl(post));
        if (hgt > room - goesOn - gap) {
          // Taller than a column: a page of its own, the wall's whole width, in larger text
          // when that still fits.
          newColumn(true);
          for (const scale of [1.3, 1.15, 1]) {
            probe.style.fontSize = `${scale * sizeEm * root}px`;
            col.scale = scale;
            if (measure(tableEl(group, i > 0), true) + gap * scale + measure(postEl(post), true) <= room) break;
          }
          probe.style.fontSize = `${sizeEm * root}px`;
          put({ group, continued: i > 0 }, 0);
          put({ post }, 0);
          col.used = room; // nothing more on this page
          return;
        }
        const need = i === 0 ? head + gap + hgt : hgt;
        if ((col.items.length && !fits(need)) || col.wide) newColumn();
        if (i === 0) put({ group, continued: false }, head);
        else if (!col.items.length) put({ group, continued: true }, goesOn);
        put({ post }, hgt);
      });
    }
    if (pages.length > 1 && !pages[pages.length - 1].some((c) => c.items.length)) pages.pop();
    return { pages: pages.filter((p) => p.some((c) => c.items.length)), sizeEm };
  };

  let chosen = null;
  for (const sizeEm of [1.6, 1.45, 1.3, 1.2]) {
    const packed = pack(sizeEm);
    if (packed.pages.length === 1) { chosen = packed; break; }
  }
  chosen = chosen || pack(1.1);

  box.replaceChildren(...chosen.pages.map((p, n) => h("div", { class: "wall-page", hidden: true, dataset: { n: String(n) } },
    p.map((c) => h("div", { class: `wall-col${c.wide ? " is-wide" : ""}`,
      style: { width: `${c.wide ? width : colWidth}px`, fontSize: c.scale ? `${c.scale}em` : "" } },
      c.items.map((it) => (it.post ? postEl(it.post) : tableEl(it.group, it.continued))))))));
  box.style.setProperty("--wall-gap", `${gapEm * root}px`);
  box.style.fontSize = `${chosen.sizeEm * root}px`;
  return chosen.pages.length;
}

export function showWallPage(n) {
  const box = stage.querySelector(".wall");
  if (!box) return;
  wall.page = ((n % wall.pages) + wall.pages) % wall.pages;
  for (const p of box.querySelectorAll(".wall-page")) p.hidden = Number(p.dataset.n) !== wall.page;
  box.dataset.page = String(wall.page + 1);
  box.dataset.pages = String(wall.pages);
  const pager = stage.querySelector(".wall-pager");
  if (pager) {
    pager.hidden = wall.pages < 2;
    replace(pager, h("span", {}, fmt(S.page_of, { n: wall.page + 1, total: wall.pages })),
      h("span", { class: "pager-dots", "aria-hidden": "true" },
        Array.from({ length: Math.min(wall.pages, 12) }, (_, i) => h("span", { class: i === wall.page ? "is-on" : "" }))));
  }
}

export function startWallTimer() {
  clearInterval(wall.timer);
  wall.timer = wall.pages > 1 ? setInterval(() => showWallPage(wall.page + 1), WALL_SECONDS * 1000) : null;
}

/** Draw (or redraw after a resize or a new state) the wall of the current state. */
export function drawWall(state) {
  const box = stage.querySelector(".wall");
  const activity = state && state.activity;
  if (!box || !activity) { clearInterval(wall.timer); wall.timer = null; wall.activity = null; return; }
  // The facilitator can step the pages from the console (`screen.wall_page`, from 0): when it
  // changes, that page (modulo the pages there are) comes, and the paging goes on from there.
  const asked = screenFlags(state).wall_page;
  const newWall = wall.activity !== activity.id;
  if (newWall) { wall.activity = activity.id; wall.page = 0; wall.stepped = asked; }
  wall.pages = layoutWall(box, activity);
  if (!newWall && Number.isInteger(asked) && asked !== wall.stepped) { wall.stepped = asked; wall.page = asked; startWallTimer(); }
  else if (!wall.timer) startWallTimer();
  showWallPage(wall.page);
  if (wall.pages < 2) { clearInterval(wall.timer); wall.timer = null; }
}
