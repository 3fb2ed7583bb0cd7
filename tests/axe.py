"""axe-core (Deque's accessibility rules) in a Playwright page: WCAG 2.1 A and AA.

`make test` installs the pinned axe-core from the npm registry into `.axe/` (see the Makefile);
`AXE_JS` is its browser bundle. It is evaluated through the DevTools protocol, which the
page's Content-Security-Policy (no inline script) does not govern: the pages need no exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE_JS = (
    Path(__file__).resolve().parent.parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations of WCAG 2.1 A/AA on the page as it is now, each with its nodes."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        assert AXE_JS.exists(), f"{AXE_JS} is missing: `make test` installs axe-core from npm"
        await page.evaluate(AXE_JS.read_text() + "\n;undefined")
    result = await page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})""",
        TAGS,
    )
    return result["violations"]


def report(found: list[dict[str, Any]], where: str = "") -> str:
    """The violations as an assertion message a person can act on."""
    lines = [f"{len(found)} axe violation(s){' on ' + where if where else ''}:"]
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {node['html'][:140]}")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


async def check(page: Page, where: str, found: dict[str, str]) -> None:
    """Run axe on the page now and file its violations under `where` (none: nothing filed)."""
    result = await violations(page)
    if result:
        found[where] = report(result, where)
