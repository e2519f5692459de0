/**
 * Heatmaps and their exports. Cells carry the value they show (`data-heat="path"`); colours
 * come from the palette the build puts in the page config (viridis, colour-blind safe), so the
 * build-time and live colours are the same. A figure's matrix can be saved as CSV or drawn to a
 * PNG with its labels.
 */
import { formatValue, pick } from "./bind.js";

/** "#rrggbb" -> [r, g, b] */
function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/**
 * The palette colour of a value in [0, 1], interpolated as sitebuild/pages/palette.py does.
 * @param {string[]} palette
 * @param {number} value
 */
export function heatColour(palette, value) {
  const x = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  const position = x * (palette.length - 1);
  const low = Math.min(Math.floor(position), palette.length - 2);
  const t = position - low;
  const [a, b] = [rgb(palette[low]), rgb(palette[low + 1])];
  return "#" + a.map((c, k) => Math.round(c + (b[k] - c) * t).toString(16).padStart(2, "0")).join("");
}

/** WCAG relative luminance of "#rrggbb", as sitebuild/pages/palette.py computes it. */
function luminance(colour) {
  const linear = rgb(colour).map((c) => c / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
}

/** Black or white text, whichever contrasts more with the colour. */
export function textOn(colour) {
  const light = luminance(colour);
  return (light + 0.05) / 0.05 > 1.05 / (light + 0.05) ? "#000000" : "#ffffff";
}

/**
 * A matrix of heat values as a PNG data URL, one pixel per value (the build draws the same
 * pixels: sitebuild/pages/heat_image.py). The page scales it up without smoothing.
 * @param {number[][]} heat values in [0, 1]
 * @param {string[]} palette
 */
export function heatImageUrl(heat, palette) {
  const canvas = document.createElement("canvas");
  canvas.width = heat[0].length;
  canvas.height = heat.length;
  const g = canvas.getContext("2d");
  const image = g.createImageData(canvas.width, canvas.height);
  heat.forEach((row, r) => row.forEach((value, c) => {
    const [red, green, blue] = rgb(heatColour(palette, typeof value === "number" ? value : 0));
    image.data.set([red, green, blue, 255], 4 * (r * canvas.width + c));
  }));
  g.putImageData(image, 0, 0);
  return canvas.toDataURL("image/png");
}

/**
 * Recolour a widget's heatmaps from a new state: every [data-heat] cell, and every image drawn
 * from a whole matrix (`<img data-heat-image="path">`, a pixel per value).
 */
export function paintHeat(root, state, palette) {
  for (const cell of root.querySelectorAll("[data-heat]")) {
    const raw = pick(state, cell.dataset.heat);
    const colour = heatColour(palette, typeof raw === "number" ? raw : 0);
    cell.style.background = colour;
    cell.style.color = textOn(colour);
  }
  for (const image of root.querySelectorAll("img[data-heat-image]")) {
    const heat = pick(state, image.dataset.heatImage);
    if (Array.isArray(heat) && heat.length) drawHeatImage(image, heat, palette);
  }
}

/**
 * Draw a matrix of heat values into an `<img class="heat-image">`, a pixel per value; its
 * size comes from --rows and --cols (site.css).
 */
export function drawHeatImage(image, heat, palette) {
  image.style.setProperty("--rows", String(heat.length));
  image.style.setProperty("--cols", String(heat[0].length));
  image.src = heatImageUrl(heat, palette);
}

/** A matrix and its labels as CSV text (labels quoted; numbers as the kernel gave them). */
export function toCsv(matrix, rowLabels, colLabels) {
  const quote = (text) => `"${String(text).replace(/"/g, '""')}"`;
  const header = ["", ...colLabels].map(quote).join(",");
  const rows = matrix.map((row, i) => [quote(rowLabels[i] ?? i), ...row.map(String)].join(","));
  return [header, ...rows].join("\n") + "\n";
}

/** Draw a matrix as a PNG blob: one coloured square per value, labels on the left and top. */
export async function toPng(matrix, rowLabels, colLabels, palette) {
  const cell = 48, margin = 64;
  const canvas = new OffscreenCanvas(margin + cell * colLabels.length, margin + cell * matrix.length);
  const g = canvas.getContext("2d");
  g.fillStyle = "#fff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.font = "14px sans-serif";
  g.textAlign = "center";
  g.textBaseline = "middle";
  matrix.forEach((row, i) => row.forEach((value, j) => {
    const number = typeof value === "number" ? value : 0;
    const colour = heatColour(palette, number);
    g.fillStyle = colour;
    g.fillRect(margin + j * cell, margin + i * cell, cell, cell);
    g.fillStyle = textOn(colour);
    g.fillText(formatValue(value, "fixed:2"), margin + (j + 0.5) * cell, margin + (i + 0.5) * cell);
  }));
  g.fillStyle = "#000";
  colLabels.forEach((label, j) => g.fillText(String(label), margin + (j + 0.5) * cell, margin / 2));
  g.textAlign = "right";
  rowLabels.forEach((label, i) => g.fillText(String(label), margin - 8, margin + (i + 0.5) * cell));
  return canvas.convertToBlob({ type: "image/png" });
}

/** Offer a blob as a download. */
export function download(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/**
 * Handle an export button: data-export="path to the matrix", data-export-rows / -cols = paths
 * to label lists, data-export-name = file name without extension.
 */
export async function exportFromButton(button, state, palette) {
  const matrix = pick(state, button.dataset.export);
  const rows = pick(state, button.dataset.exportRows) ?? matrix.map((_, i) => i + 1);
  const cols = pick(state, button.dataset.exportCols) ?? matrix[0].map((_, j) => j + 1);
  const name = button.dataset.exportName || "matrix";
  if (button.dataset.action === "export-csv") {
    download(new Blob([toCsv(matrix, rows, cols)], { type: "text/csv" }), `${name}.csv`);
  } else {
    download(await toPng(matrix, rows, cols, palette), `${name}.png`);
  }
}
