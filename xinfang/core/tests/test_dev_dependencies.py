"""Every development dependency in pyproject.toml is used by the tests or the tooling (issue 14)."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _dist(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imported_modules() -> set[str]:
    names: set[str] = set()
    for path in [*ROOT.glob("xinfang/**/*.py"), *ROOT.glob("bench/**/*.py"), ROOT / "conftest.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_dev_dependency_is_used():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dev = {_dist(r) for r in pyproject["project"]["optional-dependencies"]["dev"]}
    # A module counts as used when the code imports it or mypy loads it as a plugin.
    modules = _imported_modules() | {p.split(".")[0] for p in pyproject["tool"]["mypy"].get("plugins", [])}
    used = {_dist(d) for m in modules for d in packages_distributions().get(m, [])}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    used |= set(re.findall(r"\$\(VENV\)/bin/([a-z][a-z0-9_-]*)", makefile))  # tools run by make
    if re.search(r"pytest -n \d", makefile):
        used.add("pytest-xdist")
    assert dev - used == set(), f"listed in [project.optional-dependencies] dev but never used: {sorted(dev - used)}"
