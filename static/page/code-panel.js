/**
 * The code behind a widget (templates/partials/code-panel.html): the build's listing of the
 * kernel and its helpers (code/KERNEL.json, fetched from this site when the panel first opens),
 * and an editor that runs the reader's version in the kernel worker (pyodide_kernels/edited.py)
 * on the widget's current inputs. While an edit is on, every new input runs the reader's code,
 * the figure says so, and a table sets the changed values beside the original kernel's. Edits
 * stay in this browser (localStorage); a link may carry one, and then nothing runs until the
 * reader presses Run.
 *
 * Example: `?softmax-quiz-1-code=def%20softmax_quiz…` opens the panel with that code, not run.
 */

import { element } from "./dom.js";

/** Rows the table of changed values shows at most. */
const MOST_ROWS = 12;

/** The localStorage key of one widget's edit. Example: `editKey("ch", "softmax-quiz-1")` → "hlw-code:ch#softmax-quiz-1" */
export function editKey(page, id) {
  return `hlw-code:${page}#${id}`;
}

/** The URL parameter a link to an edit uses. Example: `linkParam("softmax-quiz-1")` → "softmax-quiz-1-code" */
export function linkParam(id) {
  return `${id}-code`;
}

/**
 * The editor's starting text: each listed function under a comment naming its file and line.
 * Example: `listingText([{path: "a.py", line: 3, source: "def f():\n    pass\n"}])` →
 * "# a.py, line 3\ndef f():\n    pass\n"
 * @param {{path: string, line: number, source: string}[]} functions
 */
export function listingText(functions) {
  return functions.map(({ path, line, source }) => `# ${path}, line ${line}\n${source.trimEnd()}\n`).join("\n\n");
}

/**
 * Draw a fetched listing: what it shows and leaves out, then each function under its file and
 * line, as the build highlighted it (spans from Pygments, this site's own file).
 */
function drawListing(box, listing) {
  const intro = element("p", "The Python your browser runs for this figure, exactly as the project's source has it: ");
  intro.append(element("code", listing.functions[0].name), " and the functions it calls in turn.");
  if (listing.plumbing.length) intro.append(` Not listed, as plumbing (input checks, loading the model): ${listing.plumbing.join(", ")}.`);
  if (listing.more.length) intro.append(` Not shown: ${listing.more.join(", ")}.`);
  const parts = listing.functions.flatMap((f) => {
    const where = element("p", undefined, "code-path");
    where.append(element("code", f.path), `, line ${f.line}`);
    const view = element("pre", undefined, "code-view");
    view.tabIndex = 0;
    view.dataset.codeFunction = f.name;
    const code = element("code");
    code.innerHTML = f.html; // subtle: the build's own highlighting, fetched from this site
    view.append(code);
    return [where, view];
  });
  box.replaceChildren(intro, ...parts);
}

/**
 * The numbers (and short strings) where two results differ, as [path, original, yours], at
 * most `limit` of them. Example: `changedValues({a: [1, 2]}, {a: [1, 3]})` → [["a.1", 2, 3]]
 */
export function changedValues(original, yours, limit = MOST_ROWS, path = "") {
  const rows = [];
  const walk = (a, b, at) => {
    if (rows.length >= limit) return;
    if (a && b && typeof a === "object" && typeof b === "object") {
      const keys = Array.isArray(a) ? [...Array(Math.max(a.length, b.length)).keys()] : [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const key of keys) walk(a[key], b[key], at ? `${at}.${key}` : String(key));
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      rows.push([at || "(the result)", a, b]);
    }
  };
  walk(original, yours, path);
  return rows;
}

/** A value as the table writes it. Example: `shown(0.123456789)` → "0.123457" */
function shown(value) {
  if (value === undefined) return "(none)";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(6);
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** Indent with Tab; after Esc the next Tab leaves the editor, so keyboards are never trapped. */
function wireEditorKeys(editor) {
  let leaving = false;
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { leaving = true; return; }
    if (event.key !== "Tab" || event.shiftKey || leaving) { leaving = false; return; }
    event.preventDefault();
    editor.setRangeText("    ", editor.selectionStart, editor.selectionEnd, "end");
  });
}

/**
 * Mount the code panel of one widget.
 * @param {object} context the widget's context (page.js makeContext)
 * @param {string} page this page's slug (or the embed's name), for the stored edit's key
 */
