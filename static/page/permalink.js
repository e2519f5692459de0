/**
 * Widget state in the URL, so a link reproduces what the reader saw: each widget's arguments
 * that differ from its build-time ones are kept in a query parameter named after the widget's
 * element id, as JSON.
 *
 * Example: ?attention-by-hand-2={"seed":123,"causal":true}
 */

/**
 * The arguments a URL asks one widget for, or null.
 * @param {string} id the widget element's id
 * @param {string} [search] defaults to location.search
 * @returns {object|null}
 */
export function readWidgetArgs(id, search = location.search) {
  const raw = new URLSearchParams(search).get(id);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw);
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The arguments that differ from the build-time ones.
 * @param {object} args
 * @param {object} baseline
 */
export function changedArgs(args, baseline) {
  return Object.fromEntries(Object.entries(args).filter(
    ([key, value]) => JSON.stringify(value) !== JSON.stringify(baseline[key])));
}

/**
 * Record a widget's arguments in the address bar (no reload, no new history entry).
 * @param {string} id
 * @param {object} args
 * @param {object} baseline the build-time arguments
 */
export function writeWidgetArgs(id, args, baseline) {
  const url = new URL(location.href);
  const changed = changedArgs(args, baseline);
  if (Object.keys(changed).length) url.searchParams.set(id, JSON.stringify(changed));
  else url.searchParams.delete(id);
  history.replaceState(history.state, "", url);
}

/**
 * The query string an embed of this widget should carry (its frame holds one instance).
 * @param {string} id this page's widget id
 * @param {string} embedId the widget's id inside the embed page
 */
export function embedQuery(id, embedId) {
  const args = readWidgetArgs(id);
  return args ? `?${new URLSearchParams({ [embedId]: JSON.stringify(args) })}` : "";
}
