/**
 * Static against continuous batching (batching): the sliders change the requests and the
 * slots; the kernel runs again, its numbers arrive through data-bind, and this draws both
 * schedules again by the template's rule (one row per slot, one bar per request, the steps of
 * the longer schedule across the whole width).
 */
import { watchSettings } from "./shared/settings.js";

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
function svg(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Redraw one schedule's bars, `longest` steps across `width`. */
export function drawSchedule(chart, schedule, slots, longest) {
  const row = Number(chart.dataset.row);
  const width = Number(chart.dataset.width);
  const x = (step) => Math.round((step / longest) * width * 10) / 10;
  chart.setAttribute("viewBox", `0 0 ${width} ${slots * row}`);
  const bars = schedule.bars.map((bar) => {
    const group = svg("g", { class: `batch-bar batch-bar-${bar.request % 2}` });
    group.append(svg("rect", { x: x(bar.start), y: bar.slot * row + 2, width: x(bar.length), height: row - 4 }));
    if ((bar.length / longest) * width >= 18) {
      const label = svg("text", { x: x(bar.start + bar.length / 2), y: bar.slot * row + row / 2 + 4 });
      label.textContent = String(bar.request);
      group.append(label);
    }
    return group;
  });
  chart.querySelector("title").textContent = chart.querySelector("title").textContent.replace(/\d+ slots, \d+ steps/, `${slots} slots, ${schedule.steps} steps`);
  chart.replaceChildren(chart.querySelector("title"), ...bars);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  context.onState = (state) => {
    const longest = Math.max(state.static.steps, state.continuous.steps);
    for (const chart of root.querySelectorAll("[data-schedule]")) drawSchedule(chart, state[chart.dataset.schedule], state.slots, longest);
  };
  watchSettings(context, [...root.querySelectorAll("[data-setting]")]);
}
