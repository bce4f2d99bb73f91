// Finder enhancements: place suggestions, "use my location" on request, print and copy buttons. Pages work without it.
(function () {
  "use strict";
  var form = document.querySelector(".finder-form");
  if (form) {
    var input = form.querySelector("#id_ort");
    var list = document.getElementById("place-suggestions");
    var url = form.getAttribute("data-suggest-url");
    var timer = null;
    if (input && list && url) {
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var q = input.value.trim();
        if (q.length < 2) { return; }
        timer = setTimeout(function () {
          fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : { places: [] }; })
            .then(function (data) {
              list.textContent = "";
              data.places.forEach(function (p) {
                var option = document.createElement("option");
                option.value = p.value;
                option.textContent = p.label;
                list.appendChild(option);
              });
            })
            .catch(function () { /* suggestions are optional */ });
        }, 200);
      });
    }
    var geo = form.querySelector("[data-geolocate]");
    if (geo && "geolocation" in navigator) {
      geo.parentNode.hidden = false;
      var status = form.querySelector("[data-geo-status]");
      geo.addEventListener("click", function () {
        if (!form.querySelector("input[name=art]:checked")) {
          form.reportValidity();
          return;
        }
        navigator.geolocation.getCurrentPosition(function (pos) {
          // Rounded to about 100 m: precise enough for "nearest", less revealing.
          form.elements.lat.value = pos.coords.latitude.toFixed(3);
          form.elements.lon.value = pos.coords.longitude.toFixed(3);
          input.value = "";
          form.submit();
        }, function () {
          status.textContent = geo.getAttribute("data-error") || status.textContent;
        }, { timeout: 15000, maximumAge: 600000 });
      });
    }
  }
  if (navigator.clipboard) {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
          button.textContent = button.getAttribute("data-copied");
        });
      });
    });
  }
  // Installable and readable offline: the worker's scope is the finder (/suche/).
  var manifest = document.querySelector("link[rel=manifest][data-service-worker]");
  if (manifest && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(manifest.getAttribute("data-service-worker")).catch(function () {});
  }
  var made = document.documentElement.getAttribute("data-offline-copy");
  var dateSlot = document.querySelector("[data-offline-date]");
  if (made && dateSlot) {
    var lang = document.documentElement.lang || "de";
    dateSlot.textContent = new Date(made).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
  }
  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
