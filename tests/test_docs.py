"""The README's list of decision records is complete: every ADR under docs/adr is listed, once,
in number order, and every listed link leads to a file."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADR_DIR = REPO / "docs" / "adr"
LISTED = re.compile(r"^  - \[(\d{4})\]\((docs/adr/[^)]+\.md)\): \S", re.MULTILINE)


def adr_files() -> list[Path]:
    return sorted(
        path for path in ADR_DIR.glob("[0-9][0-9][0-9][0-9]-*.md") if not path.name.startswith("0000")
    )


def readme_entries() -> list[tuple[str, str]]:
    return LISTED.findall((REPO / "README.md").read_text(encoding="utf-8"))


def test_every_adr_is_listed_in_the_readme_once():
    listed = [path for _number, path in readme_entries()]
    expected = [f"docs/adr/{path.name}" for path in adr_files()]
    assert sorted(listed) == expected


def test_the_list_is_in_number_order_and_its_links_resolve():
    entries = readme_entries()
    numbers = [number for number, _path in entries]
    assert numbers == sorted(numbers)
    for number, path in entries:
        assert (REPO / path).is_file(), path
        assert Path(path).name.startswith(f"{number}-"), (number, path)


def test_every_adr_has_its_number_in_its_heading():
    for path in adr_files():
        heading = path.read_text(encoding="utf-8").splitlines()[0]
        assert heading.startswith(f"# {path.name[:4]}: "), (path.name, heading)
