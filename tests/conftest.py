"""Fixtures shared by every test folder. Area-specific fixtures live in each folder's conftest.py."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository, whose content/ and data/ are the example academy."""
    return ROOT
