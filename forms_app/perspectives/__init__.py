"""Vos perspectives: next échelon, next rendez-vous de carrière, promotions and open campaigns, from the dossier."""
