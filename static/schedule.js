// Times of the day's plan as pure functions (tested in tests/test_browser_agenda.py), and a
// clock that follows the server's: every state carries the server's `now`, so a laptop or a
// phone whose clock is a few minutes off still counts down and measures lateness right.

/** "HH:MM" → minutes after midnight, or null when it is not a time. */
export function parseClock(text) {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(text ?? "").trim());
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  return hours > 23 || minutes > 59 ? null : hours * 60 + minutes;
}

/** Minutes after midnight → "HH:MM" (past midnight wraps round). */
export function formatClock(total) {
  const t = ((Math.round(total) % 1440) + 1440) % 1440;
  return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
}

/** The day entry ({day, start, started_at}) of `segment` in `days` (state.days), or null. */
export function dayOf(segment, days) {
  if (!segment || !Array.isArray(days)) return null;
  const day = segment.day || 1;
  return days.find((d) => d && (d.day || 1) === day) || null;
}

/** Epoch seconds when `segment` really starts: its day's `started_at` + `offset` minutes;
 * null when the day has not started (or the segment has no offset). */
export function actualStart(segment, days) {
  const day = dayOf(segment, days);
  if (!day || typeof day.started_at !== "number" || typeof segment.offset !== "number") return null;
  return day.started_at + segment.offset * 60;
}

/** Epoch seconds → minutes after local midnight. */
const localMinutes = (epoch) => {
  const d = new Date(epoch * 1000);
  return d.getHours() * 60 + d.getMinutes() + d.getSeconds() / 60;
};

/**
 * A segment's time: "10:30–11:30"; "10:30" without minutes; "" without a start. With `days`
 * (state.days) and its day started, the times follow the clock: day's `started_at` + `offset`
 * (local time); else the planned `start` the server computed from the day's planned start.
 */
export function planRange(segment, days) {
  if (!segment) return "";
  const actual = actualStart(segment, days);
  const start = actual !== null ? Math.floor(localMinutes(actual)) : parseClock(segment.start);
  if (start === null) return "";
  return segment.minutes > 0 ? `${formatClock(start)}–${formatClock(start + segment.minutes)}` : formatClock(start);
}

/** Epoch seconds of "HH:MM" on the local calendar day that contains `nowSeconds`. */
export function plannedAt(start, nowSeconds) {
  const minutes = parseClock(start);
  if (minutes === null) return null;
  const day = new Date(nowSeconds * 1000);
  day.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  return day.getTime() / 1000;
}

export const ON_TIME_BELOW = 2; // minutes: a minute or so late is on time, not worth a colour
export const LATE_FROM = 10; // minutes: from here the warning turns red

/**
 * How far behind plan the room is in `segment` ({start, offset, minutes, day, started_at}) at
 * `nowSeconds` (epoch seconds, already corrected by the server's clock):
 *   lateness = max(started_at − start, now − (start + minutes)), in whole minutes, ≥ 0.
 * With `days` (state.days), `start` is the actual one: the day's `started_at` + `offset`
 * minutes, and the answer is null while the day has not started. Without `days` (an older
 * state), `start` is the planned "HH:MM" today, local time, and null when there is none.
 * A segment without minutes has no planned end; one not yet started counts from its end only.
 * Else {minutes, level}: level "on-time" (under 2 minutes), "behind" (2–9) or "late" (10 or more).
 */
export function behindPlan(segment, nowSeconds, days) {
  if (!segment || typeof nowSeconds !== "number") return null;
  const start = Array.isArray(days) ? actualStart(segment, days) : plannedAt(segment.start, nowSeconds);
  if (start === null) return null;
  const late = [0];
  if (typeof segment.started_at === "number") late.push(segment.started_at - start);
  if (segment.minutes > 0) late.push(nowSeconds - (start + segment.minutes * 60));
  const minutes = Math.floor(Math.max(...late) / 60);
  const level = minutes >= LATE_FROM ? "late" : minutes >= ON_TIME_BELOW ? "behind" : "on-time";
  return { minutes, level };
}

/** Whole seconds left on a timer ({ends_at}) at `nowSeconds`, never below 0; null without one. */
export function secondsLeft(timer, nowSeconds) {
  if (!timer || typeof timer.ends_at !== "number") return null;
  return Math.max(0, Math.ceil(timer.ends_at - nowSeconds - 0.05));
}

/** 272 → "04:32"; an hour or more → "1:02:05". */
export function mmss(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const two = (n) => String(n).padStart(2, "0");
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return `${two(Math.floor(s / 60))}:${two(s % 60)}`;
}

/** How long "Time is up" stays after a timer has run out, when no new timer comes. */
export const TIME_UP_SECONDS = 60;

/**
 * The timer to show: the state's, or, from an older server that drops an expired timer from
 * its snapshots, the last one for a minute after it ran out (so the room still sees "Time is
 * up"). A timer with `up` stays in the state until Stop or the next step.
 * `memory` is an object the page keeps between calls.
 */
export function timerToShow(memory, timer, nowSeconds) {
  if (timer) {
    // A server that keeps a run-out timer in its state (with `up`) needs no memory: when its
    // state has no timer, the timer was stopped or its step is over.
    memory.last = "up" in timer ? null : timer;
    return timer;
  }
  const last = memory.last;
  if (last && nowSeconds >= last.ends_at - 1 && nowSeconds < last.ends_at + TIME_UP_SECONDS) return last;
  memory.last = null; // stopped early, or "Time is up" has been up long enough
  return null;
}

/** A clock corrected by the server's `now` (epoch seconds) from each state message. */
export function serverClock() {
  let offset = 0; // server minus this device, in seconds
  return {
    sync(serverNow) {
      if (typeof serverNow === "number" && Number.isFinite(serverNow)) offset = serverNow - Date.now() / 1000;
    },
    now: () => Date.now() / 1000 + offset,
  };
}
