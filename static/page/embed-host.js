/*
 * How LLMs Work — embed helper for host pages (served unhashed at <site>/embed/host.js).
 * Resizes every <iframe data-hlw-embed> to the height its content reports, accepting messages
 * only from the origin the iframe was loaded from.
 */
(function () {
  "use strict";
  if (window.__hlwEmbedHost) return;
  window.__hlwEmbedHost = true;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "hlw-embed-height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-hlw-embed]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) return;
      frame.style.height = Math.max(50, Math.min(data.height, 20000)) + "px";
      return;
    }
  });
})();
