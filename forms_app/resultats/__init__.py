"""Results of a campaign: imported (CSV or an allocation's validated simulation), then published in the
courrier, with an SMS to those who gave a portable."""
