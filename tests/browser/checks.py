"""What the browser tests look for on a page: axe-core's WCAG 2.2 AA rules, sideways overflow at
phone width, touch targets under 24 px, editorial markers in the text (ADR 0038)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.browser.conftest import AXE_JS

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
EDITORIAL_MARKERS = re.compile(r"\[M|domain notes|§", re.IGNORECASE)
MINIMUM_TARGET_PX = 24

# Interactive elements that are targets of their own; a link inside running text is exempt
# (WCAG 2.5.8 "inline"), so links count only in navigation, headers, footers, tables and lists of
# actions, or when styled as a button.
_TARGETS = (
    "button, select, textarea, summary, [role=button], "
    "input:not([type=hidden]), a.button, nav a, header a, footer a, td a, .actions a"
)


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help} — {', '.join(self.targets[:3])}"


def axe_violations(page: Any) -> list[Violation]:
    """axe-core's serious and critical violations of the WCAG 2.2 A/AA rules on the page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated as a function body: the page's Content-Security-Policy forbids inline scripts
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.axe = axe;")
    found = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({rule: v.id, impact: v.impact || '', help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))})))",
        WCAG_TAGS,
    )
    return [Violation(**item) for item in found if item["impact"] in BLOCKING_IMPACTS]


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def small_targets(page: Any, minimum: int = MINIMUM_TARGET_PX) -> list[str]:
    """Visible targets smaller than ``minimum`` px in either direction (WCAG 2.5.8)."""
    found: list[str] = page.evaluate(
        """([selector, minimum]) => Array.from(document.querySelectorAll(selector)).filter(el => {
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') return false;
            return box.width < minimum || box.height < minimum;
        }).map(el => {
            const box = el.getBoundingClientRect();
            const named = el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '';
            const name = (el.id ? '#' + el.id : '') || named || (el.textContent || '').trim().slice(0, 30);
            return `${el.tagName.toLowerCase()} ${name} ${Math.round(box.width)}×${Math.round(box.height)}`;
        })""",
        [_TARGETS, minimum],
    )
    return found


def editorial_markers(page: Any) -> list[str]:
    text: str = page.evaluate("document.body.innerText")
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in EDITORIAL_MARKERS.finditer(text)]
