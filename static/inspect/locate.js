/* "Use my location" on the inspection form: fills the latitude and longitude inputs.
 * Optional: without JavaScript or a position the two inputs are typed or left empty. */
(function () {
  "use strict";

  var button = document.getElementById("locate");
  var statusLine = document.getElementById("locate-status");
  if (!button || !navigator.geolocation) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    statusLine.textContent = button.dataset.msgLocating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        document.getElementById("latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("longitude").value = position.coords.longitude.toFixed(6);
        statusLine.textContent = button.dataset.msgDone;
      },
      function () {
        statusLine.textContent = button.dataset.msgFailed;
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  });
})();
