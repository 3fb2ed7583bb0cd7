// A WebSocket that keeps itself alive: it reconnects with exponential backoff and jitter,
// reconnects at once when the network comes back or the phone wakes up, and answers the
// server's heartbeat. The server pings every 25 s, so a socket that has heard nothing for
// a minute is dead without knowing it (sleeping phone, Wi-Fi hand-over) and is replaced.

const MIN_DELAY = 500;
const MAX_DELAY = 10000;
const SERVER_PINGS_EVERY = 25000;
const DEAD_AFTER = 60000;
const CHECK_EVERY = 5000;
export const POLICY_VIOLATION = 1008; // the server refuses this seat, key or login for good
export const REPLACED = 4001; // the same seat was opened on more screens; this one gave way

/**
 * connect("/ws/ABC123/participant?token=…", {onMessage, onStatus, onRefused})
 * onStatus gets "connecting" | "open" | "closed" | "offline".
 * onRefused(reason) is called on close code 1008; no reconnect follows.
 * onReplaced(reason) is called on close code 4001 (the seat is open on another screen); no
 * reconnect follows either: reconnecting would close that other screen, and so on forever.
 */
export function connect(path, { onMessage, onStatus = () => {}, onRefused = () => {}, onReplaced = onRefused }) {
  let ws = null;
  let attempt = 0;
  let retryTimer = null;
  let lastHeard = Date.now();
  let stopped = false;

  const url = new URL(path, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";

  function open() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped) return;
    if (ws && ws.readyState <= WebSocket.OPEN) return; // connecting or open already
    onStatus(navigator.onLine === false ? "offline" : "connecting");
    const socket = new WebSocket(url.href);
    ws = socket;
    socket.addEventListener("open", () => {
      lastHeard = Date.now();
      onStatus("open");
    });
    socket.addEventListener("message", (event) => {
      lastHeard = Date.now();
      attempt = 0; // only a socket that really talks resets the backoff
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!message || message.type === "pong") return;
      if (message.type === "ping") send({ type: "pong" });
      else onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (ws !== socket) return; // an old socket we already replaced
      ws = null;
      if (event.code === POLICY_VIOLATION || event.code === REPLACED) {
        stopped = true;
        onStatus("closed");
        (event.code === REPLACED ? onReplaced : onRefused)(event.reason || "");
        return;
      }
      onStatus(navigator.onLine === false ? "offline" : "closed");
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    if (stopped || retryTimer) return;
    const ceiling = Math.min(MAX_DELAY, MIN_DELAY * 2 ** attempt);
    attempt += 1;
    // "Equal jitter": half fixed, half random, so 150 phones do not all return in step.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    retryTimer = setTimeout(open, delay);
  }

  /** Drop the current socket (maybe dead without knowing it) and dial again now. */
  function reconnectNow() {
    if (stopped) return;
    attempt = 0;
    if (ws) {
      const old = ws;
      ws = null;
      try { old.close(); } catch { /* already closing */ }
    }
    open();
  }

  function send(message) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  const watchdog = setInterval(() => {
    if (!stopped && ws && Date.now() - lastHeard > DEAD_AFTER) reconnectNow();
  }, CHECK_EVERY);

  const onOnline = () => reconnectNow();
  const onOffline = () => onStatus("offline");
  const onVisible = () => {
    if (document.visibilityState !== "visible") return;
    // A phone that slept usually holds a dead socket that still looks open.
    if (!ws || Date.now() - lastHeard > SERVER_PINGS_EVERY + 5000) reconnectNow();
    else send({ type: "ping" });
  };
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", onOffline);
  document.addEventListener("visibilitychange", onVisible);

  open();

  return {
    send,
    reconnectNow,
    isOpen: () => !!ws && ws.readyState === WebSocket.OPEN,
    close() {
      stopped = true;
      clearInterval(watchdog);
      clearTimeout(retryTimer);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisible);
      if (ws) ws.close();
      ws = null;
    },
  };
}
