/**
 * Every page's entry point: mount the widgets and exercises on the build-time state, start the
 * Python worker when the page is idle (or at the first touch of a widget), and keep each
 * widget's status line honest about where its numbers come from.
 */
import { KernelClient } from "../python/kernel-client.js";
import { applyState, describeTally, gradeAll, revealAll } from "./bind.js";
import { judge } from "./answers.js";
import { setupEmbedChild, fillEmbedCodes } from "./embed.js";
import { mountCodePanel } from "./code-panel.js";
import { carryProgress, movedHref } from "./moved.js";
import { chapterScore, loadProgress, replaceProgress, resetProgress, saveAnswer } from "./progress.js";
import { readWidgetArgs, writeWidgetArgs } from "./permalink.js";
import { wireModelSwitch } from "./model-switch.js";
import { exportFromButton, paintHeat } from "./heatmap.js";

const config = JSON.parse(document.getElementById("hlw-config").textContent);
const client = new KernelClient(config, new URL("../python/kernel-worker.js", import.meta.url));
const widgets = [];
const vendorLoads = new Map();

/**
 * Load a vendored library (a classic script served by this site) once.
 * @param {string} name a key of config.vendor, e.g. "plotly"
 * @returns {Promise<any>} the global the library sets (window.Plotly)
 */
function loadVendor(name) {
  const entry = config.vendor?.[name];
  if (!entry) return Promise.reject(new Error(`This page has no library named ${name}.`));
  if (!vendorLoads.has(name)) {
    vendorLoads.set(name, new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = entry.url;
      script.onload = () => resolve(window[entry.global]);
      script.onerror = () => {
        vendorLoads.delete(name);
        reject(new Error(`The ${name} library could not be loaded; the table shows the same numbers.`));
      };
      document.head.append(script);
    }));
  }
  return vendorLoads.get(name);
}

/** Show the runtime's state on every widget's status line. */
function showStatus({ state, text }) {
  for (const { root } of widgets) {
    const line = root.querySelector("[data-status]");
    line.dataset.state = state;
    line.textContent = state === "failed"
      ? `${text} The numbers shown were computed when this page was built. `
      : text;
    if (state === "failed") {
      const retry = document.createElement("button");
      retry.type = "button";
      retry.textContent = "Retry";
      retry.dataset.action = "retry";
      line.append(retry);
    }
  }
  const badge = document.querySelector("[data-runtime-badge]");
  if (badge && widgets.length) {
    badge.hidden = false;
    badge.dataset.state = state;
    badge.textContent = badgeLabel(badge, state);
  }
}

/**
 * The badge's label for a runtime state, from the template's data-label-* attributes (the
 * stylesheet reserves the widest of them, so a new label never moves the header).
 * @param {HTMLElement} badge the [data-runtime-badge] element
 * @param {string} state idle, starting, ready or failed
 * @returns {string} e.g. "Python: live" for "ready"
 */
function badgeLabel(badge, state) {
  return badge.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] ?? `Python: ${state}`;
}

