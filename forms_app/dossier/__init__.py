"""Dossier: the agents' records (import, history, search) and what a teacher or a gestionnaire reads of them."""
