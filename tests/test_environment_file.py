"""environment.yml (conda) stays in step with the pins in pyproject.toml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def pinned(requirement: str) -> tuple[str, str]:
    name, version = re.split(r"==", requirement)
    return name.strip().lower().replace("_", "-"), version.strip()


def test_every_pyproject_pin_is_in_environment_yml():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    wanted = dict(pinned(r) for r in project["dependencies"] + extras)
    conda = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))["dependencies"]
    have = dict(
        (name.lower(), version)
        for name, version in (
            item.split("=", 1) for item in conda if isinstance(item, str) and "=" in item
        )
    )
    # Wheels conda-forge has no package for are pip entries of the environment.
    pip = next(item["pip"] for item in conda if isinstance(item, dict) and "pip" in item)
    have.update(pinned(item) for item in pip if "==" in item)
    assert {name: have.get(name) for name in wanted} == wanted
