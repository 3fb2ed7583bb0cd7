// JSON calls from the console. The session cookie rides along (same origin); errors come
// back as {"error": "…"} and are thrown as Error(message) for the page to show.
export async function postJSON(url, body = {}) {
  let res;
  try {
    res = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error(postJSON.offlineMessage || "Network error");
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
  return data;
}
