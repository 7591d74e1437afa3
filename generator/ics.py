"""The iCalendar file of a campaign: one event per phase, stable UIDs, Europe/Paris times."""
from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .frdates import date_fr
from .model import PARIS, Campaign, SiteConfig
from .search import absolute_base

# The span of the Paris time changes the VTIMEZONE spells out (icalendar's own default span).
TZ_FIRST, TZ_LAST = date(1970, 1, 1), date(2038, 1, 1)


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
    cal.add_missing_timezones(TZ_FIRST, TZ_LAST)
    for tz in cal.walk("VTIMEZONE"):  # icalendar writes its own COMMENT in English
        tz.pop("COMMENT", None)
        tz.add("COMMENT", f"Heure de Paris : changements d'heure décrits du {date_fr(TZ_FIRST, weekday=False)} "
                          f"au {date_fr(TZ_LAST, weekday=False)}.")
    return cal.to_ical()
