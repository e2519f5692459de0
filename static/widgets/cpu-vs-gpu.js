/**
 * CPU vs GPU: the rows of a matrix product filling in one per tick on one core, and many per
 * tick on many cores, from the kernel's schedule; the measured throughputs sit below.
 */
import { runKernel } from "./shared/run.js";

const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** Squares for every row, filled when its tick has come. */
function drawGrid(grid, ticks, now) {
  grid.replaceChildren(...ticks.map((tick) => {
    const square = document.createElement("span");
    square.className = `mm-row ${tick <= now ? "done" : ""}`;
    return square;
  }));
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const lanes = root.querySelector("[data-setting=lanes]");
  let timer = null;
  const draw = (now) => {
    const { schedule } = context.state;
    drawGrid(root.querySelector("[data-grid=cpu]"), schedule.cpu_tick, now);
    drawGrid(root.querySelector("[data-grid=gpu]"), schedule.gpu_tick, now);
  };
  context.onState = () => draw(Infinity);
  context.onArgs = (args) => {
    lanes.value = String(args.lanes);
    root.querySelector("[data-show=lanes]").textContent = lanes.value;
  };
  lanes.addEventListener("input", async () => {
    root.querySelector("[data-show=lanes]").textContent = lanes.value;
    await runKernel(context, { lanes: Number(lanes.value) });
  });
  root.querySelector("[data-action=play]").addEventListener("click", () => {
    clearInterval(timer);
    const last = context.state.schedule.cpu_ticks;
    if (reducedMotion()) {
      draw(Infinity);
      return;
    }
    let now = 0;
    draw(now);
    timer = setInterval(() => {
      now += 1;
      draw(now);
      if (now >= last) clearInterval(timer);
    }, 250);
  });
  draw(Infinity);
}
