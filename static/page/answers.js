/**
 * Reading a number a person typed, and judging it against the kernel's answer.
 *
 * parseAnswer("0,66") → {value: 0.66}; parseAnswer("2/3") → {value: 0.666…};
 * parseAnswer("66%") → {value: 0.66}; parseAnswer("NaN") → {error: "…"}.
 */

const MINUS = /[\u2212\u2012\u2013\u2014]/g;
const LIMIT = 1e12;

/**
 * @param {string} text what the reader typed
 * @returns {{value: number} | {error: string} | {empty: true}}
 */
export function parseAnswer(text) {
  const cleaned = String(text ?? "").normalize("NFKC").replace(MINUS, "-").replace(/\s+/g, "");
  if (cleaned === "") return { empty: true };
  if (cleaned.length > 40) return { error: "That is too long to be a number." };
  let body = cleaned;
  let scale = 1;
  if (body.endsWith("%")) {
    body = body.slice(0, -1);
    scale = 0.01;
  }
  if (/^-?\d+,\d+$/.test(body)) body = body.replace(",", ".");
  let value;
  const fraction = body.match(/^(-?\d*\.?\d+)\/(-?\d*\.?\d+)$/);
  if (fraction) {
    const denominator = Number(fraction[2]);
    if (denominator === 0) return { error: "A fraction cannot divide by zero." };
    value = Number(fraction[1]) / denominator;
  } else if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(body)) {
    value = Number(body);
  } else if (/^[-+]?(inf|infinity|∞)$/i.test(body)) {
    return { error: "Please type a finite number; none of these answers is infinite." };
  } else {
    return { error: "Please type a number, such as 0.66, 2/3 or 66%." };
  }
  value *= scale;
  if (!Number.isFinite(value) || Math.abs(value) > LIMIT) {
    return { error: "That number is far too large to be the answer." };
  }
  return { value };
}

/**
 * Read a kernel number, which may be a JSON spelling of a non-finite value.
 * @param {number|string} x
 * @returns {number}
 */
export function kernelNumber(x) {
  return typeof x === "number" ? x : Number(x);
}

/**
 * Judge one answer. Returns {ok, message}.
 * @param {string} text what the reader typed
 * @param {number|string} expected the kernel's value
 * @param {number} tolerance accepted absolute difference
 */
export function judge(text, expected, tolerance) {
  const parsed = parseAnswer(text);
  if (parsed.empty) return { ok: false, empty: true, message: "Not answered yet." };
  if (parsed.error) return { ok: false, message: parsed.error };
  const target = kernelNumber(expected);
  const ok = Math.abs(parsed.value - target) <= tolerance + 1e-12;
  return { ok, message: ok ? "Correct." : "Not quite: try again." };
}
