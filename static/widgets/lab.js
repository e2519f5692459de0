/**
 * One hands-on lab: the reader writes a prediction, runs BASE and TWEAK on the real model with
 * the same prompt and seed, compares the effect, and keeps a one-line takeaway (saved in this
 * browser; every lab's takeaways export together as a Markdown list). Everything the kernel
 * returns is drawn with textContent.
 */
import { formatValue } from "../page/bind.js";
import { element } from "../page/dom.js";
import { drawHeatImage, heatColour, textOn } from "../page/heatmap.js";
import { visible } from "./shared/text.js";

const STORE = "hlw-lab-takeaways";

/** Every saved takeaway: {lab: {title, text}}. */
function readTakeaways() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "{}");
  } catch {
    return {};
  }
}

/** The takeaways as a Markdown checklist, one line per lab. */
export function takeawaysMarkdown(all) {
  const lines = Object.values(all).filter((t) => t.text.trim())
    .map((t) => `- [x] **${t.title}**: ${t.text.trim().replace(/\s+/g, " ")}`);
  return ["# My takeaways from the labs", "", ...lines].join("\n") + "\n";
}

/** A heatmap as an image, a pixel per value. */
function heatImage(figure, palette) {
  const image = element("img", undefined, "heat-image");
  image.alt = heatAlt(figure);
  drawHeatImage(image, figure.heat, palette);
  return image;
}

/** What a heatmap image shows, in words (the template writes the same). */
function heatAlt(figure) {
  return `A ${figure.heat.length} × ${figure.heat[0].length} heatmap, ${figure.rows} down and ${figure.cols} across: dark is low, bright is high.`;
}

/** The figure: a curve as a table, a grid as coloured cells, a heatmap as an image with its two
 * ends in words. */
function drawFigure(box, figure, palette) {
  if (!figure) {
    box.replaceChildren();
    return;
  }
  if (figure.kind === "heatmap") {
    const scale = element("p", `Darkest ${formatValue(figure.low, "fixed:3")}, brightest ${formatValue(figure.high, "fixed:3")}.`, "muted");
    box.replaceChildren(heatImage(figure, palette), scale);
    return;
  }
  const table = element("table", undefined, figure.kind === "curve" ? "numbers" : "heatmap");
  if (figure.kind === "curve") {
    const head = element("tr");
    head.append(element("th", figure.x_label), element("th", figure.y_label));
    table.append(element("thead"));
    table.tHead.append(head);
    const body = element("tbody");
    figure.x.forEach((x, i) => {
      const tr = element("tr");
      tr.append(element("td", String(x)), element("td", formatValue(figure.y[i], "fixed:3")));
      body.append(tr);
    });
    table.append(body);
  } else {
    if (figure.caption) table.append(element("caption", figure.caption));
    if (Array.isArray(figure.cols)) {
      const head = element("tr");
      head.append(element("th"), ...figure.cols.map((c) => element("th", visible(String(c)))));
      table.append(element("thead"));
      table.tHead.append(head);
    }
    const body = element("tbody");
    figure.values.forEach((row, r) => {
      const tr = element("tr");
      if (Array.isArray(figure.rows)) tr.append(element("th", String(figure.rows[r])));
      row.forEach((value, c) => {
        const text = figure.cells ? visible(figure.cells[r][c]) : formatValue(value, "fixed:3");
        const td = element("td", text);
        const colour = heatColour(palette, figure.heat[r][c]);
        td.style.background = colour;
        td.style.color = textOn(colour);
        tr.append(td);
      });
      body.append(tr);
    });
    table.append(body);
  }
  const wrap = element("div", undefined, "table-scroll");
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", figure.caption || "the lab's figure");
  wrap.append(table);
  box.replaceChildren(wrap);
}

/** One side's panel: label, text, next-token chips. */
function drawSide(section, part, name) {
  const label = part.label || (name === "base" ? "the model as trained" : "with your change");
  const heading = element("h3", `${name.toUpperCase()}: ${label}`);
  const nodes = [heading];
  if (part.text !== undefined) nodes.push(element("pre", part.text, "generated"));
  if (part.top) {
    const line = element("p", "Next token: ", "muted");
    for (const t of part.top) line.append(element("span", `${visible(t.token)} ${formatValue(t.prob, "fixed:2")}`, "chip"), " ");
    nodes.push(line);
  }
  section.replaceChildren(...nodes);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const guess = root.querySelector("[data-guess]");
  const takeaway = root.querySelector("[data-takeaway]");
  const out = root.querySelector("[data-takeaways-out]");
  const lab = context.args.lab;
  const save = () => {
    const all = readTakeaways();
    all[lab] = { title: context.state.title, text: takeaway.value };
    localStorage.setItem(STORE, JSON.stringify(all));
  };
  const saved = readTakeaways()[lab]?.text;
  if (saved !== undefined) takeaway.value = saved;
  else if (takeaway.value) save(); // typed while the page was still loading
  takeaway.addEventListener("input", save);
  root.querySelector("[data-action=export-takeaways]").addEventListener("click", () => {
    out.hidden = false;
    out.value = takeawaysMarkdown(readTakeaways());
    out.select();
  });
  context.onState = (state) => {
    drawSide(root.querySelector("[data-side=base]"), state.base, "base");
    drawSide(root.querySelector("[data-side=tweak]"), state.tweak, "tweak");
    const effect = state.effect;
    root.querySelector("[data-effect]").textContent =
      `${effect.name}: BASE ${formatValue(effect.base, "fixed:4")}, TWEAK ${formatValue(effect.tweak, "fixed:4")} ${effect.unit}`;
    drawFigure(root.querySelector("[data-figure]"), state.figure, context.palette);
    root.querySelector("[data-debrief-text]").replaceChildren(...state.debrief.map((p) => element("p", p)));
  };
  root.querySelector("[data-action=run-lab]").addEventListener("click", async () => {
    if (!guess.value.trim()) {
      context.say("Write down your prediction first: it is the point of the lab.", "error");
      guess.focus();
      return;
    }
    const params = {};
    for (const input of root.querySelectorAll("[data-param]")) {
      const raw = input.value.trim();
      params[input.dataset.param] = input.dataset.kind === "number" ? Number(raw.replace(",", ".")) : input.value;
      if (input.dataset.kind === "number" && (raw === "" || !Number.isFinite(params[input.dataset.param]))) {
        context.say(`${input.dataset.param.replace("_", " ")}: please type a number.`, "error");
        return;
      }
    }
    const prompt = root.querySelector("[data-arg=prompt]").value;
    const seed = Number(root.querySelector("[data-arg=seed]").value);
    const picked = root.querySelector("[data-arg=checkpoint]").value;
    const checkpoint = picked === "" ? null : Number(picked);
    if (!prompt.trim()) {
      context.say("Type a prompt first: both sides continue it.", "error");
      return;
    }
    context.say(checkpoint === null ? "Running BASE and TWEAK…" : `Loading the model after ${checkpoint} steps, then running BASE and TWEAK…`);
    try {
      await context.compute({ prompt, seed, params, checkpoint });
      root.querySelector("[data-side=tweak]").hidden = false;
      const predicted = `You predicted: “${guess.value.trim()}”.`;
      context.say(`${predicted} Compare it with the effect and the debrief below.`);
      const debrief = root.querySelector("[data-debrief]");
      const line = root.querySelector("[data-debrief-guess]");
      line.textContent = predicted;
      line.hidden = false;
      debrief.open = true;
    } catch {
      /* compute() said why; the last result stays */
    }
  });
}
