// A digital table's video meeting on the phone (hybrid days): one big link to the meeting to
// be in now — the table's own while the tables talk, else the plenary's — or a short line
// when the facilitator has not added that link yet. All of it comes from the `table` frame's
// `meeting` ({table, plenary, now}; null at a room table, where nothing shows). The address
// only ever goes into `href`, and only an http(s) one; no HTML is built from it.
import { h } from "./dom.js";

/** The address as given if it is an http(s) one, else null. */
export function safeUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Which link to offer: {which: "table" | "plenary" | null, url}. */
export function meetingChoice(meeting) {
  const table = safeUrl(meeting.table);
  const plenary = safeUrl(meeting.plenary);
  if (meeting.now === "table" && table) return { which: "table", url: table };
  if (plenary) return { which: "plenary", url: plenary };
  return { which: null, url: null };
}

/** createMeeting({S}) → {draw(tableFrame, welcome)}: fills `#meeting` in place. */
export function createMeeting({ S }) {
  const section = document.getElementById("meeting");
  const link = h("a", {
    class: "button primary huge meeting-link", id: "meeting-link", target: "_blank", rel: "noopener noreferrer",
  });
  const hint = h("p", { class: "meeting-hint", id: "meeting-hint" }, S.meeting_hint);
  const missing = h("p", { class: "meeting-missing", id: "meeting-missing", role: "status" }, S.meeting_missing);
  link.setAttribute("aria-describedby", "meeting-hint");
  if (section) section.append(link, hint, missing);

  function draw(frame, welcome) {
    if (!section) return;
    const meeting = frame && frame.meeting;
    const ended = !!(welcome && welcome.closed);
    section.hidden = !meeting || ended;
    if (section.hidden) return;
    const { which, url } = meetingChoice(meeting);
    section.dataset.now = meeting.now === "table" ? "table" : "plenary";
    link.hidden = !url;
    hint.hidden = !url;
    missing.hidden = !!url;
    if (!url) {
      link.removeAttribute("href");
      return;
    }
    if (link.getAttribute("href") !== url) link.setAttribute("href", url);
    const text = which === "table" ? S.meeting_table : S.meeting_plenary;
    if (link.textContent !== text) link.textContent = text;
    link.dataset.which = which;
  }

  return { draw };
}
