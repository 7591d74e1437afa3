"""The « comparateur de mobilité »: past barres per movement, discipline and zone, with a chart per zone.

A page per (movement, discipline) of data/barres lists its zones, each with an SVG chart made here, at build
time (no script, no style attribute: the theme's CSS colours it through classes), and the same figures in a
table. An académie may publish tens of thousands of barres: the zones of a page are written by one Python
function with f-strings, as the postes rows are (render.postes_rows).
"""
from __future__ import annotations

import hashlib
import marshal
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from markupsafe import Markup

from .frnombres import compte, nombre, points
from .model import BARRE_MOUVEMENTS, ETAB_RESTRICTIONS, Barre, Referentiel, Site
from .urls import comparateur_path

# Zone types in the order a page shows them, from the broadest to the most precise, then the ZR.
TYPE_ORDER = ("ACA", "DPT", "GEO", "COM", "ETB", "ZRA", "ZRD", "ZRE")
HEADINGS: dict[str, tuple[str, str]] = {  # type -> (one zone, several)
    "ACA": ("Académie", "Académies"),
    "DPT": ("Département", "Départements"),
    "GEO": ("Groupement de communes", "Groupements de communes"),
    "COM": ("Commune", "Communes"),
    "ETB": ("Établissement", "Établissements"),
    "ZRA": ("Zone de remplacement académique", "Zones de remplacement académiques"),
    "ZRD": ("Zone de remplacement départementale", "Zones de remplacement départementales"),
    "ZRE": ("Zone de remplacement d'établissement", "Zones de remplacement d'établissement"),
}
RESTRICTION_ORDER = ("", *ETAB_RESTRICTIONS)

Value = tuple[float | None, int] | None  # (barre, entrants) of one year; None: nothing published that year


class ComparateurGroup(NamedTuple):
    """What the plan, the index, the search and the plannings need of a page, without its zones."""

    mouvement: str
    discipline: str
    years: tuple[int, ...]
    zones: int
    # (type de vœu, zones of that type, top of their charts' common scale in points), in TYPE_ORDER
    types: tuple[tuple[str, int, float], ...]

    @property
    def url(self) -> str:
        return comparateur_path(self.mouvement, self.discipline)


class Zone(NamedTuple):
    """One vœu of a page: where it is, and its barre and entrants for each year of the page."""

    anchor: str  # "dpt-063", "com-63113-clg": the zone's id in the page
    type_voeu: str
    code_voeu: str
    type_etablissement: str  # "" for tout type
    label: str  # "Puy-de-Dôme (063)", "Lycée Blaise-Pascal, Clermont-Ferrand"
    detail: str  # shown after the label: the UAI of an établissement ("" otherwise)
    values: tuple[Value, ...]  # one per year of the page


def zone_heading(type_voeu: str, count: int) -> str:
    one, several = HEADINGS[type_voeu]
    return one if count == 1 else several


def mouvement_order(mouvement: str) -> int:
    return list(BARRE_MOUVEMENTS).index(mouvement) if mouvement in BARRE_MOUVEMENTS else len(BARRE_MOUVEMENTS)


Bucket = tuple[list[tuple], set[int], set[tuple[str, str, str]]]  # plain rows, years, zones


def bucket_barres(barres: Iterable[Barre]) -> dict[tuple[str, str], Bucket]:
    """(mouvement, discipline) -> its barres as plain tuples, its years and its zones: one pass, no label."""
    buckets: dict[tuple[str, str], Bucket] = {}
    for b in barres:
        key = (b[1], b[2])
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = ([], set(), set())
        bucket[0].append(b[:])  # a plain tuple, for marshal
        bucket[1].add(b[0])
        bucket[2].add(b[3:6])
    return buckets


def nice_scale(top: float) -> float:
    """The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ) at or above top."""
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= top - 1e-9:
            return step * power
    return 10 * power  # pragma: no cover (the loop ends at 10)


def describe_group(mouvement: str, discipline: str, bucket: Bucket, data_key: str) -> tuple[ComparateurGroup, str]:
    """The group's summary and the digest of what its page shows (its rows and the labels' digest)."""
    rows, years, zones = bucket
    counts: dict[str, int] = {}
    for type_voeu, _, _ in zones:
        counts[type_voeu] = counts.get(type_voeu, 0) + 1
    tops: dict[str, float] = {}
    for r in rows:
        if r[6] is not None and r[6] > tops.get(r[3], 0.0):
            tops[r[3]] = r[6]
    group = ComparateurGroup(mouvement, discipline, tuple(sorted(years)), len(zones),
                             tuple((t, counts[t], nice_scale(tops.get(t, 0.0))) for t in TYPE_ORDER if t in counts))
    # marshal version 2: C speed, and the same bytes for the same values (no reference to shared objects).
    digest = hashlib.sha1(f"{data_key}\0{group!r}\0".encode() + marshal.dumps(rows, 2)).hexdigest()
    return group, digest


