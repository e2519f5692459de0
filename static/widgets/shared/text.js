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

/**
 * Draw a list of token chips, each its text (whitespace made visible) over its id, into `list`
 * (textContent only); a token whose `special[i]` is true is marked `special-token`.
 * Example: `drawTokenList(ol, ["Hi", "<|im_end|>"], [13347, 100265], [false, true])`
 * @param {HTMLElement} list the `<ol class="token-list">`
 * @param {string[]} tokens
 * @param {number[]} ids
 * @param {boolean[]} [special]
 */
export function drawTokenList(list, tokens, ids, special = []) {
  const items = tokens.map((token, i) => {
    const item = document.createElement("li");
    item.className = special[i] ? "token special-token" : "token";
    item.title = `id ${ids[i]}`;
    const text = document.createElement("span");
    text.className = "token-text";
    text.textContent = visible(token);
    const id = document.createElement("span");
    id.className = "token-id";
    id.textContent = String(ids[i]);
    item.append(text, id);
    return item;
  });
  list.replaceChildren(...items);
}
