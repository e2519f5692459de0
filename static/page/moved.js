/**
 * Addresses that moved to another chapter (content/moved.toml; the page's config holds them as
 * `moved: [{from: "slug#id", to: "slug#id", href}]`). A reader who arrives at an old anchor is
 * sent to its new place; answers saved under an old exercise's key ("slug#exercise-id", see
 * progress.js) are carried to the new key, unless the new one has its own.
 *
 * Example: `movedHref(moved, "attention-and-the-block", "#exercise-gqa-saving")` →
 * "/inference-and-hardware.html#exercise-gqa-saving"; an anchor that did not move → undefined.
 */

/** @param {{from: string, href: string}[]} moved @param {string} slug @param {string} hash */
export function movedHref(moved, slug, hash) {
  return moved.find((move) => move.from === `${slug}${hash}`)?.href;
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