def academie_name(libelle: str) -> str:
    """« Académie de Montferrand », « Académie d'Aix-Marseille » (a label already « Académie … » as it is)."""
    if libelle.startswith(("Académie ", "académie ")):
        return libelle[0].upper() + libelle[1:]
    return f"Académie d'{libelle}" if libelle[:1] in "AEIOUYÉÈÊÎÔÂ" else f"Académie de {libelle}"


class Labels:
    """Zone labels from the référentiel, each made once per build."""

    def __init__(self, ref: Referentiel) -> None:
        self.ref = ref
        self.cache: dict[tuple[str, str, str], tuple[str, str, str]] = {}

    def departement(self, code: str, with_code: bool = True) -> str:
        """« Puy-de-Dôme (063) », or « Puy-de-Dôme » alone after a commune or a groupement."""
        d = self.ref.departements.get(code)
        if d is None:
            return code
        return f"{d.libelle} ({code})" if with_code else d.libelle

    def etablissement(self, uai: str) -> tuple[str, str]:
        e = self.ref.etablissements.get(uai)
        if e is None:
            return uai, ""
        commune = self.ref.communes.get(e.commune)
        return (f"{e.nom}, {commune.libelle}" if commune else e.nom), uai

    def __call__(self, type_voeu: str, code: str, etab: str) -> tuple[str, str, str]:
        """(label, detail, sort key) of a zone."""
        key = (type_voeu, code, etab)
        found = self.cache.get(key)
        if found is not None:
            return found
        ref = self.ref
        detail = ""
        if type_voeu in ("ACA", "ZRA"):
            a = ref.academies.get(code)
            label = academie_name(a.libelle) if a else code
        elif type_voeu in ("DPT", "ZRD"):
            label = self.departement(code)
        elif type_voeu == "COM":
            c = ref.communes.get(code)
            label = f"{c.libelle} ({self.departement(c.departement, False)})" if c else code
        elif type_voeu == "GEO":
            g = ref.groupements.get(code)
            label = f"{g.libelle} ({self.departement(g.departement, False)})" if g else code
        else:  # ETB, ZRE
            label, detail = self.etablissement(code)
        if etab:
            label = f"{label} — {ETAB_RESTRICTIONS[etab][0].lower()}"
        found = self.cache[key] = (label, detail, label.casefold())
        return found


def make_zones(rows: Sequence[tuple], years: tuple[int, ...], labels: Labels) -> list[Zone]:
    """The zones of a page, in TYPE_ORDER then by label, each with one value per year."""
    position = {year: i for i, year in enumerate(years)}
    values: dict[tuple[str, str, str], list[Value]] = {}
    for annee, _, _, type_voeu, code, etab, barre, entrants in rows:
        key = (type_voeu, code, etab)
        found = values.get(key)
        if found is None:
            found = values[key] = [None] * len(years)
        found[position[annee]] = (barre, entrants)
    zones = []
    for (type_voeu, code, etab), found in values.items():
        label, detail, sort = labels(type_voeu, code, etab)
        anchor = f"{type_voeu}-{code}-{etab}" if etab else f"{type_voeu}-{code}"
        zones.append(((TYPE_ORDER.index(type_voeu), sort, RESTRICTION_ORDER.index(etab), code),
                      Zone(anchor.lower(), type_voeu, code, etab, label, detail, tuple(found))))
    zones.sort(key=lambda z: z[0])
    return [z for _, z in zones]


# --- HTML -------------------------------------------------------------------------------------

# Chart geometry, in SVG user units: a column per year.
LEFT, SLOT, BAR, TOP, PLOT, BOTTOM, RIGHT = 52, 84, 40, 22, 100, 42, 8
# The page's paragraph that tells how to read the charts (site/comparateur.html): each chart's description.
READING_ID = "lecture-graphiques"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;") \
        .replace('"', "&#34;")


