// Directory: "Autour de ma position" asks the browser for the position, then searches around it.
(function () {
  "use strict";
  var button = document.querySelector("[data-appui-near-me]");
  var status = document.querySelector("[data-appui-near-me-status]");
  if (!button || !("geolocation" in navigator)) return;
  var form = button.closest("form");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
      form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(5);
      status.textContent = "Position trouvée : les lieux sont classés du plus proche au plus loin.";
      form.submit();
    }, function () {
      status.textContent = "Position indisponible : cherchez par commune.";
    }, { timeout: 10000, maximumAge: 600000 });
  });
})();
