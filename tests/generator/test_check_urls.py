"""The link check and the renderer agree on which pages exist (docs/urls.md)."""
from datetime import datetime

from generator.model import PARIS
from generator.pages import SiteView, plan_pages
from generator.urls import page_paths


def test_validation_knows_exactly_the_pages_the_renderer_writes(sample_site):
    rendered = {page.url for page in plan_pages(SiteView(sample_site, datetime(2027, 3, 20, tzinfo=PARIS)))}
    assert page_paths(sample_site) == rendered
