/** The page's text and border colours, so Plotly charts follow the light or dark theme. */
export function chartInk() {
  const style = getComputedStyle(document.body);
  return { fg: style.color, grid: style.getPropertyValue("--border").trim() || "#ccc" };
}
