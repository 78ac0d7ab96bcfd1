"""Accessibility and phone-layout checks shared by the browser tests.

axe-core is vendored in static/vendor/axe-core (with its licence) and injected by the test
itself, never by the product: the site's Content-Security-Policy forbids inline scripts, so it
goes in through Playwright's `add_script_tag(content=...)` in a context that bypasses the
policy for the test's own script only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from playwright.sync_api import Page

from tests.processes import REPO_ROOT

AXE_SOURCE = REPO_ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
# What must never ship: axe's "serious" and "critical" findings.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
PHONE_WIDTH = 375


@cache
def axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[str]:
    """axe's serious and critical findings on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    results = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " +
                    (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 200)),
            }));
        }"""
    )
    return [
        f"{page.url} [{found['impact']}] {found['id']}: {found['help']}\n    "
        + "\n    ".join(found["targets"])
        for found in results
        if found["impact"] in BLOCKING_IMPACTS
    ]


def overflow(page: Page, width: int = PHONE_WIDTH) -> str | None:
    """Why the page scrolls sideways in a `width` window (the widest culprits), or None."""
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width <= width:
        return None
    culprits = page.evaluate(
        """(width) => [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > width + 0.5)
            .slice(0, 6)
            .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                 (el.className && typeof el.className === "string" ?
                  "." + el.className.trim().split(/\\s+/).join(".") : "") +
                 " right=" + Math.round(el.getBoundingClientRect().right))""",
        width,
    )
    return f"{page.url} is {scroll_width}px wide at {width}px: {', '.join(culprits)}"


MIN_TARGET = 44  # px: a fingertip, for every radio button and checkbox on a phone


def small_choices(page: Page) -> list[str]:
    """Radio buttons and checkboxes whose tap target (the input or a label of it) is smaller
    than MIN_TARGET in either direction."""
    return page.evaluate(
        """(minimum) => [...document.querySelectorAll("input[type=radio], input[type=checkbox]")]
            .filter(input => input.offsetParent !== null || input.labels.length)
            .filter(input => {
                const boxes = [input, ...input.labels].map(el => el.getBoundingClientRect())
                    .filter(box => box.width > 0 && box.height > 0);
                return boxes.length &&
                    !boxes.some(box => box.width >= minimum - 0.5 && box.height >= minimum - 0.5);
            })
            .slice(0, 5)
            .map(input => (input.name || input.id) + "=" + input.value + " (" +
                [input, ...input.labels].map(el => {
                    const box = el.getBoundingClientRect();
                    return Math.round(box.width) + "x" + Math.round(box.height);
                }).join(", ") + ")")""",
        MIN_TARGET,
    )


def clipped_links(page: Page, width: int = PHONE_WIDTH) -> list[str]:
    """Links of a navigation landmark that do not show whole in the window (cut off by the
    edge of the screen or by a scrolling strip), e.g. "Dash" for "Dashboard"."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll("nav a")]
            .filter(link => link.offsetParent !== null)
            .filter(link => {
                const box = link.getBoundingClientRect();
                if (box.left < -0.5 || box.right > width + 0.5) return true;
                for (let el = link.parentElement; el; el = el.parentElement) {
                    const style = getComputedStyle(el);
                    if (style.overflowX === "visible") continue;
                    const edge = el.getBoundingClientRect();
                    if (box.left < edge.left - 0.5 || box.right > edge.right + 0.5) return true;
                }
                return false;
            })
            .map(link => link.textContent.trim())""",
        width,
    )


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    def check(self, page: Page, *, statuses: Iterable[int] = (200,)) -> None:
        self.pages += 1
        if (found := overflow(page)) is not None:
            self.problems.append(found)
        if clipped := clipped_links(page):
            self.problems.append(f"{page.url} cuts off navigation links: {', '.join(clipped)}")
        if small := small_choices(page):
            self.problems.append(f"{page.url} has small tap targets: {', '.join(small)}")
        self.problems.extend(axe_violations(page))

    def report(self, role: str) -> str:
        return f"{role}: {len(self.problems)} problem(s) on {self.pages} page(s):\n" + "\n".join(
            self.problems
        )


def first_href(page: Page, selector: str, pattern: str) -> str:
    """The first link under `selector` whose path matches `pattern` (a discovered URL)."""
    for href in page.locator(f"{selector} a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        if href and re.search(pattern, href):
            return str(href)
    raise AssertionError(f"No link matching {pattern} under {selector} on {page.url}")
