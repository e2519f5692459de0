/**
 * Making elements from data, never from HTML strings: the page's and the widgets' one helper.
 *
 * Example: `element("td", "0.42", "mono")` → <td class="mono">0.42</td>
 */

/**
 * @param {string} tag
 * @param {string} [text] its textContent
 * @param {string} [className]
 * @returns {HTMLElement}
 */
export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}
