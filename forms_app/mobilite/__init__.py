"""Mobilité: demandes de mutation, lettres de motivation, pièces jointes, vœux, barème, confirmations."""
