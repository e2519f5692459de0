// ESLint for the browser code under static/ and the Node tools (make lint).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["site/", "node_modules/", ".cache/", ".venv/", "bench-results/"] },
  js.configs.recommended,
  {
    files: ["static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.worker },
    },
  },
  {
    // the cross-engine tests' probe, which their server puts into every page
    files: ["tests/engines/pages/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "script", globals: globals.browser },
  },
  {
    files: ["static/page/theme.js", "static/page/embed-host.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["tools/**/*.mjs", "tests/**/*.mjs", "sitebuild/**/*.mjs", "eslint.config.mjs"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: globals.node },
  },
];
