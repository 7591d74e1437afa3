"""The pages of accounts: logging in, passwords and TOTP (connexion: blueprint « auth »), and a
gestionnaire's actions on a teacher's account (reactivation: blueprint « comptes »)."""
