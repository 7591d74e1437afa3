/* Lettre de motivation: live character counter and a draft saved on the server a second after typing stops.
   Progressive enhancement only: without it the form still saves on submit. */
(function () {
  "use strict";
  var form = document.querySelector("form.lettre-form");
  if (!form) { return; }
  var area = form.querySelector("textarea");
  var counter = document.getElementById("texte-compteur");
  var status = document.getElementById("texte-brouillon");
  var token = form.querySelector("input[name=csrf_token]");
  var maximum = parseInt(form.getAttribute("data-maximum"), 10) || 0;
  var url = form.getAttribute("data-brouillon");
  var timer = null;
  var lastSent = area.value;

  function count() {
    var n = area.value.length;
    var text = n + " caractères sur " + maximum + ".";
    if (maximum && n > maximum) { text += " Retirez-en " + (n - maximum) + " pour pouvoir enregistrer."; }
    counter.textContent = text;
  }

  function save() {
    if (area.value === lastSent || !window.fetch) { return; }
    var sent = area.value;
    var body = new FormData();
    body.append("texte", sent);
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (result.ok) { lastSent = sent; status.textContent = result.data.message; }
      else { status.textContent = result.data.erreur || "Le brouillon n'a pas pu être enregistré."; }
    }).catch(function () {
      status.textContent = "Le brouillon n'a pas pu être enregistré : vérifiez votre connexion. Votre texte reste dans la page.";
    });
  }

  area.addEventListener("input", function () {
    count();
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 1000);
  });
  count();
}());
