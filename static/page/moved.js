/**
 * Addresses that moved to another chapter (content/moved.toml; the page's config holds them as
 * `moved: [{from: "slug#id", to: "slug#id", href}]`). A reader who arrives at an old anchor, or
 * with a permalink naming a moved widget (`?softmax-quiz-1={…}`, see permalink.js), is sent to
 * its new place with the query kept; answers saved under an old exercise's key
 * ("slug#exercise-id", see progress.js) are carried to the new key, unless the new one has its
 * own.
 *
 * Example: `movedHref(moved, "attention-and-the-block", "#exercise-gqa-saving")` →
 * "/inference-and-hardware.html#exercise-gqa-saving"; an address that did not move → undefined.
 */

/**
 * @param {{from: string, href: string}[]} moved
 * @param {string} slug this page's
 * @param {string} hash location.hash
 * @param {string} [search] location.search
 */
export function movedHref(moved, slug, hash, search = "") {
  const keys = [hash.slice(1), ...new URLSearchParams(search).keys()].filter(Boolean);
  const move = keys.map((key) => moved.find((m) => m.from === `${slug}#${key}`)).find(Boolean);
  if (!move) return undefined;
  const [path, anchor] = move.href.split("#");
  return `${path}${search}#${anchor}`;
}

/**
 * A copy of saved progress with each moved key under its new name.
 * Example: `carryProgress([{from: "a#x", to: "b#x"}], {"a#x": {correct: true}})` → `{"b#x": {correct: true}}`
 * @param {{from: string, to: string}[]} moved
 * @param {Record<string, object>} progress
 */
export function carryProgress(moved, progress) {
  const carried = { ...progress };
  for (const { from, to } of moved) {
    if (!(from in carried)) continue;
    if (!(to in carried)) carried[to] = carried[from];
    delete carried[from];
  }
  return carried;
}
