/**
 * Text helpers the widgets share: how a token's whitespace is drawn (the build draws it the same
 * way: the `visible` filter in sitebuild/pages/render.py).
 */

/** Make whitespace visible in a token: "·" for a space, "↵" for a newline, "→" for a tab. */
export function visible(text) {
  return text.replace(/ /g, "·").replace(/\n/g, "↵").replace(/\r/g, "␍").replace(/\t/g, "→");
}

/**
 * Write the token each `[data-token="path"]` element names in the state, whitespace made visible
 * (textContent only). Example: `<span data-token="top.0.token">` shows "·the" for " the".
 * @param {HTMLElement} root
 * @param {object} state
 * @param {(state: object, path: string) => any} pick the dotted-path reader of page/bind.js
 */
export function showTokens(root, state, pick) {
  for (const element of root.querySelectorAll("[data-token]")) {
    element.textContent = visible(String(pick(state, element.dataset.token)));
  }
}