class _Writer:
    """The HTML of a page's zones; the texts that repeat (numbers, counts, a type's frame) are made once."""

    def __init__(self, years: tuple[int, ...]) -> None:
        self.years = years
        self.width = LEFT + SLOT * len(years) + RIGHT
        self.height = TOP + PLOT + BOTTOM
        self.span = f"{years[0]}" if len(years) == 1 else f"de {years[0]} à {years[-1]}"
        self.middles = [LEFT + SLOT * i + SLOT // 2 for i in range(len(years))]
        self.points: dict[float, str] = {}
        self.counts: dict[int, tuple[str, str]] = {}  # entrants -> (« 3 entrants », « 3 »)
        base = TOP + PLOT
        self.head = (f'<svg class="chart" width="{self.width}" height="{self.height}" '
                     f'viewBox="0 0 {self.width} {self.height}" role="img" aria-describedby="{READING_ID}" ')
        self.years_text = "".join(f'<text class="chart-year" x="{x}" y="{base + 17}">{year}</text>'
                                  for x, year in zip(self.middles, years))
        self.empty = [(f'<text class="chart-none" x="{x}" y="{base - 6}">non publiée</text>',
                       f'<text class="chart-none" x="{x}" y="{base - 6}">aucun entrant</text>') for x in self.middles]
        self.frame = ""

    def point(self, value: float) -> str:
        text = self.points.get(value)
        if text is None:
            text = self.points[value] = points(value)
        return text

    def count(self, n: int) -> tuple[str, str]:
        found = self.counts.get(n)
        if found is None:
            found = self.counts[n] = (compte(n, "entrant"), nombre(n))
        return found

    def set_scale(self, scale: float) -> None:
        """The grid and ticks of the next charts: those of one type of vœu share a scale."""
        base, right = TOP + PLOT, self.width - RIGHT
        self.scale = scale
        self.frame = (
            "".join(f'<line class="chart-grid" x1="{LEFT}" y1="{base - PLOT * f:g}" x2="{right}" '
                    f'y2="{base - PLOT * f:g}"/>' for f in (0.5, 1))
            + f'<line class="chart-axis" x1="{LEFT}" y1="{base}" x2="{right}" y2="{base}"/>'
            + '<g class="chart-tick" text-anchor="end">'
            + "".join(f'<text x="{LEFT - 6}" y="{base - PLOT * f + 4:g}">{points(scale * f)}</text>'
                      for f in (0, 0.5, 1))
            + "</g>")

    def zone(self, zone: Zone, label: str) -> str:
        """The zone's chart, then its table: the same figures (`label`: the zone's label, escaped)."""
        base, scale = TOP + PLOT, self.scale
        marks, rows = [], []
        for i, (year, value) in enumerate(zip(self.years, zone.values)):
            if value is None or value[0] is None:
                marks.append(self.empty[i][value is not None])
                rows.append(f'<tr><th scope="row">{year}</th><td colspan="2">non publiée</td></tr>' if value is None
                            else f'<tr><th scope="row">{year}</th><td>aucun entrant</td><td>0</td></tr>')
                continue
            barre, entrants = value
            x = self.middles[i]
            h = round(PLOT * min(barre, scale) / scale, 1)
            text = self.point(barre)
            words, number = self.count(entrants)
            marks.append(f'<rect class="chart-bar" x="{x - BAR // 2}" y="{base - h:g}" width="{BAR}" height="{h:g}"/>'
                         f'<text class="chart-value" x="{x}" y="{base - h - 5:g}">{text}</text>'
                         f'<text class="chart-entrants" x="{x}" y="{base + 34}">{words}</text>')
            rows.append(f'<tr><th scope="row">{year}</th><td>{text}</td><td>{number}</td></tr>')
        ident = f"g-{zone.anchor}"
        return (f'{self.head}aria-labelledby="{ident}"><title id="{ident}">Barres {self.span} : {label}</title>'
                f'{self.frame}<g text-anchor="middle">{"".join(marks)}{self.years_text}</g></svg>\n'
                f'<table class="barres"><caption class="visually-hidden">Barres et entrants : {label}</caption>'
                '<thead><tr><th scope="col">Année</th><th scope="col">Barre (points)</th><th scope="col">Entrants</th>'
                f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def chart_and_table(zone: Zone, years: tuple[int, ...], scale: float) -> str:
    """One zone's SVG column chart (one column per year, on the given scale) and its table."""
    writer = _Writer(years)
    writer.set_scale(scale)
    return writer.zone(zone, _escape(zone.label))


def zones_html(zones: Iterable[Zone], years: tuple[int, ...], types: Iterable[tuple[str, int, float]]) -> Markup:
    """Every zone of a page under a heading per type of vœu: its chart, then its table (site/comparateur.html).

    `types` is ComparateurGroup.types: the charts of one type of vœu share a scale. The charts are described
    by the page's paragraph `#lecture-graphiques` (READING_ID), which the template must keep."""
    scales = {type_voeu: scale for type_voeu, _, scale in types}
    by_type: dict[str, list[Zone]] = {}
    for zone in zones:
        by_type.setdefault(zone.type_voeu, []).append(zone)
    writer = _Writer(years)
    out = []
    for type_voeu, items in by_type.items():
        writer.set_scale(scales[type_voeu])
        heading = zone_heading(type_voeu, len(items))
        out.append(f'<section class="zone-type" aria-labelledby="t-{type_voeu.lower()}" data-groupe>\n'
                   f'<h2 id="t-{type_voeu.lower()}">{heading} <span class="meta">({nombre(len(items))})</span></h2>\n')
        for zone in items:
            label = _escape(zone.label)
            detail = f' <span class="uai">{_escape(zone.detail)}</span>' if zone.detail else ""
            out.append(f'<div class="zone" id="{zone.anchor}" data-zone data-code="{_escape(zone.code_voeu)}">\n'
                       f"<h3>{label}{detail}</h3>\n"
                       f'<div class="zone-body">{writer.zone(zone, label)}</div>\n</div>\n')
        out.append("</section>\n")
    return Markup("".join(out))


# --- the view a build reads ---------------------------------------------------------------------

class ZoneList:
    """The zones of a page, known by their digest; made only when the page is rendered (or first read)."""

    def __init__(self, digest: str, length: int, fill: Callable[[], list[Zone]]) -> None:
        self.digest, self.length, self._fill = digest, length, fill
        self._items: list[Zone] | None = None

    @property
    def items(self) -> list[Zone]:
        if self._items is None:
            self._items = self._fill()
        return self._items

    def __iter__(self) -> Iterator[Zone]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.length

    def __repr__(self) -> str:
        return f"ZoneList({self.digest})"


def referentiel_key(ref: Referentiel) -> str:
    """A digest of the tables zone labels come from: a label edit renders the comparateur pages again."""
    text = repr((ref.academies, ref.departements, ref.communes, ref.groupements, ref.etablissements))
    return hashlib.sha1(text.encode()).hexdigest()


class ComparateurView:
    """The comparateur's pages of one build: each group's summary at once, its zones when needed.

    `known` is the summary() of an earlier build made from the same data files: the groups are then taken
    from it, and the barres are not gone through unless a page of the comparateur is rendered."""

    def __init__(self, site: Site, known: list | None = None) -> None:
        self.site = site
        self._buckets: dict[tuple[str, str], Bucket] | None = None
        self._labels: Labels | None = None
        self.digests: dict[tuple[str, str], str] = {}
        groups: dict[tuple[str, str], ComparateurGroup] = {}
        if known is not None:
            for m, d, digest, years, zones, types in known:
                groups[(m, d)] = ComparateurGroup(m, d, tuple(years), zones, tuple(map(tuple, types)))
                self.digests[(m, d)] = digest
        elif site.barres:
            data_key = referentiel_key(site.referentiel)
            for key, bucket in self.buckets().items():
                groups[key], self.digests[key] = describe_group(*key, bucket, data_key)
        disciplines = site.referentiel.disciplines
        self.groups = {key: groups[key] for key in sorted(groups, key=lambda k: (
            mouvement_order(k[0]), disciplines[k[1]].libelle.casefold() if k[1] in disciplines else k[1], k[1]))}
        self.zones = {key: ZoneList(self.digests[key], group.zones, lambda key=key: self.make(key))
                      for key, group in self.groups.items()}

    def buckets(self) -> dict[tuple[str, str], Bucket]:
        if self._buckets is None:
            self._buckets = bucket_barres(self.site.barres)
        return self._buckets

    def make(self, key: tuple[str, str]) -> list[Zone]:
        if self._labels is None:
            self._labels = Labels(self.site.referentiel)
        return make_zones(self.buckets()[key][0], self.groups[key].years, self._labels)

    def summary(self) -> list:
        return [[m, d, self.digests[(m, d)], list(g.years), g.zones, [list(t) for t in g.types]]
                for (m, d), g in self.groups.items()]

    def mouvements(self) -> list[tuple[str, str]]:
        """(code, label) of each movement with barres, in BARRE_MOUVEMENTS order."""
        present = {m for m, _ in self.groups}
        return [(code, label) for code, label in BARRE_MOUVEMENTS.items() if code in present]
