/* « Imprimer »: a button that opens the browser's print dialog (the page's print stylesheet does the rest).
   Progressive enhancement: the button stays hidden without JavaScript, where the browser's own menu prints. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-imprimer]");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
}());
