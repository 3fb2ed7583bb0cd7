// The console's state from its socket's frames (workshop/console_feed.py, docs/api.md):
// `plan` (cases, glossary, activities' texts) when it changes, `live` (everything else) in
// full, then `delta` frames that patch the last live state. The live part arrives keyed:
// each list of objects as {"[]": [ids in order], "<id>": item, ...} or, when its items have
// no distinct ids, {"[]": length, "0": first, ...}; a patch is a JSON merge patch in which
// null is a value and an object's removed keys are listed under "[-]".

const LENGTH = "[]";
const GONE = "[-]";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** `target` with `patch` applied; `target` is left as it was. */
export function applyPatch(target, patch) {
  if (!isObject(patch)) return patch;
  const out = isObject(target) ? { ...target } : {};
  for (const key of patch[GONE] || []) delete out[key];
  for (const [key, value] of Object.entries(patch)) {
    if (key !== GONE) out[key] = isObject(value) ? applyPatch(out[key], value) : value;
  }
  return out;
}

/** A deep copy of `value` with keyed lists as lists again. */
export function unkeyed(value) {
  if (Array.isArray(value)) return value.map(unkeyed);
  if (!isObject(value)) return value;
  if (LENGTH in value) {
    const order = value[LENGTH];
    const keys = Array.isArray(order) ? order.map(String) : Array.from({ length: order }, (_, i) => String(i));
    return keys.map((key) => unkeyed(value[key]));
  }
  const out = {};
  for (const [key, v] of Object.entries(value)) out[key] = unkeyed(v);
  return out;
}

/** The full state (a fresh copy) from the plan and the keyed live part. */
export function joined(plan, live) {
  const state = unkeyed(live);
  const texts = new Map((plan.activities || []).map((a) => [a.id, a]));
  for (const [key, value] of Object.entries(plan)) if (key !== "activities") state[key] = unkeyed(value);
  if (Array.isArray(state.activities)) {
    state.activities = state.activities.map((a) => ({ ...unkeyed(texts.get(a.id) || {}), ...a }));
  }
  return state;
}

/**
 * createFeed({onState, onLost}): `receive(message)` takes a socket frame; `onState(state)`
 * gets each full state the frames complete; `onLost()` when a delta does not follow the
 * state this page has (never expected: the page reconnects for a full state).
 */
export function createFeed({ onState, onLost = () => {} }) {
  let plan = null; // {hash, plan}
  let live = null; // {seq, plan (its hash), live}

  function emit() {
    if (plan && live && live.plan === plan.hash) onState(joined(plan.plan, live.live));
  }

  return {
    receive(m) {
      if (m.type === "plan") plan = { hash: m.hash, plan: m.plan };
      else if (m.type === "live") live = { seq: m.seq, plan: m.plan, live: m.live };
      else if (m.type === "delta") {
        if (!live || m.base !== live.seq) {
          live = null;
          onLost();
          return true;
        }
        live = { seq: m.seq, plan: m.plan, live: applyPatch(live.live, m.patch) };
      } else return false;
      emit();
      return true;
    },
    /** A new connection starts from its own full frames. */
    reset() {
      plan = null;
      live = null;
    },
  };
}
