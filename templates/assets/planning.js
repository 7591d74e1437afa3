/* Planning states ("à venir", "ouverte", "close") computed from the visitor's clock,
   so a static page never goes stale. Without JavaScript, the build-time state stays. */
(function () {
  "use strict";
  var LABELS = { a_venir: "à venir", ouverte: "ouverte", close: "close" };

  function stateAt(now, start, end) {
    if (now < start) { return "a_venir"; }
    if (end !== null && now >= end) { return "close"; }
    return "ouverte";
  }

  function update() {
    var now = Date.now();
    var nodes = document.querySelectorAll("[data-etat]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var start = Date.parse(node.getAttribute("data-debut"));
      var endText = node.getAttribute("data-fin");
      var end = endText ? Date.parse(endText) : null;
      if (isNaN(start)) { continue; }
      var state = stateAt(now, start, end);
      node.textContent = LABELS[state];
      node.className = "etat etat-" + state;
    }
    var notes = document.querySelectorAll("[data-etat-note]");
    for (var j = 0; j < notes.length; j++) {
      notes[j].textContent = "État calculé selon la date et l'heure de votre appareil. Les dates ci-dessus font foi.";
    }
  }

  update();
  window.setInterval(update, 60000);
})();
