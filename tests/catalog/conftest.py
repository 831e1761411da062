from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from motcua.catalog.specs import SPECS_DIR

BIRTH = yaml.safe_load((SPECS_DIR / "procedures" / "birth-registration.yaml").read_text(encoding="utf-8"))


def birth_spec(**overrides: Any) -> dict[str, Any]:
    spec = copy.deepcopy(BIRTH)
    spec.update(overrides)
    return spec


class SpecDir:
    """A throw-away spec directory laid out like the shipped one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for sub in ("procedures", "bundles", "decisions"):
            (root / sub).mkdir(parents=True, exist_ok=True)

    def procedure(self, spec: dict[str, Any], file_name: str | None = None) -> Path:
        path = self.root / "procedures" / (file_name or f"{spec['code']}.yaml")
        path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def bundle(self, spec: dict[str, Any]) -> Path:
        path = self.root / "bundles" / f"{spec['code']}.yaml"
        path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def remove(self, kind: str, code: str) -> None:
        (self.root / kind / f"{code}.yaml").unlink()

    def copy_decisions(self) -> None:
        for dmn in (SPECS_DIR / "decisions").glob("*.dmn"):
            shutil.copy(dmn, self.root / "decisions" / dmn.name)


@pytest.fixture
def spec_dir(tmp_path: Path) -> SpecDir:
    return SpecDir(tmp_path / "specs")


@pytest.fixture
def make_spec() -> Callable[..., dict[str, Any]]:
    return birth_spec
