/**
 * The real model continuing one prompt under five decoding rules; results are bound to the
 * template by the shared runtime (textContent), so this module only gathers the settings.
 */
import { wireModelSettings } from "./shared/model-settings.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  wireModelSettings(context, "Generating five continuations…");
}
