// "Import a session file" on the dashboard: a file saved from a console ("the whole session
// (JSON)") becomes a new session of this facilitator's, and the page goes on to its console.
// The file is sent as it is; the server checks it and says what is wrong, and where.
const form = document.getElementById("import-session");

if (form) {
  const input = form.querySelector("input[type=file]");
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector(".import-status");
  const problem = form.querySelector(".import-problem");
  const say = (node, text) => { node.textContent = text; node.hidden = !text; };

  input.addEventListener("change", () => say(problem, "")); // a new file: the old problem is gone

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(problem, "");
    const file = input.files && input.files[0];
    if (!file) { say(problem, form.dataset.noFile); input.focus(); return; }
    button.disabled = true;
    say(status, form.dataset.busy);
    try {
      const text = await file.text();
      let res;
      try {
        res = await fetch("/api/sessions/import", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: text,
        });
      } catch {
        throw new Error(form.dataset.offline);
      }
      const data = await res.json().catch(() => ({}));
      if (!res.ok || !data.console_url) throw new Error(data.error || `${res.status} ${res.statusText}`);
      say(status, form.dataset.done);
      window.location.assign(data.console_url);
    } catch (err) {
      say(status, "");
      say(problem, err.message);
      button.disabled = false;
    }
  });
}
