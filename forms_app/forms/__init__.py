"""WTForms of the dossier, CV and courrier areas (Flask-WTF: CSRF on every form)."""
