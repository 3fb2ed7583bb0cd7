// The run-of-show bar at the top of the console: where the room is, what "Next" moves to,
// the one big "Next" button, a countdown for table talk, and whether the day is behind plan.
// After the last step "Next" goes to the closing (a thank-you slide); there the one action is
// "Close the session"; a closed session can be reopened, and its results stay readable.
import { fmt, h } from "./dom.js";
import { titleOf } from "./console-activity.js";
import { behindPlan, secondsLeft, mmss, timerToShow } from "./schedule.js";

const $ = (id) => document.getElementById(id);

/** "Segment · activity" for a step {segment, activity} of the plan. */
export function stepTitle(s, segmentId, activityId) {
  const segment = (s.segments || []).find((x) => x.id === segmentId);
  const activity = (s.activities || []).find((x) => x.id === activityId);
  return [segment && segment.title, activity && titleOf(activity)].filter(Boolean).join(" · ");
}

export function createRunBar({ S, act, api, clock, toast }) {
  let state = null;
  const timerMemory = {};

  $("next-button").addEventListener("click", (e) => act(e.currentTarget, api.next));
  $("reveal-button").addEventListener("click", (e) => {
    const current = state && (state.activities || []).find((a) => a.id === state.current);
    if (current) act(e.currentTarget, () => api.setState(current.id, "revealed"));
  });
  for (const button of document.querySelectorAll("[data-timer]")) {
    button.addEventListener("click", () => act(button, () => api.timer(Number(button.dataset.timer))));
  }
  for (const button of document.querySelectorAll("[data-add]")) {
    button.addEventListener("click", () => act(button, () => api.addTime(Number(button.dataset.add))));
  }
  $("close-session").addEventListener("click", (e) => {
    if (!window.confirm(S.close_confirm)) return;
    act(e.currentTarget, async () => { await api.close(); toast(S.session_closed_toast, "ok"); });
  });
  $("reopen-session").addEventListener("click", (e) =>
    act(e.currentTarget, async () => { await api.reopen(); toast(S.session_reopened, "ok"); }));
  $("timer-stop").addEventListener("click", (e) => {
    timerMemory.last = null;
    act(e.currentTarget, () => api.timer(0));
    tick();
  });

  function draw(s) {
    state = s;
    const current = (s.activities || []).find((a) => a.id === s.current) || null;
    const closed = !!(s.session && s.session.closed);
    const closing = !!s.closing;
    const nowText = closed ? S.session_closed : closing ? S.closing_now : stepTitle(s, s.current_segment, s.current);
    $("run-now").textContent = nowText || (current ? titleOf(current) : S.run_not_started);
    $("run-now").classList.toggle("muted", !nowText && !current);

    const next = s.next;
    const toClosing = !!(next && next.closing);
    const hasPlan = (s.segments || []).length > 0 || (s.activities || []).length > 0;
    $("run-next").textContent = closed ? "" : closing ? S.close_session_next : toClosing ? S.closing_next
      : next ? stepTitle(s, next.segment, next.activity) : hasPlan ? S.end_of_plan : S.plan_empty;
    $("run-next").classList.toggle("muted", !next && !closing);
    $("run-next").closest(".run-line").hidden = closed;
    const nextButton = $("next-button");
    nextButton.hidden = closed || closing;
    nextButton.disabled = !next;
    nextButton.classList.toggle("to-closing", toClosing);
    const label = toClosing ? S.finish : S.next_label;
    if (nextButton.dataset.label !== label) {
      nextButton.dataset.label = label;
      nextButton.replaceChildren(label, " ", h("span", { "aria-hidden": "true" }, "→"));
    }
    $("close-session").hidden = closed || !closing;
    $("reopen-session").hidden = !closed;
    $("run-bar").classList.toggle("is-closed", closed);
    $("closed-banner").hidden = !closed;
    document.querySelector(".run-timer").hidden = closed;

    const revealable = !closed && current && (current.state === "open" || current.state === "closed");
    $("reveal-button").hidden = !revealable;
    $("reveal-button").textContent = current && current.kind === "reflection" ? S.show_posts : S.reveal;
    tick();
  }

  /** Redrawn every second: the countdown and the lateness. */
  function tick() {
    if (!state) return;
    const now = clock.now();
    const timer = timerToShow(timerMemory, state.timer, now);
    const left = timer && timer.up ? 0 : secondsLeft(timer, now);
    const box = $("timer-left");
    box.hidden = left === null;
    box.dataset.state = left === 0 ? "up" : "running";
    const text = left === 0 ? S.time_up : left === null ? "" : mmss(left);
    if (box.textContent !== text) box.textContent = text;
    $("timer-stop").hidden = left === null;
    // ±1 min changes the timer the server has; one remembered after it ran out is not there.
    const adjustable = !!state.timer;
    $("timer-less").hidden = !adjustable;
    $("timer-more").hidden = !adjustable;
    $("timer-less").disabled = left !== null && left <= 0;

    const status = $("plan-status");
    const closed = !!(state.session && state.session.closed);
    const behind = closed || state.closing ? null : behindPlan(state.segment, now, state.days);
    status.hidden = !behind;
    if (behind) {
      status.dataset.level = behind.level;
      const label = behind.level === "on-time" ? S.on_time : fmt(S.behind_plan, { n: behind.minutes });
      if (status.textContent !== label) status.textContent = label;
    }
  }

  setInterval(tick, 500);
  return { draw, tick };
}
