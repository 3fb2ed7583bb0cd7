// The print button on the table cards page (no inline handlers, so a strict CSP can apply).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
