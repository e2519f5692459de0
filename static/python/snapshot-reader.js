/**
 * A worker that reads the snapshot's files (snapshot-files.js, `readElsewhere`): given
 * `{urls, cachedOnly}`, it posts `{url, buffer}` (the buffer transferred, not copied) or
 * `{url, error}` for each, as each arrives.
 */
import { snapshotFile } from "./snapshot-files.js";

self.onmessage = ({ data: { urls, cachedOnly } }) => {
  for (const url of urls) {
    snapshotFile(url, cachedOnly)
      .then((response) => response.arrayBuffer())
      .then(
        (buffer) => self.postMessage({ url, buffer }, [buffer]),
        (error) => self.postMessage({ url, error: String(error && error.message || error) }),
      );
  }
};
