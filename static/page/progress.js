/**
 * The reader's progress, kept in this browser only (localStorage, no login): each exercise's
 * last answer and whether it was right, per chapter. Readable as a summary for the home page.
 *
 * Keys look like "attention-by-hand#exercise-shift-invariance".
 */
const KEY = "hlw-progress";

/** @returns {Record<string, {answer: string, correct: boolean}>} */
export function loadProgress() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "{}") || {};
  } catch {
    return {};
  }
}

/**
 * Remember something about one exercise (its answer, whether it was right, a hint opened).
 * @param {string} key "chapter#exercise"
 * @param {{answer?: string, correct?: boolean, hinted?: boolean}} record merged into what is kept
 */
export function saveAnswer(key, record) {
  const progress = loadProgress();
  progress[key] = { ...progress[key], ...record };
  try {
    localStorage.setItem(KEY, JSON.stringify(progress));
  } catch {
    /* storage full or disabled: progress lasts for this page only */
  }
}

/**
 * Replace everything kept with `progress` (moved.js carries old keys to new ones this way).
 * @param {Record<string, object>} progress
 */
export function replaceProgress(progress) {
  try {
    localStorage.setItem(KEY, JSON.stringify(progress));
  } catch {
    /* storage full or disabled: nothing kept */
  }
}

/** Forget everything. */
export function resetProgress() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* nothing stored */
  }
}

/**
 * How many of a chapter's exercises are answered correctly.
 * @param {string} slug
 * @param {string[]} exerciseIds
 */
export function chapterScore(slug, exerciseIds) {
  const progress = loadProgress();
  const done = exerciseIds.filter((id) => progress[`${slug}#${id}`]?.correct).length;
  return { done, total: exerciseIds.length };
}
