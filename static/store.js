// What a phone keeps across reloads, sleeps and lost connections, in localStorage:
//   workshop.seat.<code>    {token, participant_id, table}
//   workshop.outbox.<code>  [frame, …] submissions not yet acknowledged, oldest first
//   workshop.answers.<code> {activityId: {vote, posts}} what the server has confirmed
//   workshop.story.<code>   {activityId: true} activities whose case story is unfolded
// The outbox is written BEFORE a frame is sent, so nothing is lost if the page dies.

function load(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback; // private mode or a damaged value: start clean
  }
}

function save(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or blocked: we still work from memory */
  }
}

/** A random id; crypto.randomUUID is missing on older phones and on plain http. */
export function newId() {
  if (window.crypto && typeof crypto.randomUUID === "function") {
    try {
      return crypto.randomUUID();
    } catch { /* insecure context */ }
  }
  const bytes = new Uint8Array(16);
  if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function createStore(code) {
  const keys = {
    seat: `workshop.seat.${code}`,
    outbox: `workshop.outbox.${code}`,
    answers: `workshop.answers.${code}`,
    story: `workshop.story.${code}`,
  };
  let outbox = load(keys.outbox, []);
  let confirmed = load(keys.answers, {});
  if (!Array.isArray(outbox)) outbox = [];

  return {
    seat: () => load(keys.seat, null),
    setSeat: (seat) => save(keys.seat, seat),

    /** Forget everything about this seat (the server no longer knows it). */
    forget() {
      outbox = [];
      confirmed = {};
      save(keys.seat, null);
      save(keys.outbox, null);
      save(keys.answers, null);
      save(keys.story, null);
    },

    outbox: () => outbox.slice(),

    /** Queue a frame. A newer vote replaces an unsent older vote on the same activity, and
     * a newer table change an unsent older one. */
    enqueue(frame) {
      if (frame.type === "vote") {
        outbox = outbox.filter((f) => !(f.type === "vote" && f.activity === frame.activity));
      } else if (frame.type === "seat") {
        outbox = outbox.filter((f) => f.type !== "seat");
      }
      outbox.push(frame);
      save(keys.outbox, outbox);
    },

    /** The server stored it: move it from the outbox into the confirmed answers. */
    ack(id) {
      const frame = outbox.find((f) => f.id === id);
      if (!frame) return null;
      outbox = outbox.filter((f) => f.id !== id);
      applyFrame(confirmed, frame);
      save(keys.outbox, outbox);
      save(keys.answers, confirmed);
      return frame;
    },

    /** The server refused it: drop it, nothing was stored. */
    reject(id) {
      const frame = outbox.find((f) => f.id === id) || null;
      outbox = outbox.filter((f) => f.id !== id);
      save(keys.outbox, outbox);
      return frame;
    },

    /** A welcome carries the server's truth for everything it has acknowledged. */
    setConfirmed(answers) {
      confirmed = answers && typeof answers === "object" ? answers : {};
      save(keys.answers, confirmed);
    },

    /** Is the case story of this activity unfolded (kept across reloads and reconnects)? */
    storyOpen: (activityId) => !!load(keys.story, {})[String(activityId)],
    setStoryOpen(activityId, open) {
      const all = load(keys.story, {});
      if (open) all[String(activityId)] = true;
      else delete all[String(activityId)];
      save(keys.story, all);
    },

    /** What to show: the server's answers with the pending outbox laid on top. */
    answers() {
      const merged = JSON.parse(JSON.stringify(confirmed));
      for (const frame of outbox) applyFrame(merged, frame, true);
      return merged;
    },
  };
}

function applyFrame(answers, frame, pending = false) {
  if (frame.type !== "vote" && frame.type !== "post") return; // a table change is no answer
  const key = String(frame.activity);
  const entry = answers[key] || (answers[key] = { vote: null, posts: [] });
  if (!Array.isArray(entry.posts)) entry.posts = [];
  if (frame.type === "vote") {
    entry.vote = { option: frame.option, why: frame.why || "", pending };
  } else if (frame.type === "post") {
    if (!entry.posts.some((p) => p.id === frame.id)) {
      entry.posts.push({ id: frame.id, text: frame.text, pending });
    }
  }
}
