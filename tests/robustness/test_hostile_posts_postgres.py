"""The hostile posts again on PostgreSQL, fewer examples per target (it refuses NUL in text, SQLite does not)."""
from __future__ import annotations

import pytest

from test_hostile_posts import test_every_post_rule_has_a_valid_body, test_hostile_posts  # noqa: F401

BACKEND = "postgresql"  # read by the robust_app fixture
EXAMPLES = 5
pytestmark = pytest.mark.postgres
