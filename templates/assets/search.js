/* Site search in the browser over recherche/index.json, built with the site.
   Results go to a list announced through a status region. */
(function () {
  "use strict";
  var form = document.querySelector("[data-recherche]");
  if (!form) { return; }
  var input = form.querySelector("input[type=search]");
  var list = document.querySelector("[data-resultats]");
  var status = document.querySelector("[data-resultats-etat]");
  var base = form.getAttribute("data-base");
  var entries = null;
  var timer = null;
  var MAX = 50;

  // Lower case, no accents, words separated by single spaces, with a leading space to find word starts.
  function fold(text) {
    return " " + text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  // « 5 000 »: a narrow no-break space between groups of three digits, from four digits on.
  function nombre(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  function json(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(url + " : " + response.status); }
      return response.json();
    });
  }

  // recherche/postes.json (generator/search.py postes_index): one entry per campaign and établissement,
  // leading to the campaign's table filtered on the UAI.
  function postesEntries(data) {
    return data.e.map(function (r) {
      var campagne = data.c[r[0]];
      var disciplines = r[6].map(function (i) { return data.d[i]; });
      var codes = r[7].split(" ");
      var n = codes.length;
      return {
        k: "Postes vacants",
        u: "postes/" + campagne[0] + "/?etablissement=" + encodeURIComponent(r[1]),
        t: r[3] ? r[2] + " (" + r[3] + ")" : r[2],
        s: nombre(n) + (n < 2 ? " poste, " : " postes, ") + campagne[1] + " : "
          + disciplines.map(function (d) { return d[1]; }).join(", "),
        x: [r[1], r[4], r[5]].concat(disciplines.map(function (d) { return d[0]; }), codes).join(" ")
      };
    });
  }

  function load() {
    // Without the postes (an older build, a network error), the pages are still searched.
    var postes = json(form.getAttribute("data-index-postes")).then(postesEntries, function () { return []; });
    return Promise.all([json(form.getAttribute("data-index")), postes]).then(function (parts) {
      entries = parts[0].concat(parts[1]).map(function (e) {
        e.ft = fold(e.t);
        e.fa = fold([e.t, e.s, e.x, e.k].join(" "));
        return e;
      });
    });
  }

  function search(query) {
    var terms = fold(query).split(" ").filter(function (t) { return t.length > 1; });
    if (!terms.length) { return null; }
    var found = [];
    entries.forEach(function (e) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var term = terms[i];
        if (e.fa.indexOf(term) === -1) { return; }
        // A word of the title starting with the term counts most, then the title, then a word elsewhere.
        if (e.ft.indexOf(" " + term) !== -1) { score += 8; }
        else if (e.ft.indexOf(term) !== -1) { score += 3; }
        else if (e.fa.indexOf(" " + term) !== -1) { score += 2; }
        else { score += 1; }
      }
      found.push([score, e]);
    });
    found.sort(function (a, b) { return b[0] - a[0] || a[1].t.localeCompare(b[1].t, "fr"); });
    return found.map(function (f) { return f[1]; });
  }

  function show() {
    var query = input.value;
    var results = search(query);
    list.textContent = "";
    if (results === null) { status.textContent = ""; return; }
    results.slice(0, MAX).forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = base + e.u;
      link.textContent = e.t;
      var kind = document.createElement("span");
      kind.className = "meta";
      kind.textContent = " — " + e.k;
      item.appendChild(link);
      item.appendChild(kind);
      if (e.s) {
        var summary = document.createElement("p");
        summary.textContent = e.s;
        item.appendChild(summary);
      }
      list.appendChild(item);
    });
    var n = results.length;
    status.textContent = n === 0 ? "Aucun résultat pour « " + query + " »."
      : nombre(n) + (n === 1 ? " résultat" : " résultats") + " pour « " + query + " »"
        + (n > MAX ? " (les " + MAX + " premiers sont affichés)." : ".");
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      if (entries === null) { load().then(show); } else { show(); }
    }, 150);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.replaceState(null, "", url);
    schedule();
  });
  input.addEventListener("input", schedule);
  form.hidden = false;
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; schedule(); }
})();
