"""Notices (avis): an e-mail for each new courrier message of a teacher, an SMS for each result, through a
persistent outbox sent by a worker."""
