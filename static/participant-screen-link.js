// The way from the phone to the screen view (`/j/{code}/screen`, screen-viewer.js). At a
// digital table (people at home cannot see the projector) it is a big button; in the room a
// small link, for anyone who reads the screen better close up. Its own element (#screen-link),
// beside whatever else the phone's head holds (a meeting link, say).
import { h, replace } from "./dom.js";

let placeholder = null; // where the template put the element

/** A projector screen on its stand, drawn (no emoji font needed). */
function screenIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "screen-link-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M2 2h20v12H2zM12 14v4M7 19h10");
  svg.append(path);
  return svg;
}

/** Draw the link: `table` is the last `table` frame (its `table.kind`), `seated` whether the
 * phone is in (welcomed, not replaced by another screen). */
export function drawScreenLink(el, { S, code, table, seated }) {
  if (!el) return;
  const kind = table && table.table ? table.table.kind : null;
  const sig = !seated ? "" : kind === "digital" ? "digital" : "room";
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  el.hidden = !sig;
  // At a digital table the button sits near the top, where the template put it; in the room
  // the link goes to the foot of the page, so the question keeps the first screen.
  if (!placeholder) placeholder = el.parentElement.insertBefore(document.createComment("screen-link"), el);
  if (sig === "room") el.parentElement.append(el);
  else placeholder.after(el);
  if (!sig) { replace(el); return; }
  const href = `/j/${encodeURIComponent(code)}/screen`;
  replace(el, sig === "digital"
    ? h("a", { class: "button primary huge screen-link-big", href, id: "show-screen" },
      screenIcon(), h("span", { class: "screen-link-text" }, S.show_screen))
    : h("a", { class: "screen-link-small", href, id: "show-screen" }, S.show_screen_small));
}
