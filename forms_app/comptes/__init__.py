"""Accounts: login, passwords, TOTP, sessions, throttling and the identity of the request."""
