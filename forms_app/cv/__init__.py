"""The CV: the entries a teacher writes about her career, shown in her dossier and her dossier de promotion."""
