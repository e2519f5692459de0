/**
 * KV-cache animation: step through decoding with and without a cache, watching which tokens'
 * keys and values are computed and which are reused, with the work counted so far; then time
 * the real model both ways in this browser.
 */
import { formatValue } from "../page/bind.js";

const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** One square per token of the sequence at this step. */
function drawRow(row, length, cached) {
  row.replaceChildren(...Array.from({ length }, (_, i) => {
    const square = document.createElement("span");
    const fresh = !cached || i === length - 1;
    square.className = `kv-slot ${fresh ? "computed" : "reused"}`;
    return square;
  }));
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  let step = 0;
  let timer = null;
  const number = root.querySelector("[data-step-number]");
  const show = () => {
    const { costs } = context.state;
    step = Math.max(0, Math.min(step, costs.lengths.length - 1));
    const length = costs.lengths[step];
    drawRow(root.querySelector("[data-row=without]"), length, false);
    drawRow(root.querySelector("[data-row=with]"), length, true);
    number.textContent = String(step + 1);
    root.querySelector("[data-work=without]").textContent = Number(costs.cumulative_without[step]).toLocaleString("en");
    root.querySelector("[data-work=with]").textContent = Number(costs.cumulative_with[step]).toLocaleString("en");
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
  };
  root.querySelector("[data-action=back]").addEventListener("click", () => { stop(); step -= 1; show(); });
  root.querySelector("[data-action=forward]").addEventListener("click", () => { stop(); step += 1; show(); });
  root.querySelector("[data-action=play]").addEventListener("click", () => {
    stop();
    const last = context.state.costs.lengths.length - 1;
    if (reducedMotion()) {
      step = last;
      show();
      return;
    }
    step = 0;
    show();
    timer = setInterval(() => {
      step += 1;
      show();
      if (step >= last) stop();
    }, 500);
  });
  context.onState = (state) => {
    show();
    if (state.live) {
      root.querySelector("[data-live-timing]").textContent =
        `Measured just now in your browser, greedy, ${state.live.with.tokens} tokens: ${formatValue(state.live.with.tokens_per_second, "fixed:0")} tokens/s with the cache, ${formatValue(state.live.without.tokens_per_second, "fixed:0")} without (${formatValue(state.live.speedup, "fixed:1")} times faster).`;
    }
  };
  root.querySelector("[data-action=measure]").addEventListener("click", async (event) => {
    event.target.disabled = true;
    context.say("Generating with and without the cache…");
    try {
      await context.compute({ measure: true });
      context.say("");
    } catch {
      /* compute() said why */
    } finally {
      event.target.disabled = false;
    }
  });
  show();
}
