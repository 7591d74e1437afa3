"""Read content/accessibilite.yaml: the RGAA criteria the site evaluated, its dérogations and the
contents outside the obligation; check that content/site.yaml states no more than they allow."""
from __future__ import annotations

from pathlib import Path

from .frnombres import taux
from .model import (
    ACCESSIBILITY_LEVELS,
    CRITERION_STATUSES,
    RGAA_CRITERIA,
    RGAA_THEMES,
    VERIFICATIONS,
    AccessibilityAudit,
    Criterion,
    Exemption,
    SourceRef,
)
from .report import Report
from .sources import expect_mapping, read_yaml_file
from .validate import Fields, suggest

NAME = "content/accessibilite.yaml"
KEYS = ("criteres", "derogations", "non_soumis")
CRITERION_KEYS = ("critere", "statut", "verification", "contenu", "raison")
EXEMPTION_KEYS = ("contenu", "raison")


def criterion_problem(number: str) -> str | None:
    """Say why `number` names no RGAA 4.1 criterion, or None."""
    theme, _, rank = number.partition(".")
    if not (theme.isdigit() and rank.isdigit() and theme.isascii() and rank.isascii()):
        return (f"critère « {number} » illisible : écrivez le numéro de la thématique, un point et le numéro du "
                "critère, par exemple 11.1.")
    if int(theme) not in RGAA_THEMES:
        return (f"critère « {number} » inconnu : le RGAA compte {len(RGAA_THEMES)} thématiques, numérotées de 1 "
                f"à {len(RGAA_THEMES)} ; corrigez le numéro.")
    name, count = RGAA_THEMES[int(theme)]
    if not 1 <= int(rank) <= count:
        return (f"critère « {number} » inconnu : la thématique {int(theme)} ({name}) a {count} critères, de "
                f"{int(theme)}.1 à {int(theme)}.{count} ; corrigez le numéro.")
    return None


def _exemptions(f: Fields, key: str) -> list[Exemption]:
    found = []
    for line, item in f.items(key):
        e = Fields(f.report, f.path, item, f" dans cet élément de « {key} »")
        e.check_keys(EXEMPTION_KEYS)
        content, reason = e.text("contenu"), e.text("raison")
        if content and reason:
            found.append(Exemption(content, reason, SourceRef(f.path, line)))
        else:
            f.ok = False
    return found


def load_accessibility(root: Path, report: Report) -> AccessibilityAudit | None:
    """Read content/accessibilite.yaml if the site has one; None when absent or wrong (errors reported)."""
    path = root / NAME
    if not path.is_file():
        return None
    raw = read_yaml_file(root, path, report)
    data = None if raw is None else expect_mapping(raw, NAME, report)
    if data is None:
        return None
    f = Fields(report, NAME, data)
    f.check_keys(KEYS)
    criteria: dict[tuple[int, int], Criterion] = {}
    for line, item in f.items("criteres", required=True):
        c = Fields(report, NAME, item, " dans ce critère")
        c.check_keys(CRITERION_KEYS)
        number, status, verification = c.text("critere"), c.text("statut"), c.text("verification")
        if number is not None and (problem := criterion_problem(number)):
            c.error(item.line_of("critere"), problem)
        if status is not None and status not in CRITERION_STATUSES:
            c.error(item.line_of("statut"), f"« statut » doit être conforme, non conforme ou non applicable (lu : "
                                            f"« {status} »){suggest(status, CRITERION_STATUSES)} : corrigez la valeur.")
        if verification is not None and verification not in VERIFICATIONS:
            c.error(item.line_of("verification"),
                    f"« verification » doit être {', '.join(list(VERIFICATIONS)[:-1])} ou {list(VERIFICATIONS)[-1]} "
                    f"(lu : « {verification} »){suggest(verification, tuple(VERIFICATIONS))} : corrigez la valeur.")
        if status == "non conforme":
            n = Fields(report, NAME, item, " dans ce critère non conforme (la déclaration publie le contenu "
                                           "concerné et la raison)")
            content, reason = n.text("contenu"), n.text("raison")
            c.ok = c.ok and n.ok
        else:
            content, reason = c.text("contenu", required=False) or "", c.text("raison", required=False) or ""
        if not c.ok or None in (number, status, verification, content, reason):
            f.ok = False
            continue
        criterion = Criterion(f"{int(number.split('.')[0])}.{int(number.split('.')[1])}",  # type: ignore[union-attr]
                              status, verification, content, reason, SourceRef(NAME, line))  # type: ignore[arg-type]
        first = criteria.get(criterion.key)
        if first is not None:
            f.error(item.line_of("critere"), f"le critère {criterion.number} est déjà déclaré ligne "
                                             f"{first.source.line} : gardez une seule entrée par critère.")
            continue
        criteria[criterion.key] = criterion
    derogations = _exemptions(f, "derogations")
    exempted = _exemptions(f, "non_soumis")
    if not f.ok:
        return None
    return AccessibilityAudit(tuple(criteria[k] for k in sorted(criteria)), tuple(derogations), tuple(exempted),
                              SourceRef(NAME, 1))


def check_status(audit: AccessibilityAudit, stated: str, path: str, line: int, report: Report) -> None:
    """The statut of content/site.yaml may not claim more than the evaluation allows (RGAA's thresholds)."""
    allowed = audit.status
    rate = audit.rate
    summary = (f"{taux(rate)} des critères applicables sont conformes ({audit.count('conforme')} sur "
               f"{audit.applicable}), {len(audit.criteria)} critères évalués sur {RGAA_CRITERIA}"
               if rate is not None else f"aucun critère applicable parmi les {len(audit.criteria)} évalués")
    if ACCESSIBILITY_LEVELS.index(stated) > ACCESSIBILITY_LEVELS.index(allowed):
        why = ("100 % et tous les critères évalués" if stated == "totalement conforme" else "au moins 50 %")
        report.error(path, line, f"« statut » annonce « {stated} » mais {NAME} donne {summary} ; ce statut demande "
                                 f"{why} : écrivez « {allowed} », ou mettez à jour les critères de {NAME}.")
    elif stated != allowed:
        report.warning(path, line, f"« statut » annonce « {stated} » alors que {NAME} donne {summary} : vous pouvez "
                                   f"écrire « {allowed} ».")
