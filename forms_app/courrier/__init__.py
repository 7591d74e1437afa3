"""Courrier: the messages a person receives in the portal, with their attachments."""
