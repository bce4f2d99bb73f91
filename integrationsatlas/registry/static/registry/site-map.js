// Edit form: place a site by clicking on a map or by searching its address (server: /register/lage/).
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var SAXONY = [51.05, 13.35];

  function field(index, name) { return document.getElementById("id-loc-" + index + "-" + name); }
  function number(input) { return parseFloat((input.value || "").replace(",", ".")); }
  function fixed(value) { return (Math.round(value * 1e6) / 1e6).toString(); }

  function setup(el) {
    var index = el.getAttribute("data-index");
    var lon = field(index, "longitude"), lat = field(index, "latitude");
    var placement = field(index, "placement"), placedAt = field(index, "placed_at");
    var status = field(index, "placement-status");
    el.hidden = false;
    el.parentNode.querySelector(".site-map-actions").hidden = false;
    var start = isFinite(number(lat)) && isFinite(number(lon)) ? [number(lat), number(lon)] : null;
    var map = L.map(el, { scrollWheelZoom: false }).setView(start || SAXONY, start ? 14 : 7);
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    } else {
      fetch(el.getAttribute("data-boundaries").replace("AGS", "14")).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { L.geoJSON(data, { style: { color: "#34506b", weight: 1, fillOpacity: 0.05 }, interactive: false }).addTo(map); } })
        .catch(function () { /* clicking still works without the outline */ });
    }
    var marker = null;
    function show(latLng, zoom) {
      if (marker) { marker.setLatLng(latLng); } else { marker = L.marker(latLng, { keyboard: false }).addTo(map); }
      if (zoom) { map.setView(latLng, zoom); }
    }
    if (start) { show(start); }
    function put(lonValue, latValue, how, text) {
      lon.value = fixed(lonValue);
      lat.value = fixed(latValue);
      placement.value = how;
      placedAt.value = number(lon).toFixed(6) + "," + number(lat).toFixed(6);
      status.textContent = text;
      show([latValue, lonValue]);
    }
    map.on("click", function (event) {
      put(event.latlng.lng, event.latlng.lat, "map", el.getAttribute("data-msg-map"));
    });
    [lon, lat].forEach(function (input) {
      input.addEventListener("change", function () {
        placement.value = "given";
        status.textContent = "";
        if (isFinite(number(lat)) && isFinite(number(lon))) { show([number(lat), number(lon)], 14); }
      });
    });
    el.parentNode.querySelector(".site-locate").addEventListener("click", function () {
      var postal = field(index, "postal_code").value.trim(), city = field(index, "city").value.trim();
      if (!postal) { status.textContent = el.getAttribute("data-msg-missing"); return; }
      var query = new URLSearchParams({ address: field(index, "address").value, postal_code: postal, city: city });
      fetch(el.getAttribute("data-locate") + "?" + query.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (answer.error) { status.textContent = answer.error; return; }
          var text = answer.label + " – " + answer.gemeinde_name + (answer.attribution ? " (" + answer.attribution + ")" : "");
          put(answer.longitude, answer.latitude, answer.placement, text);
          map.setView([answer.latitude, answer.longitude], 13);
        })
        .catch(function () { status.textContent = el.getAttribute("data-msg-failed"); });
    });
  }
  document.querySelectorAll(".site-map").forEach(setup);
})();
