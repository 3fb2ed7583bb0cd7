// The console's part for hybrid days: the "Join from home" box beside the room's join link
// (the link with a Copy button, its QR code, how many digital tables and people at them, and
// "Add a digital table"), and the "Video meetings" card: the plenary's link, the pattern for
// the digital tables' links ({table} = the digital table's place among them: 1, 2 …) and each digital table's link,
// with an own link instead of the pattern's. From the console state's `hybrid` and `tables`.
// Links and names are user text: they only ever become text nodes or checked hrefs.
import { h, fmt, arrange } from "./dom.js";
import { postJSON } from "./api.js";

const DIGITAL = "digital";
const $ = (id) => document.getElementById(id);

/** A link the server accepted (http or https only): safe as an href. */
const isWeb = (url) => typeof url === "string" && /^https?:\/\//i.test(url);

/** The small "Digital" tag the console's lists of tables put after a digital table's name. */
export function digitalTag(table, S) {
  return table && table.kind === DIGITAL ? h("span", { class: "badge digital-tag" }, S.hy_digital_tag) : null;
}

export function createHybrid({ S, act, toast, base }) {
  const none = $("home-none");
  const homeLink = $("home-link");
  const copy = $("copy-home");
  const counts = $("home-counts");
  const missing = $("home-missing");
  const card = $("meetings-panel");
  const form = $("meetings-form");
  const plenary = $("plenary-url");
  const pattern = $("meeting-pattern");
  const list = $("meeting-tables");
  const error = $("meetings-error");
  const status = $("meetings-status");
  const rows = new Map(); // table number -> its row in the form, kept between redraws
  let edited = false; // typed in since the last save: live updates leave the fields alone
  let view = null; // the latest `hybrid` part, from the state or the last save
  let last = null; // the latest state

  function meetingRow(number) {
    const id = `own-link-${number}`;
    const row = {
      name: h("strong", { class: "hy-meeting-name" }),
      link: h("span", { class: "hy-meeting-link" }),
      input: h("input", { id, class: "input", type: "url", inputmode: "url", maxlength: "500", placeholder: "https://…", autocomplete: "off" }),
    };
    row.details = h("details", { class: "hy-meeting-own disclosure" },
      h("summary", {}, S.hy_own_link),
      h("label", { for: id, class: "sr-only" }, ""),
      row.input);
    row.label = row.details.querySelector("label");
    row.li = h("li", { class: "hy-meeting-row", dataset: { table: String(number) } },
      h("p", { class: "hy-meeting-head" }, row.name, " ", row.link), row.details);
    return row;
  }

  function drawLink(row, m) {
    row.name.textContent = m.name;
    row.label.textContent = fmt(S.hy_own_link_of, { table: m.name });
    const shown = isWeb(m.url)
      ? [h("a", { href: m.url, target: "_blank", rel: "noopener" }, m.url),
        m.own ? h("span", { class: "badge own-tag" }, S.hy_own_tag) : null]
      : [h("span", { class: "warn-text" }, S.hy_no_link)];
    row.link.replaceChildren(...shown.filter(Boolean));
  }

  /** The fields as saved, unless the facilitator is typing in them. */
  function fill(force = false) {
    if (edited && !force) return;
    plenary.value = view.plenary_url || "";
    pattern.value = view.meeting_pattern || "";
    for (const m of view.meetings) {
      const row = rows.get(m.number);
      row.input.value = m.own ? m.url || "" : "";
      if (m.own) row.details.open = true;
    }
  }

  function drawMeetings() {
    const nodes = view.meetings.map((m) => {
      let row = rows.get(m.number);
      if (!row) { row = meetingRow(m.number); rows.set(m.number, row); }
      drawLink(row, m);
      return row.li;
    });
    for (const number of [...rows.keys()]) {
      if (!view.meetings.some((m) => m.number === number)) rows.delete(number);
    }
    arrange(list, nodes);
  }

  function drawHome(s) {
    const digital = (s.tables || []).filter((t) => t.kind === DIGITAL);
    const has = digital.length > 0;
    none.hidden = has;
    for (const el of [homeLink.parentElement, $("home-qr"), copy, counts]) el.hidden = !has;
    card.hidden = !has;
    const url = has && isWeb(view.join_home_url) ? view.join_home_url : "";
    if (homeLink.textContent !== url) {
      homeLink.textContent = url;
      homeLink.href = url || "#";
    }
    const people = digital.reduce((n, t) => n + (t.seated || 0), 0);
    counts.textContent = fmt(S.hy_counts, { n: digital.length, people });
    missing.hidden = !has || (!!view.plenary_url && view.meetings.every((m) => isWeb(m.url)));
  }

  form.addEventListener("input", () => {
    edited = true;
    status.textContent = S.hy_unsaved;
    status.dataset.state = "unsaved";
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const button = form.querySelector("[type=submit]");
    const tables = {};
    for (const [number, row] of rows) tables[String(number)] = row.input.value.trim() || null;
    const body = { plenary: plenary.value.trim() || null, pattern: pattern.value.trim() || null, tables };
    error.hidden = true;
    button.disabled = true;
    status.textContent = "";
    postJSON(`${base}/meetings`, body).then((saved) => {
      view = { ...view, ...saved, join_home_url: view.join_home_url };
      edited = false;
      drawMeetings();
      fill(true);
      if (last) drawHome(last);
      status.textContent = S.saved;
      status.dataset.state = "saved";
    }, (err) => {
      error.textContent = err.message; // the server's plain-language reason
      error.hidden = false;
      status.textContent = S.hy_unsaved;
      status.dataset.state = "unsaved";
    }).finally(() => { button.disabled = false; });
  });

  $("add-digital").addEventListener("click", (e) => act(e.currentTarget, async () => {
    const table = await postJSON(`${base}/tables`, { kind: DIGITAL });
    toast(fmt(S.hy_added, { table: table.name }), "ok");
  }));

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(homeLink.textContent);
    } catch { // no clipboard API (plain http): select the link so Ctrl+C works
      const range = document.createRange();
      range.selectNodeContents(homeLink);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      document.execCommand && document.execCommand("copy");
    }
    toast(S.hy_copied, "ok");
  });

  $("home-set-links").addEventListener("click", (e) => {
    e.preventDefault();
    card.scrollIntoView({ block: "start", behavior: "smooth" });
    const empty = [plenary, pattern].find((input) => !input.value) || plenary;
    empty.focus({ preventScroll: true });
  });

  return {
    draw(s) {
      if (!s || !s.hybrid) return;
      view = s.hybrid;
      last = s;
      drawMeetings();
      fill();
      drawHome(s);
    },
  };
}
