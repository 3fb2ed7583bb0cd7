// High contrast for a bright room (screen-contrast.css): black on white, every bar edged.
// Chosen with ?contrast=high (or =normal) in the screen's address, as the console's
// "High contrast" link opens it, or with the "K" key at the screen; this screen remembers it.
const KEPT = "workshop.screen.contrast";

function kept() {
  try { return localStorage.getItem(KEPT) === "high"; } catch { return false; }
}

export function setContrast(high) {
  document.body.classList.toggle("contrast-high", high);
  try { localStorage.setItem(KEPT, high ? "high" : "normal"); } catch { /* private mode */ }
}

export function setupContrast() {
  const asked = new URLSearchParams(window.location.search).get("contrast");
  setContrast(asked === "high" || asked === "normal" ? asked === "high" : kept());
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.toLowerCase() !== "k") return;
    if (event.target instanceof Element && event.target.closest("input, textarea, select")) return;
    setContrast(!document.body.classList.contains("contrast-high"));
  });
}
