"""The hostile posts again on PostgreSQL, fewer examples per target (it refuses NUL in text, SQLite does not)."""
from __future__ import annotations

import pytest
from test_hostile_posts import (  # noqa: F401
    test_a_json_body_is_not_a_form,
    test_every_post_rule_has_a_valid_body,
    test_hostile_posts,
    test_nul_in_each_field_is_refused_or_harmless,
)

BACKEND = "postgresql"  # read by the robust_app fixture
EXAMPLES = 5
pytestmark = pytest.mark.postgres
