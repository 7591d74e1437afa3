"""Quality fixtures: the example site built once per session (shared with tests/browser)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
import carriere_kit as kit  # noqa: E402


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """(site, folder): the repository's example academy, rendered once per session."""
    return kit.example_build(tmp_path_factory)
