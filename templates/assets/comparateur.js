/* Comparateur de mobilité: filter the vœux of a discipline's page as the visitor types (commune,
   établissement, UAI, département), or as the address says (?zone=Issoire).
   Without JavaScript the form stays hidden; the links to each type of vœu and every chart remain. */
(function () {
  "use strict";
  var form = document.querySelector("[data-filtre-zones]");
  if (!form) { return; }
  var input = form.querySelector("[data-filtre-zone]");
  var count = form.querySelector("[data-compte-zones]");
  var groups = document.querySelectorAll("[data-groupe]");
  var zones = document.querySelectorAll("[data-zone]");
  var timer = null;

  // French typography: « 5 000 » (narrow no-break space from four digits on), 0 and 1 in the singular.
  function nombre(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  function compte(n, singulier, pluriel) {
    return nombre(n) + " " + (n < 2 ? singulier : pluriel);
  }

  // Lower case, no accents, words separated by single spaces.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/œ/g, "oe")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  var index = [];
  for (var i = 0; i < zones.length; i++) {
    var heading = zones[i].querySelector("h3");
    index.push({ zone: zones[i], text: " " + fold((heading ? heading.textContent : "") + " " +
      zones[i].getAttribute("data-code")) });
  }

  function apply() {
    var words = fold(input.value).split(" ").filter(function (w) { return w; });
    var shown = 0;
    for (var i = 0; i < index.length; i++) {
      var ok = true;
      for (var w = 0; w < words.length && ok; w++) {
        ok = index[i].text.indexOf(" " + words[w]) !== -1;
      }
      index[i].zone.hidden = !ok;
      if (ok) { shown++; }
    }
    for (var g = 0; g < groups.length; g++) {
      groups[g].hidden = !groups[g].querySelector("[data-zone]:not([hidden])");
    }
    count.textContent = shown === index.length
      ? compte(shown, "vœu affiché", "vœux affichés") + "."
      : compte(shown, "vœu affiché", "vœux affichés") + " sur " + nombre(index.length) + ".";
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, 120);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.hidden = false;

  var given = new URLSearchParams(window.location.search).get("zone");
  if (given) { input.value = given; apply(); }
})();
