/**
 * BPE stepper: train on the reader's words with as many merges as the slider says, showing
 * each merge and the words after it, then how a few words are encoded.
 */

/** Draw the merges and encodings (their count varies, so the widget draws them). */
function draw(root, state) {
  const merges = state.merges.map((merge) => {
    const item = document.createElement("li");
    const head = document.createElement("strong");
    head.textContent = `(${merge.pair[0]}, ${merge.pair[1]}) → ${merge.token}`;
    const note = document.createElement("span");
    note.className = "muted";
    note.textContent = ` seen ${merge.count}×, new id ${merge.id}`;
    const pieces = document.createElement("div");
    pieces.className = "pieces";
    pieces.textContent = merge.pieces.join(" ");
    item.append(head, note, pieces);
    return item;
  });
  root.querySelector("[data-merge-list]").replaceChildren(...merges);
  const encoded = state.encoded.map((entry) => {
    const item = document.createElement("li");
    const word = document.createElement("code");
    word.textContent = entry.text;
    item.append(word, ` → ${entry.tokens.join(" · ")} = [${entry.ids.join(", ")}]`);
    return item;
  });
  root.querySelector("[data-encoded]").replaceChildren(...encoded);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const train = root.querySelector("[data-train]");
  const merges = root.querySelector("[data-merges]");
  const shown = root.querySelector("[data-merges-out]");
  context.onState = (state) => draw(root, state);
  context.onArgs = (args) => {
    train.value = args.text;
    merges.value = String(args.num_merges);
    shown.textContent = String(args.num_merges);
  };
  let timer = null;
  const update = () => {
    shown.textContent = merges.value;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const words = train.value.split(/\s+/).filter(Boolean);
      try {
        await context.compute({ text: train.value, num_merges: Number(merges.value),
                                encode: words.length ? words.slice(0, 4) : ["low"] });
        context.say("");
      } catch {
        /* compute() said why */
      }
    }, 120);
  };
  train.addEventListener("input", update);
  merges.addEventListener("input", update);
}
