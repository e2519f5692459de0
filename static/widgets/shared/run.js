/**
 * Running a widget's kernel on what the reader set. `runKernel` runs it once: on success the
 * widget's message clears; when Python refuses or fails, compute() has said why and the last
 * result stays. `settledRun` waits until the reader has stopped moving a control for `wait` ms,
 * then runs the kernel on what `read()` returns; a string from `read()` is a refusal, said as an
 * error, and nothing runs.
 *
 * Example: `const update = settledRun(context, () => ({ d_k: Number(slider.value) }))` and
 * `slider.addEventListener("input", update)`: dragging runs the kernel once, where it stops.
 */

/**
 * @param {object} context see page.js makeContext
 * @param {object} args the kernel's arguments
 * @returns {Promise<object|undefined>} the new state, or undefined when the run failed
 */
export async function runKernel(context, args) {
  try {
    const state = await context.compute(args);
    context.say("");
    return state;
  } catch {
    return undefined; /* compute() said why; the last result stays */
  }
}

/**
 * @param {object} context see page.js makeContext
 * @param {() => object|string} read the kernel's arguments now, or why they cannot run
 * @param {number} [wait] milliseconds of stillness before the run
 * @returns {() => void} call it on every change
 */
export function settledRun(context, read, wait = 100) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const args = read();
      if (typeof args === "string") context.say(args, "error");
      else runKernel(context, args);
    }, wait);
  };
}
