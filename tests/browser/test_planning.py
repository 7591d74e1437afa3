"""The planning page computes each phase's state in the browser, from the visitor's clock."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

STATES = {
    "avant": (lambda phase: phase.start - timedelta(days=1), "à venir"),
    "pendant": (lambda phase: phase.start + timedelta(hours=1), "ouverte"),
    "apres": (lambda phase: phase.end + timedelta(hours=1), "close"),
}


@pytest.fixture(scope="session")
def saisie(example_site):
    """A campaign whose saisie phase has both ends, and that phase."""
    for campaign in example_site.campaigns:
        phase = campaign.saisie
        if phase is not None and phase.end is not None:
            return campaign, phase
    pytest.fail("aucune campagne d'exemple n'a de phase de saisie bornée")


@pytest.mark.parametrize("moment", STATES)
def test_phase_state_follows_the_clock(page, saisie, moment):
    campaign, phase = saisie
    when, label = STATES[moment]
    page.clock.install(time=when(phase))
    page.goto(campaign.url)
    row = page.get_by_role("row").filter(has_text=phase.label)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(label)
    for _, other in STATES.values():
        if other != label:
            expect(row).not_to_contain_text(other)
