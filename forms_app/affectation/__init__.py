"""Le mouvement: allocation engine, simulations, results."""
