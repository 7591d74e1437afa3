"""The Synthèse of a dossier de promotion as a PDF (fpdf2, its core Helvetica font)."""
from __future__ import annotations

from fpdf import FPDF

from generator.frdates import date_fr

# Helvetica is a Latin-1 font: the few typographic characters outside it are written with their nearest form.
_LATIN1 = str.maketrans({"\u202f": "\u00a0", "\u2019": "'", "\u2013": "-", "\u2014": "-", "\u2026": "...",
                         "\u0153": "oe", "\u0152": "OE", "\u201c": '"', "\u201d": '"'})


def _t(text: str) -> str:
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def synthese_pdf(context: dict) -> bytes:
    """« Dossier de promotion de grade de … », its situation and the « Avis et appréciation »."""
    agent, campaign, regles = context["agent"], context["campaign"], context["regles"]
    pdf = FPDF(format="A4")
    pdf.set_title(_t(f"Synthèse - {campaign.title}"))
    pdf.set_author(_t(agent.nom_complet))
    pdf.set_creator("Portail carrière")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _t(f"Dossier de promotion de grade de {agent.prenom} {agent.nom}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, _t(f"{campaign.title} - édité le {date_fr(context['aujourd_hui'].date(), weekday=False)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, _t("Situation de carrière"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for label, value in (("Corps", agent.corps), ("Grade", agent.grade), ("Échelon", str(agent.echelon)),
                         ("Discipline", context.get("discipline") or ""),
                         ("Promotion", context["eligibilite"].motif)):
        pdf.multi_cell(0, 6, _t(f"{label}\u00a0: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, _t("Avis et appréciation"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    if not context.get("avis_visibles"):
        phase = context.get("consultation")
        when = f" à partir du {date_fr(phase.start.date(), weekday=False)}" if phase else ""
        pdf.multi_cell(0, 6, _t(f"Les avis et l'appréciation seront consultables{when}."), new_x="LMARGIN", new_y="NEXT")
    elif context.get("promouvable") is None:
        pdf.multi_cell(0, 6, _t("Vous ne figurez pas sur la liste des promouvables de cette campagne."), new_x="LMARGIN", new_y="NEXT")
    else:
        for label, value in context["avis"]:
            pdf.multi_cell(0, 6, _t(f"{label}\u00a0: {value}"), new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, _t(f"Appréciation du recteur\u00a0: {context['appreciation']}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