export function mountCodePanel(context, page) {
  const panel = context.root.querySelector("[data-code-panel]");
  if (!panel) return;
  const $ = (selector) => panel.querySelector(selector);
  const editor = $("[data-code-editor]");
  const feedback = $("[data-code-feedback]");
  const errorBox = $("[data-code-error]");
  const diff = $("[data-code-diff]");
  const editButton = $("[data-action=edit-code]");
  const key = editKey(page, context.root.id);
  const fromLink = new URLSearchParams(location.search).get(linkParam(context.root.id));
  const stored = () => { try { return localStorage.getItem(key); } catch { return null; } };
  const mark = (edited) => { $("[data-code-edited]").hidden = !edited; };
  const say = (text) => { feedback.textContent = text; };
  let loading = null;
  let listing = null;
  let original = "";

  /** Fetch and draw the listing once; resolves when the editor can start. */
  const load = () => {
    loading ??= fetch(panel.dataset.codeSrc).then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    }).then((fetched) => {
      listing = fetched;
      original = listingText(listing.functions);
      drawListing($("[data-code-listing]"), listing);
      editButton.disabled = false;
      if (stored() !== null) mark(stored() !== original);
    }, (error) => {
      loading = null; // the next opening tries again
      $("[data-code-listing]").replaceChildren(element("p", `The code could not be loaded from this site (${error.message}); close and open this panel to try again.`));
      throw error;
    });
    return loading;
  };
  const openEditor = (text) => {
    $("[data-code-edit]").hidden = false;
    if (!editor.value) editor.value = text ?? stored() ?? original;
  };
  const showError = (text) => {
    errorBox.hidden = !text;
    errorBox.textContent = text ?? "";
  };
  context.onEdited = ({ state, original: plain }) => {
    const rows = changedValues(plain, state);
    diff.hidden = false;
    $("[data-code-diff-rows]").replaceChildren(...rows.map(([path, before, after]) => {
      const tr = document.createElement("tr");
      const head = element("th", path);
      head.scope = "row";
      tr.append(head, element("td", shown(before)), element("td", shown(after)));
      return tr;
    }));
    const some = rows.length === MOST_ROWS ? `the first ${rows.length}` : String(rows.length);
    say(rows.length ? `The figure shows your code's result; ${some} value${rows.length === 1 ? "" : "s"} differ from the original's.`
      : "The figure shows your code's result, the same as the original's.");
    showError(null);
  };
  context.onEditError = (error) => {
    if (error.kind === "EditedCodeError") {
      say("Your code failed; the figure keeps its last result.");
      showError(error.message);
    } else {
      say(`Your code was stopped: ${error.message}. The figure keeps its last result; Python starts again at your next run.`);
      showError(null);
    }
  };

  panel.addEventListener("toggle", () => { if (panel.open) load().catch(() => {}); });
  if (panel.open) load().catch(() => {}); // opened before this module mounted
  editButton.addEventListener("click", () => { openEditor(); editor.focus(); });
  wireEditorKeys(editor);
  $("[data-action=run-code]").addEventListener("click", () => {
    const source = editor.value;
    try { localStorage.setItem(key, source); } catch { /* private mode: the edit lives in the page */ }
    mark(source !== original);
    say("Running your code…");
    context.useEdit({ functions: listing.functions.map(({ name, module }) => ({ name, module })), source }).catch(() => {});
  });
  $("[data-action=reset-code]").addEventListener("click", () => {
    try { localStorage.removeItem(key); } catch { /* nothing stored */ }
    editor.value = original;
    mark(false);
    diff.hidden = true;
    showError(null);
    context.useEdit(null);
    say("Back to the original code and its result.");
  });
  $("[data-action=link-code]").addEventListener("click", () => {
    const url = new URL(location.href);
    url.searchParams.set(linkParam(context.root.id), editor.value);
    navigator.clipboard?.writeText(String(url)).then(() => say("A link to your version is on the clipboard; it opens with your code shown, not run."),
      () => say(String(url)));
  });
  if (fromLink !== null) {
    panel.open = true; // its toggle loads the listing
    load().then(() => {
      openEditor(fromLink);
      mark(fromLink !== original);
      say("This link carries an edited version of the code. Read it first: nothing runs until you press “Run my code”.");
    }, () => {});
  }
}
