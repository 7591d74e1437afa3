"""Confirmations de demande: the PDF sent at the close of the saisie, its signed return, and the
cancellation of the demandes whose confirmation never came back."""
