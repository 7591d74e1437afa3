"""The postes table's rows, written by render.postes_rows, are the bytes the template loop gave."""
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from generator import render
from generator.model import PARIS
from generator.pages import PosteRow, SiteView, _departements

# The table macro of templates/site/_postes.html as it was, a Jinja loop per row (commit 361d9ce).
LOOP_TABLE = """\
{% macro table(departements, show_mouvement, caption) %}
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="postes-titre">
<table class="postes">
  <caption id="postes-titre">{{ caption }}</caption>
  <thead><tr>
    <th scope="col">Poste</th><th scope="col">Établissement</th><th scope="col">Commune</th>
    <th scope="col">Département</th><th scope="col">Discipline</th>{% if show_mouvement %}<th scope="col">Mouvement</th>{% endif %}
    <th scope="col">Spécificité et profil</th><th scope="col">État</th><th scope="col">Vœu</th>
  </tr></thead>
  <tbody>
  {% for code, label, items in departements %}
  {% for r in items %}
    <tr data-poste{% if loop.first %} id="dpt-{{ code }}"{% endif %}>
      <td>{{ r.code_poste }}</td>
      <td class="c-etablissement">{{ r.etablissement }}<br><span class="uai">{{ r.uai }}</span>{% if r.education_prioritaire %} <span class="badge">{{ r.education_prioritaire }}</span>{% endif %}</td>
      <td class="c-commune">{{ r.commune }}{% if r.code_postal %} <span class="meta">({{ r.code_postal }})</span>{% endif %}</td>
      <td class="c-departement">{{ r.departement }} <span class="meta">({{ r.departement_code }})</span></td>
      <td class="c-discipline">{{ r.discipline }} <span class="meta">({{ r.discipline_code }})</span></td>
      {% if show_mouvement %}<td>{{ r.mouvement_libelle }}</td>{% endif %}
      <td>{{ r.specificite }}{% if r.specificite and r.profil %}<br>{% endif %}{{ r.profil }}</td>
      <td>{{ r.etat }}</td>
      <td><a href="{{ r.voeu_url }}">Ajouter à mes vœux<span class="visually-hidden"> : poste {{ r.code_poste }}, {{ r.etablissement }}</span></a></td>
    </tr>
  {% endfor %}
  {% endfor %}
  </tbody>
</table>
</div>
{% endmacro %}
"""


def _tables(site, departements, show_mouvement: bool) -> tuple[str, str]:
    env = render.make_env(site.root, site.config)
    ours = env.get_template("site/_postes.html").module.table(departements, show_mouvement, "Postes & « vœux »")
    loop = env.from_string(LOOP_TABLE).module.table(departements, show_mouvement, "Postes & « vœux »")
    return str(ours), str(loop)


@pytest.mark.parametrize("show_mouvement", [True, False])
def test_same_table_as_the_loop_on_the_sample_site(sample_site, show_mouvement):
    view = SiteView(sample_site, datetime(2026, 11, 25, 12, 0, tzinfo=PARIS))
    assert view.rows
    for rows in view.rows.values():
        ours, loop = _tables(sample_site, _departements(rows), show_mouvement)
        assert "<tr data-poste" in ours
        assert ours == loop
    for groups in view.groups.values():
        for rows in groups.values():
            ours, loop = _tables(sample_site, _departements(rows), show_mouvement)
            assert ours == loop


def test_same_table_as_the_loop_without_any_poste(sample_site):
    assert _tables(sample_site, [], True)[0] == _tables(sample_site, [], True)[1]


_FIELD = st.sampled_from(["", " ", "a", "Lycée & collège", "<b>gras</b>", "l'école", 'dit "x"', "é", "&amp;",
                          "REP+", "03505", "a > b", "\u00a0", "Markup"])
_ROW = st.lists(_FIELD, min_size=len(PosteRow._fields), max_size=len(PosteRow._fields)).map(lambda f: PosteRow(*f))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["003", "063", "0&3", "<x>"]), st.lists(_ROW, min_size=1, max_size=4)),
                max_size=3), st.booleans())
def test_same_table_as_the_loop_on_generated_rows(sample_site, groups, show_mouvement):
    """Empty fields (badge, code postal, specificité or profil left out), characters HTML escapes, repeats."""
    departements = [(code, f"Dpt {code}", rows) for code, rows in groups]
    ours, loop = _tables(sample_site, departements, show_mouvement)
    assert ours == loop


@pytest.mark.parametrize("text", ["", "abc", "&<>'\"", "&amp;", "« é »", "a&b<c>d'e\"f", "\x00\u2028"])
def test_escape_text_is_markupsafe_escape(text):
    assert render._escape_text(text) == str(escape(text))
    assert isinstance(render.postes_rows([], False), Markup)
