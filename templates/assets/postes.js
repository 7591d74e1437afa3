/* Filter the postes tables as the visitor types (commune, département, discipline, établissement), or
   as the address says (?etablissement=UAI from the search page).
   Without JavaScript the form stays hidden; the département anchors and per-discipline pages remain. */
(function () {
  "use strict";
  var form = document.querySelector("[data-filtres]");
  if (!form) { return; }
  var inputs = form.querySelectorAll("[data-filtre]");
  var count = form.querySelector("[data-compte]");
  var rows = document.querySelectorAll("tr[data-poste]");
  var timer = null;

  // French typography: « 5 000 » (narrow no-break space from four digits on), 0 and 1 in the singular.
  function nombre(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  function compte(n, singulier, pluriel) {
    return nombre(n) + " " + (n < 2 ? singulier : pluriel);
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/œ/g, "oe").replace(/\s+/g, " ").trim();
  }

  var index = [];
  for (var i = 0; i < rows.length; i++) {
    var entry = { row: rows[i] };
    for (var k = 0; k < inputs.length; k++) {
      var field = inputs[k].getAttribute("data-filtre");
      var cell = rows[i].querySelector(".c-" + field);
      entry[field] = cell ? fold(cell.textContent) : "";
    }
    index.push(entry);
  }

  function apply() {
    var wanted = [];
    for (var k = 0; k < inputs.length; k++) {
      var value = fold(inputs[k].value);
      if (value) { wanted.push([inputs[k].getAttribute("data-filtre"), value]); }
    }
    var shown = 0;
    for (var i = 0; i < index.length; i++) {
      var ok = true;
      for (var w = 0; w < wanted.length && ok; w++) {
        ok = index[i][wanted[w][0]].indexOf(wanted[w][1]) !== -1;
      }
      index[i].row.hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = shown === index.length
      ? compte(shown, "poste affiché", "postes affichés") + "."
      : compte(shown, "poste affiché", "postes affichés") + " sur " + nombre(index.length) + ".";
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, 120);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.hidden = false;

  // A search result leads here with its filter in the address: postes/…/?etablissement=0630021F.
  var params = new URLSearchParams(window.location.search);
  var given = false;
  for (var p = 0; p < inputs.length; p++) {
    var value = params.get(inputs[p].getAttribute("data-filtre"));
    if (value) { inputs[p].value = value; given = true; }
  }
  if (given) { apply(); }
})();