/** The object a widget module's mount() receives. */
function makeContext(root, entry, saved) {
  let requests = 0; // compute() calls so far: only the latest one's result is shown
  const context = {
    root,
    widget: entry,
    params: saved.params,
    args: saved.args,
    state: saved.state,
    /** The reader's version of the code behind the figure, while one is on (code-panel.js). */
    edit: null,
    tolerance: Number(saved.params.tolerance ?? 0.01),
    /** The heatmap colours (viridis, from the build), for widgets that draw their own cells. */
    palette: config.palette,
    /** Say something in the widget's feedback line. */
    say(text, kind = "info") {
      const line = root.querySelector("[data-feedback]");
      if (line) {
        line.textContent = text;
        line.dataset.kind = kind;
      }
    },
    /** A library the widget declares in widgets.toml (`vendor = ["plotly"]`), loaded on demand. */
    vendor(name) {
      return (entry.vendor ?? []).includes(name)
        ? loadVendor(name)
        : Promise.reject(new Error(`Widget ${root.dataset.widget} does not declare ${name}.`));
    },
    /**
     * Run the widget's kernel with changed arguments and show the result.
     * Keeps the current state, and says why, when Python is unavailable or refuses the input.
     */
    async compute(changes = {}, { fromLink = false } = {}) {
      const args = { ...context.args, ...changes };
      const ticket = ++requests;
      const edit = context.edit;
      root.setAttribute("aria-busy", "true");
      try {
        const [state, original] = await computeBoth(entry, args, edit, dataFor(entry, args, context.state));
        if (ticket !== requests) return state; // a newer request is under way: its result shows
        context.args = args;
        context.show(state);
        root.dataset.edited = String(Boolean(edit));
        if (edit) context.onEdited?.({ state, original });
        // subtle: only values from a link are echoed into the controls; the reader's own
        // request came from them, and may have been typed over while it ran
        if (fromLink) context.onArgs?.(args);
        writeWidgetArgs(root.id, args, saved.args);
        root.dataset.live = "true";
        return state;
      } catch (error) {
        if (ticket === requests && edit) {
          context.onEditError?.(error);
          context.say("Your code failed: the code panel below says where.", "error");
        } else if (ticket === requests) {
          context.say(error.kind === "ValueError" ? `That input was refused: ${error.message}` : `${error.message}`, "error");
        }
        throw error;
      } finally {
        if (ticket === requests) root.removeAttribute("aria-busy");
      }
    },
    /** Show a result: bound values, heat cells, and the widget's own drawing. */
    show(state) {
      context.state = state;
      applyState(root, state);
      paintHeat(root, state, config.palette);
      context.onState?.(state);
    },
    /** The reader's code ({functions, source}) from now on, or the original again (null). */
    useEdit(edit) {
      context.edit = edit;
      if (edit) return context.compute();
      delete root.dataset.edited;
      const atBuild = JSON.stringify(context.args) === JSON.stringify(saved.args);
      if (!atBuild) return context.compute();
      requests += 1; // subtle: a run of the edited code still under way must not land after this
      root.removeAttribute("aria-busy");
      context.show(saved.state);
      return Promise.resolve(saved.state);
    },
  };
  return context;
}

/**
 * The data files a call needs: the widget's own, those its last result names for the
 * arguments' values (`on_demand`: {arg: {value: file}}, e.g. a lab's training checkpoint), and
 * the files of the model its `model` argument names (config.models, e.g. the Llama's weights),
 * each fetched only when the reader picks that value.
 * @returns {string[]} repo-relative paths
 */
function dataFor(entry, args, state) {
  const extra = Object.entries(state?.on_demand ?? {})
    .map(([arg, files]) => (args[arg] === null || args[arg] === undefined ? undefined : files[String(args[arg])]))
    .filter(Boolean);
  return [...entry.data, ...extra, ...(config.models[args.model] ?? [])];
}

/**
 * A widget's result for `args`: the reader's edited code's beside the original kernel's when
 * an edit is on (code-panel.js), else the kernel's twice.
 * @returns {Promise<[object, object]>} [shown, original]
 */
async function computeBoth(entry, args, edit, data) {
  if (!edit) {
    const state = await client.call(entry.kernel, args, data);
    return [state, state];
  }
  const mine = { kernel: entry.kernel, functions: edit.functions, source: edit.source, args };
  const state = await client.call("run_edited", mine, data);
  return [state, await client.call(entry.kernel, args, data)];
}

/** Buttons every widget shares: check, reveal, retry. */
function wireCommonActions(context) {
  context.root.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (action === "check") {
      const tally = gradeAll(context.root, context.state, context.tolerance);
      context.say(describeTally(tally), tally.wrong || !tally.right ? "wrong" : "right");
    } else if (action === "reveal") {
      revealAll(context.root, context.state);
      context.say("These are the kernel's answers.", "info");
    } else if (action === "retry") {
      client.retry().catch(() => {});
    } else if (action === "export-csv" || action === "export-png") {
      exportFromButton(event.target.closest("[data-action]"), context.state, config.palette);
    }
  });
  context.root.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("[data-answer]")) {
      context.root.querySelector("[data-action=check]")?.click();
    }
  });
}

/** Import a widget's module and mount it on its build-time state. */
async function mountWidget(root) {
  const entry = config.widgets[root.dataset.widget];
  const saved = JSON.parse(root.querySelector(".widget-state").textContent);
  const context = makeContext(root, entry, saved);
  widgets.push(context);
  wireCommonActions(context);
  const module = await import(new URL(`../${entry.module}`, import.meta.url));
  module.mount(context);
  wireModelSwitch(context);
  mountCodePanel(context, pageSlug || `embed/${root.dataset.widget}`);
  root.dataset.mounted = "true";
  const wanted = readWidgetArgs(root.id);
  if (wanted) {
    context.say("Restoring the state from the link…");
    context.compute(wanted, { fromLink: true }).then(() => context.say("Restored the state from the link."), () => {});
  }
}

