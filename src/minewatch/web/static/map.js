// Recolours the server-rendered map when the date or the treaty layer changes.
// Loads nothing from outside: it only asks this server's /api/status.
(function () {
  "use strict";
  var form = document.getElementById("map-controls");
  var map = document.getElementById("map");
  if (!form || !map) { return; }
  var slider = document.getElementById("day");
  var dateInput = document.getElementById("on");
  var label = document.getElementById("on-label");
  var layerName = document.getElementById("layer-name");
  var parties = document.getElementById("parties");
  var DAY = 86400000;
  var start = Date.parse(slider.dataset.start + "T00:00:00Z");
  var labels = {};
  document.querySelectorAll("#legend li").forEach(function (li) {
    var c = li.querySelector(".count");
    labels[c.dataset.status] = li.textContent.trim().replace(/\s*\d*$/, "");
  });
  var seq = 0;
  var timer = null;

  function dayToIso(n) { return new Date(start + n * DAY).toISOString().slice(0, 10); }
  function isoToDay(s) { return Math.round((Date.parse(s + "T00:00:00Z") - start) / DAY); }
  function treaty() { return form.querySelector("input[name=treaty]:checked").value; }

  function refresh() {
    var on = dateInput.value;
    var t = treaty();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(on)) { return; }
    var mine = ++seq;
    map.setAttribute("aria-busy", "true");
    fetch("/api/status?treaty=" + encodeURIComponent(t) + "&on=" + encodeURIComponent(on), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || mine !== seq) { return; }
        var by = {};
        data.items.forEach(function (it) { by[it.iso3] = it.status; });
        var counts = {};
        map.querySelectorAll("path[data-iso3]").forEach(function (p) {
          var s = by[p.dataset.iso3] || "na";
          p.setAttribute("class", "st st-" + s);
          p.dataset.status = s;
          var title = p.querySelector("title");
          if (title) { title.textContent = p.dataset.name + ": " + (labels[s] || s); }
        });
        data.items.forEach(function (it) { counts[it.status] = (counts[it.status] || 0) + 1; });
        document.querySelectorAll("#legend .count").forEach(function (c) {
          if (c.dataset.status !== "na") { c.textContent = counts[c.dataset.status] || 0; }
        });
        label.textContent = data.on;
        layerName.textContent = data.treaty;
        parties.textContent = data.parties;
        ["parties-bound", "parties-partial"].forEach(function (id) {
          var el = document.getElementById(id);
          if (el) { el.hidden = !data.parties_is_lower_bound; }
        });
        map.dataset.on = data.on;
        map.dataset.treaty = data.treaty;
        map.removeAttribute("aria-busy");
        history.replaceState(null, "", "/?treaty=" + encodeURIComponent(data.treaty) + "&on=" + encodeURIComponent(data.on));
      })
      .catch(function () { map.removeAttribute("aria-busy"); });
  }

  function soon() { clearTimeout(timer); timer = setTimeout(refresh, 60); }

  slider.addEventListener("input", function () { dateInput.value = dayToIso(Number(slider.value)); soon(); });
  dateInput.addEventListener("change", function () {
    var n = isoToDay(dateInput.value);
    if (!isNaN(n)) { slider.value = String(Math.max(0, Math.min(Number(slider.max), n))); }
    soon();
  });
  form.querySelectorAll("input[name=treaty]").forEach(function (r) { r.addEventListener("change", refresh); });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  document.getElementById("zoom-europe").addEventListener("click", function () { map.setAttribute("viewBox", map.dataset.europe); });
  document.getElementById("zoom-world").addEventListener("click", function () { map.setAttribute("viewBox", map.dataset.world); });
})();
