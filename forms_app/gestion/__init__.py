"""The gestionnaire's desk for the mouvement: demandes of a campaign, verification of the barème per
vœu, answers to corrections, batch actions, exports (CSV, XLSX, ZIP of pièces) and the Historique."""
