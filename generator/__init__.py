"""Portail carrière: the static site generator and the shared content model."""
