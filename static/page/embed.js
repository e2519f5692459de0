/**
 * Embedding: the snippet offered under each widget, and, inside an embed page, the few lines
 * that tell the host page how tall the frame's content is (the host checks our origin; see
 * embed-host.js).
 */

import { embedQuery } from "./permalink.js";

/** The message type the embed page posts to its host. */
export const HEIGHT_MESSAGE = "hlw-embed-height";
/** What the host helper (embed-host.js) sends when it starts: "say your height again". */
export const HELLO_MESSAGE = "hlw-embed-hello";

/**
 * The iframe snippet for one widget, carrying its current state from the URL.
 * @param {HTMLTextAreaElement} box the widget's embed-code box
 * @param {URL} site the site's root URL
 */
function snippetFor(box, site) {
  const widget = box.closest("figure.widget");
  const query = embedQuery(widget.id, `${widget.dataset.widget}-1`);
  const src = new URL(box.dataset.embedPath + query, site).href;
  const host = new URL("embed/host.js", site).href;
  const title = box.dataset.embedTitle.replace(/"/g, "&quot;");
  return `<iframe src="${src}" title="${title}" data-hlw-embed style="width:100%;border:0" loading="lazy"></iframe>\n<script src="${host}" async></script>`;
}

/**
 * Offer each widget's embed snippet; it is written when opened or copied, so it carries the
 * widget's state at that moment.
 * @param {object} config the page config (base path)
 */
export function fillEmbedCodes(config) {
  const site = new URL(config.base, location.href);
  for (const box of document.querySelectorAll("[data-embed-code]")) {
    const refresh = () => { box.value = snippetFor(box, site); };
    refresh();
    box.closest("details")?.addEventListener("toggle", refresh);
    const button = box.parentElement.querySelector("[data-action=copy-embed]");
    button?.addEventListener("click", async () => {
      refresh();
      box.select();
      try {
        await navigator.clipboard.writeText(box.value);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Press Ctrl+C to copy";
      }
    });
  }
}

/** Inside an iframe: post this document's height to the parent whenever it changes. */
export function setupEmbedChild() {
  if (window.parent === window || !document.body.classList.contains("embed")) return;
  let last = 0;
  const post = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: HEIGHT_MESSAGE, height, path: location.pathname }, "*");
    }
  };
  new ResizeObserver(post).observe(document.documentElement);
  // the host page's helper may start after this frame: it asks, and the height is said again
  window.addEventListener("message", (event) => {
    if (event.source === window.parent && event.data?.type === HELLO_MESSAGE) {
      last = 0;
      post();
    }
  });
  post();
}
