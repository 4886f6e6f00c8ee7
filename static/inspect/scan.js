/* The inspectors' scan page: read a QR code with the phone's camera and open what it names.
 *
 * Decoding uses the browser's BarcodeDetector when it reads QR codes (Chrome on
 * Android, Safari 17+ on some devices), else the vendored jsQR, fetched from this
 * site only when needed. A decoded text goes to the resolve URL as ?q=, which
 * answers exactly as typing it into the form below would. No inline script: the
 * page's texts and URLs come from data-* attributes on #scanner.
 *
 * Test and debugging hook: window.txngScanner.decodeImage(source) decodes an
 * <img>, <canvas>, <video> or ImageBitmap through the same path as camera
 * frames and resolves to the text or null; window.txngScanner.open(text) then
 * goes where a scan would.
 */
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) {
    return;
  }
  var video = document.getElementById("scan-video");
  var statusLine = document.getElementById("scan-status");
  var startButton = document.getElementById("scan-start");
  var photoInput = document.getElementById("scan-photo");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var FRAME_SIDE = 800; // live frames are scaled down: faster, and a held-up code stays legible
  var PHOTO_SIDE = 1600; // a photo may show the code small, far from the lens
  var INTERVAL_MS = 150; // about 6 tries a second spares a cheap phone's battery
  var stream = null;
  var timer = null;
  var decoder = null;
  var opening = false;

  function say(key) {
    statusLine.textContent = key ? root.dataset[key] || "" : "";
  }

  function nativeDetector() {
    if (!("BarcodeDetector" in window)) {
      return Promise.resolve(null);
    }
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        return formats.indexOf("qr_code") >= 0
          ? new window.BarcodeDetector({ formats: ["qr_code"] })
          : null;
      })
      .catch(function () {
        return null;
      });
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function jsqrDecode(source, maxSide) {
    var width = source.videoWidth || source.naturalWidth || source.width;
    var height = source.videoHeight || source.naturalHeight || source.height;
    if (!width || !height) {
      return null;
    }
    var scale = Math.min(1, maxSide / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(pixels.data, pixels.width, pixels.height, {
      inversionAttempts: "attemptBoth",
    });
    return code ? code.data : null;
  }

  // Resolve to a function (source, maxSide) -> Promise<text or null>.
  function loadDecoder() {
    if (!decoder) {
      decoder = nativeDetector().then(function (detector) {
        if (detector) {
          return function (source) {
            return detector.detect(source).then(function (codes) {
              return codes.length ? codes[0].rawValue : null;
            });
          };
        }
        return loadScript(root.dataset.decoderUrl).then(function () {
          return function (source, maxSide) {
            return Promise.resolve(jsqrDecode(source, maxSide));
          };
        });
      });
    }
    return decoder;
  }

  function decodeImage(source, maxSide) {
    return loadDecoder().then(function (decode) {
      return decode(source, maxSide || PHOTO_SIDE);
    });
  }

  function open(text) {
    if (opening || !text) {
      return;
    }
    opening = true;
    stop();
    say("msgFound");
    window.location.assign(root.dataset.resolveUrl + "?q=" + encodeURIComponent(text));
  }

  function scanFrame() {
    timer = null;
    if (!stream || opening) {
      return;
    }
    var next = function () {
      if (stream && !opening) {
        timer = window.setTimeout(scanFrame, INTERVAL_MS);
      }
    };
    if (video.readyState < 2) {
      next();
      return;
    }
    decodeImage(video, FRAME_SIDE).then(function (text) {
      if (text) {
        open(text);
      } else {
        next();
      }
    }, next);
  }

  function start() {
    if (stream) {
      return;
    }
    opening = false;
    say("msgStarting");
    var constraints = {
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    };
    Promise.all([navigator.mediaDevices.getUserMedia(constraints), loadDecoder()])
      .then(function (results) {
        stream = results[0];
        video.srcObject = stream;
        video.hidden = false;
        startButton.hidden = true;
        return video.play();
      })
      .then(function () {
        say("msgLooking");
        scanFrame();
      })
      .catch(function (error) {
        stop();
        say(error && error.name === "NotAllowedError" ? "msgDenied" : "msgUnavailable");
      });
  }

  function stop() {
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    video.srcObject = null;
    video.hidden = true;
    startButton.hidden = !hasCamera;
  }

  function readPhoto() {
    var file = photoInput.files && photoInput.files[0];
    if (!file) {
      return;
    }
    var url = URL.createObjectURL(file);
    var image = new Image();
    image.onload = function () {
      decodeImage(image).then(
        function (text) {
          URL.revokeObjectURL(url);
          if (text) {
            open(text);
          } else {
            say("msgNothing");
          }
        },
        function () {
          URL.revokeObjectURL(url);
          say("msgNothing");
        }
      );
    };
    image.onerror = function () {
      URL.revokeObjectURL(url);
      say("msgNothing");
    };
    image.src = url;
  }

  var hasCamera = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  root.hidden = false;
  startButton.hidden = !hasCamera;
  startButton.addEventListener("click", start);
  photoInput.addEventListener("change", readPhoto);
  // A camera left running in a background tab drains the battery.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    }
  });
  // Coming back with the Back button restores the page as it was left: ready again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      opening = false;
      say("");
    }
  });
  // Once the camera is allowed for this site, start it without a tap.
  if (hasCamera && navigator.permissions && navigator.permissions.query) {
    navigator.permissions
      .query({ name: "camera" })
      .then(function (permission) {
        if (permission.state === "granted") {
          start();
        }
      })
      .catch(function () {});
  }

  window.txngScanner = { decodeImage: decodeImage, open: open, start: start, stop: stop };
})();
