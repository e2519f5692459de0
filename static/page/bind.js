/**
 * Data binding between a kernel result and a widget's HTML, shared by every widget.
 *
 * The build renders each widget's template with its kernel's result; elements carry the path of
 * the value they show (`data-bind="probs.0"`, formatted by `data-format="fixed:3"`), and answer
 * inputs the path of the value they are graded against (`data-answer="answer"`). A new result
 * from Python is shown by applyState(root, result); no widget re-renders its own HTML.
 */
import { judge, kernelNumber } from "./answers.js";

/**
 * Follow a dotted path into JSON data: pick({a: [5, 6]}, "a.1") → 6.
 * @param {any} state
 * @param {string} path
 */
export function pick(state, path) {
  return path.split(".").reduce((value, key) => (value == null ? undefined : value[key]), state);
}

/**
 * Format a value as the build's filters do: `fixed` (fixed decimals, − sign, ∞ spelled out) or
 * `sci` (scientific notation: formatValue(4.4e-16, "sci:1") → "4.4e-16") or `count` (a whole
 * number with thousands separators, as the build's `count` filter: formatValue(6815744, "count") →
 * "6,815,744").
 * @param {any} value
 * @param {string} format "fixed:N" (default fixed:2), "sci:N", "count" or "text"
 */
export function formatValue(value, format = "fixed:2") {
  if (format === "text") return String(value);
  if (format === "count") return formatValue(value, "fixed:0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (value === "Infinity") return "∞";
  if (value === "-Infinity") return "−∞";
  if (value === "NaN") return "NaN";
  const digits = Number((format.split(":")[1]) ?? 2);
  if (format.startsWith("sci")) return kernelNumber(value).toExponential(digits);
  let text = kernelNumber(value).toFixed(digits);
  if (Number(text) === 0) text = text.replace("-", "");
  return text.replace("-", "−");
}

/**
 * Show a new kernel result in a widget: update every bound element, clear the answers.
 * @param {HTMLElement} root
 * @param {any} state
 */
export function applyState(root, state) {
  for (const element of root.querySelectorAll("[data-bind]")) {
    const value = pick(state, element.dataset.bind);
    if (value !== undefined) element.textContent = formatValue(value, element.dataset.format);
  }
  for (const input of root.querySelectorAll("[data-answer]")) {
    input.value = "";
    input.removeAttribute("aria-invalid");
    input.classList.remove("right", "wrong");
    input.title = "";
  }
}

/**
 * Grade every answered input of a widget against the state. Returns {right, wrong, empty, problems}.
 * @param {HTMLElement} root
 * @param {any} state
 * @param {number} tolerance
 */
export function gradeAll(root, state, tolerance) {
  const tally = { right: 0, wrong: 0, empty: 0, problems: [] };
  for (const input of root.querySelectorAll("[data-answer]")) {
    if (input.closest("[hidden]")) continue;
    const verdict = judge(input.value, pick(state, input.dataset.answer), tolerance);
    input.classList.toggle("right", verdict.ok);
    input.classList.toggle("wrong", !verdict.ok && !verdict.empty);
    input.title = verdict.empty ? "" : verdict.message;
    if (verdict.empty) tally.empty += 1;
    else if (verdict.ok) tally.right += 1;
    else {
      tally.wrong += 1;
      input.setAttribute("aria-invalid", "true");
      if (!/try again/.test(verdict.message)) tally.problems.push(verdict.message);
    }
    if (verdict.ok) input.removeAttribute("aria-invalid");
  }
  return tally;
}

/**
 * Fill every answer input with the kernel's value (the "show me" button).
 * @param {HTMLElement} root
 * @param {any} state
 */
export function revealAll(root, state) {
  for (const input of root.querySelectorAll("[data-answer]")) {
    input.value = formatValue(pick(state, input.dataset.answer), "fixed:3");
    input.classList.add("revealed");
  }
}

/**
 * A sentence about a grading tally, for the widget's feedback line.
 * @param {{right: number, wrong: number, empty: number, problems: string[]}} tally
 */
export function describeTally(tally) {
  if (tally.problems.length) return tally.problems[0];
  const answered = tally.right + tally.wrong;
  if (answered === 0) return "Type an answer first.";
  if (tally.wrong === 0 && tally.empty === 0) return answered === 1 ? "Correct!" : `All ${answered} correct!`;
  if (answered === 1 && tally.wrong === 1 && tally.empty === 0) return "Not quite: try again.";
  const parts = [`${tally.right} of ${answered} answered correctly`];
  if (tally.empty) parts.push(`${tally.empty} still empty`);
  return `${parts.join(", ")}. Cells marked in red need another look.`;
}
