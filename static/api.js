// JSON calls from the console. The session cookie rides along (same origin); errors come
// back as {"error": "…"} and are thrown as Error(message) for the page to show.
export async function request(method, url, body) {
  let res;
  try {
    res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined
        ? { Accept: "application/json" }
        : { "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(postJSON.offlineMessage || "Network error");
  }
  if (res.status === 204) return {};
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
  return data;
}

export const postJSON = (url, body = {}) => request("POST", url, body);
export const patchJSON = (url, body = {}) => request("PATCH", url, body);
export const getJSON = (url) => request("GET", url);
export const deleteJSON = (url) => request("DELETE", url);
