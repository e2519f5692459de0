/*
 * How LLMs Work — embed helper for host pages (served unhashed at <site>/embed/host.js).
 * Resizes every <iframe data-hlw-embed> to the height its content reports, accepting messages
 * only from the origin the iframe was loaded from; asks each frame for its height once it runs,
 * since a frame may have loaded (and reported) before it.
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
  // A frame that loaded before this script ran has already reported its height, to no one:
  // ask every frame to say it again, now and whenever one (re)loads.
  function hello(frame) {
    // (before its page loads, the frame holds about:blank, of another origin: this is dropped)
    frame.contentWindow.postMessage({ type: "hlw-embed-hello" }, new URL(frame.src, location.href).origin);
  }
  var frames = document.querySelectorAll("iframe[data-hlw-embed]");
  for (var i = 0; i < frames.length; i++) {
    hello(frames[i]);
    frames[i].addEventListener("load", hello.bind(null, frames[i]));
  }
})();
