/**
 * Text helpers the widgets share: how a token's whitespace is drawn (the build draws it the same
 * way: the `visible` filter in sitebuild/pages/render.py).
 */

/** Make whitespace visible in a token: "·" for a space, "↵" for a newline, "→" for a tab. */
export function visible(text) {
  return text.replace(/ /g, "·").replace(/\n/g, "↵").replace(/\r/g, "␍").replace(/\t/g, "→");
}
