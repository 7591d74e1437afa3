"""Fixtures of the generator tests: sample_site_dir (a fresh copy) → sample_site (loaded)."""
import shutil
from pathlib import Path

import pytest

from generator.load import load_site
from generator.model import Site

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample-site"


@pytest.fixture
def sample_site_dir(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/sample-site that a test may edit."""
    target = tmp_path / "site"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def sample_site(sample_site_dir: Path) -> Site:
    """The sample site, loaded; it has no problem at all."""
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    return site
