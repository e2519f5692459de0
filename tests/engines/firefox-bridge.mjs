/**
 * Firefox for the cross-engine tests: Debian's firefox-esr started by Puppeteer over WebDriver
 * BiDi (no geckodriver), driven by tests/engines/firefox.py through this process's stdin and
 * stdout, one JSON object a line each way.
 *
 * Asked:    {"id": 1, "op": "goto", "url": "http://127.0.0.1:8000/"}
 * Answered: {"id": 1, "ok": null}   or   {"id": 1, "error": "what went wrong"}
 *
 * Ops: goto {url}, evaluate {source, args} (source is a function's text, awaited in the page),
 * click {selector}, type {selector, text}, viewport {width, height}, fresh (a new, empty
 * profile: a first visit), native {} (the console errors, uncaught errors and request hosts seen
 * since the last ask), close. Nothing but answers goes to stdout.
 *
 * Example: `node tests/engines/firefox-bridge.mjs /usr/bin/firefox-esr`
 */
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const executablePath = process.argv[2] || "/usr/bin/firefox-esr";
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  headless: true,
  // no update checks, telemetry or captive-portal probes: the tests allow no other host
  extraPrefsFirefox: {
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "app.update.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "browser.safebrowsing.update.enabled": false,
  },
});
const seen = { errors: [], hosts: new Set() };
let context = null;
let page = null;

/** A new tab in a new, empty profile, watched for errors and requests. */
async function freshPage() {
  if (context) await context.close();
  context = await browser.createBrowserContext();
  page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => seen.errors.push(`uncaught: ${error.message || error}`));
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("http")) seen.hosts.add(new URL(url).host);
  });
}

const OPS = {
  goto: ({ url }) => page.goto(url, { waitUntil: "load" }).then(() => null),
  evaluate: ({ source, args }) => page.evaluate(`(${source})(...${JSON.stringify(args || [])})`),
  click: ({ selector }) => page.click(selector),
  type: async ({ selector, text }) => {
    await page.$eval(selector, (element) => { element.value = ""; });
    await page.type(selector, text);
  },
  viewport: ({ width, height }) => page.setViewport({ width, height }),
  fresh: () => freshPage(),
  native: () => {
    const out = { errors: seen.errors, hosts: [...seen.hosts] };
    seen.errors = [];
    seen.hosts.clear();
    return out;
  },
  close: async () => {
    await browser.close();
    process.exit(0);
  },
};

await freshPage();
process.stdout.write(`${JSON.stringify({ id: 0, ok: await browser.version() })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const { id, op, ...args } = JSON.parse(line);
  let answer;
  try {
    answer = { id, ok: (await OPS[op](args)) ?? null };
  } catch (error) {
    answer = { id, error: String(error && error.message || error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
await browser.close();
