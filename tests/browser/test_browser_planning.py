"""The planning page computes each phase's state in the browser, from the visitor's clock."""
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from generator.model import PARIS

MINUTE = timedelta(minutes=1)
STATES = {
    "avant": (lambda phase: phase.start - MINUTE, "à venir"),
    "pendant": (lambda phase: phase.start + MINUTE, "ouverte"),
    "apres": (lambda phase: phase.end + MINUTE, "close"),
}
LABELS = {"a_venir": "à venir", "ouverte": "ouverte", "close": "close"}


@pytest.fixture(scope="session")
def saisie(example_site):
    """A campaign whose saisie phase has both ends, and that phase."""
    for campaign in example_site.campaigns:
        phase = campaign.saisie
        if phase is not None and phase.end is not None:
            return campaign, phase
    pytest.fail("aucune campagne d'exemple n'a de phase de saisie bornée")


@pytest.fixture
def open_page(browser, browser_context_args):
    """open_page(**context options) -> a page in a fresh context, closed after the test."""
    contexts = []

    def open_(**options):
        contexts.append(browser.new_context(**{**browser_context_args, **options}))
        page = contexts[-1].new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()


def phase_row(page, phase):
    row = page.get_by_role("row").filter(has_text=phase.label)
    expect(row).to_have_count(1)
    return row


# The page's dates carry their offset: a visitor in Guyane sees the same state at the same instant.
@pytest.mark.parametrize("timezone", ["Europe/Paris", "America/Cayenne"])
@pytest.mark.parametrize("moment", STATES)
def test_phase_state_follows_the_clock(open_page, saisie, moment, timezone):
    campaign, phase = saisie
    when, label = STATES[moment]
    page = open_page(timezone_id=timezone)
    page.clock.install(time=when(phase))
    page.goto(campaign.url)
    row = phase_row(page, phase)
    expect(row).to_contain_text(label)
    for other in LABELS.values():
        if other != label:
            expect(row).not_to_contain_text(other)
    expect(page.get_by_text("État calculé selon la date et l'heure de votre appareil.")).to_be_visible()


def test_without_javascript_the_build_time_state_stays(open_page, saisie):
    campaign, phase = saisie
    page = open_page(java_script_enabled=False)
    page.goto(campaign.url)
    expected = LABELS[phase.state_at(datetime.now(PARIS))]
    expect(phase_row(page, phase)).to_contain_text(expected)
    expect(page.get_by_text("date de génération de la page")).to_be_visible()