const pageSlug = document.body.dataset.page;

/** Exercises are graded on the page (their answer was computed at build time) and remembered. */
function mountExercise(section) {
  const input = section.querySelector("[data-exercise-input]");
  const feedback = section.querySelector("[data-feedback]");
  const key = `${pageSlug}#${section.id}`;
  const show = (verdict) => {
    feedback.textContent = verdict.message;
    feedback.dataset.kind = verdict.ok ? "right" : "wrong";
    input.setAttribute("aria-invalid", String(!verdict.ok && !verdict.empty));
  };
  const check = () => {
    const verdict = judge(input.value, Number(section.dataset.answerValue), Number(section.dataset.tolerance));
    show(verdict);
    if (!verdict.empty) saveAnswer(key, { answer: input.value, correct: verdict.ok });
    showChapterProgress();
  };
  const saved = loadProgress()[key];
  if (saved?.answer !== undefined) {
    input.value = saved.answer;
    show(judge(saved.answer, Number(section.dataset.answerValue), Number(section.dataset.tolerance)));
  }
  const hint = section.querySelector("[data-hint]");
  if (hint) {
    hint.open = Boolean(saved?.hinted);
    hint.addEventListener("toggle", () => { if (hint.open) saveAnswer(key, { hinted: true }); });
  }
  section.querySelector("[data-action=check-exercise]").addEventListener("click", check);
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") check(); });
}

/** "1 of 2 exercises done" under a chapter's title, and a mark per chapter on the home page. */
function showChapterProgress() {
  const marker = document.querySelector("[data-progress]");
  const chapter = config.chapters.find((c) => c.slug === pageSlug);
  if (marker && chapter && chapter.exercises.length) {
    const { done, total } = chapterScore(chapter.slug, chapter.exercises);
    marker.hidden = false;
    marker.textContent = `Your progress: ${done} of ${total} exercises done.`;
  }
  for (const element of document.querySelectorAll("[data-chapter-progress]")) {
    const entry = config.chapters.find((c) => c.slug === element.dataset.chapterProgress);
    if (!entry || !entry.exercises.length) continue;
    const { done, total } = chapterScore(entry.slug, entry.exercises);
    element.textContent = done === total ? `✓ all ${total} exercises done` : `${done} of ${total} exercises done`;
    element.dataset.done = String(done === total);
  }
}

/** Buttons outside widgets: the theme toggle and "reset my progress". */
function wirePageActions() {
  document.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (action === "toggle-theme" && window.hlwToggleTheme) {
      const theme = window.hlwToggleTheme();
      event.target.closest("button").setAttribute("aria-pressed", String(theme === "dark"));
    } else if (action === "reset-progress") {
      resetProgress();
      showChapterProgress();
      const note = document.querySelector("[data-reset-note]");
      if (note) note.textContent = "Your progress was reset.";
    }
  });
}

/** Start Python when the browser is idle after load, or at once when a widget is touched. */
function scheduleStart() {
  const start = () => client.start().catch(() => {});
  for (const { root } of widgets) {
    root.addEventListener("pointerdown", start, { once: true });
    root.addEventListener("focusin", start, { once: true });
  }
  const whenIdle = () => ("requestIdleCallback" in window ? requestIdleCallback(start, { timeout: 1500 }) : setTimeout(start, 200));
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}

/**
 * Follow an old address to where its section or exercise moved (content/moved.toml), and carry
 * answers saved under moved exercises' old keys; true when the page is being left.
 */
function followMoves() {
  const moved = config.moved ?? [];
  const goTo = () => {
    const href = movedHref(moved, pageSlug, location.hash, location.search);
    if (href) location.replace(href);
    return Boolean(href);
  };
  window.addEventListener("hashchange", goTo);
  const progress = loadProgress();
  const carried = carryProgress(moved, progress);
  if (JSON.stringify(carried) !== JSON.stringify(progress)) replaceProgress(carried);
  return goTo();
}

async function main() {
  if (followMoves()) return;
  client.addEventListener("status", (event) => showStatus(event.detail));
  wirePageActions();
  document.querySelectorAll("[data-exercise]").forEach(mountExercise);
  showChapterProgress();
  await Promise.all([...document.querySelectorAll("figure.widget[data-widget]")].map(mountWidget));
  fillEmbedCodes(config);
  setupEmbedChild();
  if (widgets.length) scheduleStart();
  document.documentElement.dataset.hlwReady = "true";
}

window.hlw = { client, widgets };
main();
