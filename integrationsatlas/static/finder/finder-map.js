// Leaflet maps of results and sites, from own static files; boundaries as background when no tiles are configured.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  function boundaries(map, template, key, style) {
    if (!key) { return; }
    fetch(template.replace("AGS", key)).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) { L.geoJSON(data, { style: style, interactive: false }).addTo(map).bringToBack(); }
      }).catch(function () { /* the map still shows the markers */ });
  }
  // Leaflet inserts a string tooltip as HTML: names come from providers, so they go in as text.
  function textTooltip(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  document.querySelectorAll(".finder-map").forEach(function (el) {
    var lat = parseFloat(el.getAttribute("data-lat"));
    var lon = parseFloat(el.getAttribute("data-lon"));
    var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], parseInt(el.getAttribute("data-zoom") || "11", 10));
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    } else {
      var template = el.getAttribute("data-boundaries");
      boundaries(map, template, "14", { color: "#34506b", weight: 2, fill: false });
      boundaries(map, template, el.getAttribute("data-kreis"), { color: "#7b8fa3", weight: 1, fillColor: "#eef2f6", fillOpacity: 1 });
    }
    var bounds = [[lat, lon]];
    var here = el.getAttribute("data-here");
    if (here) {
      L.circleMarker([lat, lon], { radius: 7, color: "#1b1f24", fillColor: "#ffbf00", fillOpacity: 1 }).addTo(map).bindTooltip(textTooltip(here));
    } else {
      L.circleMarker([lat, lon], { radius: 9, color: "#0b5cad", fillColor: "#0b5cad", fillOpacity: .9 }).addTo(map)
        .bindTooltip(textTooltip(el.getAttribute("data-name") || ""));
    }
    document.querySelectorAll(".result[data-lat]").forEach(function (item, i) {
      var p = [parseFloat(item.getAttribute("data-lat")), parseFloat(item.getAttribute("data-lon"))];
      bounds.push(p);
      var link = document.createElement("a");
      link.href = item.getAttribute("data-url");
      link.textContent = (i + 1) + ". " + item.getAttribute("data-name");
      L.circleMarker(p, { radius: 8, color: "#0b5cad", fillColor: "#0b5cad", fillOpacity: .85 }).addTo(map).bindPopup(link);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 }); }
  });
})();
