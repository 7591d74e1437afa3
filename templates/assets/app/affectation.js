/* A running simulation: ask its state every two seconds, move the bar and the step, reload at the end.
   Without this script the page still works: its « Actualiser » link shows the same. */
(function () {
  "use strict";
  var box = document.querySelector("[data-etat-url]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var pourcent = box.querySelector("[data-pourcent]");
  var etape = box.querySelector("[data-etape]");
  function suivre() {
    fetch(box.getAttribute("data-etat-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (reponse) { return reponse.ok ? reponse.json() : null; })
      .then(function (etat) {
        if (!etat) { window.setTimeout(suivre, 5000); return; }
        if (etat.fini) { window.location.reload(); return; }
        bar.value = etat.progression;
        bar.textContent = etat.progression + "\u00a0%";
        pourcent.textContent = etat.progression + "\u00a0%";
        if (etape.textContent !== etat.etape) { etape.textContent = etat.etape; }
        window.setTimeout(suivre, 2000);
      })
      .catch(function () { window.setTimeout(suivre, 5000); });
  }
  window.setTimeout(suivre, 1000);
}());
