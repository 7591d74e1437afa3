"""The iCalendar file of a campaign: one event per phase, stable UIDs, Europe/Paris times."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .model import PARIS, Campaign, SiteConfig
from .search import absolute_base


def campaign_ics(campaign: Campaign, config: SiteConfig, now: datetime) -> bytes:
    """Serialise the phases of `campaign`; `now` stamps the events (DTSTAMP)."""
    host = urlsplit(config.base_url).hostname or "portail-carriere.invalid"
    page = absolute_base(config) + campaign.url
    cal = Calendar()
    cal.add("prodid", f"-//{config.academie}//{config.title}//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", campaign.title)
    cal.add("x-wr-timezone", "Europe/Paris")
    stamp = now.astimezone(timezone.utc).replace(microsecond=0)
    for phase in campaign.phases:
        event = Event()
        event.add("uid", f"{campaign.slug}-{phase.code}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{phase.label} — {campaign.title}")
        event.add("dtstart", phase.start.astimezone(PARIS))
        if phase.end is not None:
            event.add("dtend", phase.end.astimezone(PARIS))
        event.add("description", f"Planning complet : {page}")
        event.add("url", page)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
