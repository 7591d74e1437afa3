// Avis and appréciations tables: each choice is saved as soon as it is made (the form still works without script).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".save-status");
  var token = form.querySelector("input[name=csrf_token]").value;
  form.addEventListener("change", function (event) {
    var select = event.target;
    if (select.tagName !== "SELECT") { return; }
    var previous = select.getAttribute("data-saved");
    if (previous === null) { previous = select.defaultValue || ""; }
    var body = new FormData();
    body.append("csrf_token", token);
    body.append(select.name, select.value);
    status.textContent = "Enregistrement…";
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok && data.ok, data: data }; });
    }).then(function (result) {
      status.textContent = result.data.message;
      if (result.ok) {
        select.setAttribute("data-saved", select.value);
        select.removeAttribute("aria-invalid");
        (result.data.quotas || []).forEach(function (q) {
          var item = form.ownerDocument.querySelector("[data-quota='" + q.code + "'] .quota-utilise");
          if (item) { item.textContent = q.utilise; }
        });
      } else {
        select.value = previous;
        select.setAttribute("aria-invalid", "true");
      }
    }).catch(function () {
      status.textContent = "Enregistrement impossible : vérifiez votre connexion, puis utilisez le bouton « Enregistrer ».";
    });
  });
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (s) { s.setAttribute("data-saved", s.value); });
}());
