// The static copy of the site has no search server: this filters the list of every entity on
// search.html by the words of ?q= (accents and case ignored). Without JavaScript the list stays whole.
(function () {
  "use strict";
  function norm(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/œ/g, "oe").replace(/æ/g, "ae").toLowerCase();
  }
  var list = document.getElementById("everything");
  var input = document.getElementById("q-page");
  if (!list || !input) { return; }
  function filter() {
    var words = norm(input.value).match(/[a-z0-9]+/g) || [];
    var compact = words.join("");
    var shown = 0;
    Array.prototype.forEach.call(list.children, function (li) {
      var keys = " " + li.getAttribute("data-keys") + " ";
      var ok = words.every(function (w) { return keys.indexOf(" " + w) >= 0; }) || keys.indexOf(" " + compact + " ") >= 0;
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
  }
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; }
  input.addEventListener("input", filter);
  filter();
})();
