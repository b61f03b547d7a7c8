// The query page: YASGUI (vendored, see yasgui/LICENSE) sending to the local endpoint, with the
// project's prefixes and the library queries as examples. Nothing is fetched from elsewhere: the
// autocompleters that call remote services (prefix.cc, LOV) and the short-link service are off.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var prefixLines = Object.keys(config.prefixes).sort().map(function (p) {
    return "PREFIX " + p + ": <" + config.prefixes[p] + ">";
  });
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    createShortLink: null,
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { value: config.default, prefixCcApi: null }
  });
  var select = document.getElementById("example");
  function load(name) {
    var q = config.examples.find(function (e) { return e.name === name; });
    if (!q) { return; }
    var tab = yasgui.getTab();
    tab.setQuery(q.text);
  }
  select.addEventListener("change", function () { load(select.value); });
  // Result IRIs of the graph open their local page: rewrite every link to the project's namespace.
  function localise(root) {
    root.querySelectorAll('a[href^="' + config.base + '"]').forEach(function (a) {
      a.setAttribute("href", "/" + a.getAttribute("href").slice(config.base.length));
      a.removeAttribute("target");
    });
  }
  new MutationObserver(function () { localise(document.getElementById("yasgui")); })
    .observe(document.getElementById("yasgui"), { childList: true, subtree: true });
  window.cybernormsPrefixes = prefixLines;
})();
