/**
 * Embedding: the snippet offered under each widget, and, inside an embed page, the few lines
 * that tell the host page how tall the frame's content is (the host checks our origin; see
 * embed-host.js).
 */

/** The message type the embed page posts to its host. */
export const HEIGHT_MESSAGE = "hlw-embed-height";

/**
 * Fill every "Embed this widget" box with an iframe snippet pointing at this site.
 * @param {object} config the page config (base path)
 */
export function fillEmbedCodes(config) {
  const site = new URL(config.base, location.href);
  for (const box of document.querySelectorAll("[data-embed-code]")) {
    const src = new URL(box.dataset.embedPath, site).href;
    const host = new URL("embed/host.js", site).href;
    const title = box.dataset.embedTitle.replace(/"/g, "&quot;");
    box.value = `<iframe src="${src}" title="${title}" data-hlw-embed style="width:100%;border:0" loading="lazy"></iframe>\n<script src="${host}" async></script>`;
    const button = box.parentElement.querySelector("[data-action=copy-embed]");
    button?.addEventListener("click", async () => {
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
  post();
}
