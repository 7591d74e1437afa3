"""The installed packages meet the security floors the project promises (pip-audit cannot run here)."""
import tomllib
from importlib.metadata import version

import pytest
from packaging.version import Version

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECURITY_FLOORS = {"pypdf": "7.1", "werkzeug": "3.1.6", "jinja2": "3.1.6", "gunicorn": "23"}


def declared_floors() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    floors = {}
    for spec in data["project"]["dependencies"]:
        name, _, floor = spec.partition(">=")
        floors[name.split("[")[0].strip().lower()] = floor.strip()
    return floors


@pytest.mark.parametrize("name,floor", sorted(SECURITY_FLOORS.items()))
def test_pyproject_declares_security_floor(name, floor):
    assert Version(declared_floors()[name]) >= Version(floor)


@pytest.mark.parametrize("name,floor", sorted(SECURITY_FLOORS.items()))
def test_installed_version_meets_floor(name, floor):
    assert Version(version(name)) >= Version(floor)


def test_every_runtime_dependency_has_a_floor():
    assert all(declared_floors().values())
