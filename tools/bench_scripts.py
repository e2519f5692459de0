"""The page scripts and generations ``make bench`` times, shared by tools/bench.py (Chromium,
through Playwright) and tools/engine_speed.py (Firefox and WebKit): each engine runs the same
JavaScript, so their figures compare.

Example: ``page.evaluate(FIRST_RESULT_JS)["kind"]`` -> 'compiled' on a first visit
"""

from __future__ import annotations

FIRST_RESULT_JS = """async () => {
  const result = await window.hlw.client.call('softmax', {logits: [2, 1, 0.1]});
  return {ms: performance.now(), ok: result.probs.length === 3, kind: window.hlw.client.bootKind,
          started: window.hlw.client.startedAt, stages: window.hlw.client.bootStages || {}};
}"""


#: True once the worker has tried to cache the snapshot (after a boot that could not use it).
SNAPSHOT_CACHED_JS = "() => window.hlw.client.snapshotCached !== undefined"


#: Both shipped models' files (the Llama's fetched once, for its own generation).
MODEL_FILES = ["traces/model.npz", "traces/tokenizer.json", "traces/model.json",
               "traces/llama/model.npz", "traces/llama/model.json"]  # fmt: skip
GENERATE = {"prompt": "ROMEO:", "max_new_tokens": 120, "temperature": 0.0}


#: The same length sampled the way the model widgets let a reader: temperature and nucleus.
SAMPLED = {**GENERATE, "temperature": 0.8, "top_p": 0.9, "seed": 1}
#: Each way of generating the bench times, with the suffix of its figures' names.
GENERATIONS = (("", GENERATE), ("_sampled", SAMPLED), ("_llama", {**GENERATE, "model": "llama"}))
BROWSER_RATES_JS = """async ([args, files, runs]) => {
    await window.hlw.client.call('gpt_generate', {...args, max_new_tokens: 4}, files);
    const rates = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const result = await window.hlw.client.call('gpt_generate', args, files);
      rates.push(result.ids.length / ((performance.now() - started) / 1000));
    }
    return rates;
}"""
