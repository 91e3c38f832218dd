// Pure helpers: what the view says about times, outputs and order. No DOM, so node --test covers them.

/** "4 s", "2 min 5 s", "1 h 3 min" from milliseconds. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Elapsed time of something that started at `start` and ended at `end` (ISO strings; end null while it runs). */
export function elapsed(start, end, now) {
  const from = Date.parse(start ?? '');
  if (Number.isNaN(from)) return '';
  const to = end ? Date.parse(end) : now;
  return Number.isNaN(to) ? '' : duration(to - from);
}

const VIDEO = /\.(mp4|webm|mov|m4v|mkv|avi|gif)$/i;
const AUDIO = /\.(mp3|wav|ogg|flac|m4a|aac|opus)$/i;
const IMAGE = /\.(png|jpe?g|webp|bmp|tiff?|heic|avif)$/i;
const TEXT = /\.(txt|md|json|csv|log|srt|vtt)$/i;

/** What kind of output a path or URL names, by its extension: image, video, audio, text or file. */
export function outputKind(pathOrUrl) {
  const name = String(pathOrUrl ?? '').split(/[?#]/)[0];
  if (IMAGE.test(name)) return 'image';
  if (VIDEO.test(name)) return 'video';
  if (AUDIO.test(name)) return 'audio';
  if (TEXT.test(name)) return 'text';
  return 'file';
}

/** The last segment of a path or URL, for labels. */
export function baseName(pathOrUrl) {
  const name = String(pathOrUrl ?? '').split(/[?#]/)[0];
  return name.split(/[\\/]/).filter(Boolean).pop() ?? '';
}

/** A URL the host may open: https only (never javascript:, data:, file: or plain http). */
export function openableUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The first `lines` lines of a text, at most `chars` characters, with "…" when cut. */
export function firstLines(text, lines = 6, chars = 400) {
  const all = String(text ?? '').replace(/^\s+/, '').split('\n');
  let shown = all.slice(0, lines).join('\n');
  const cut = all.length > lines || shown.length > chars;
  if (shown.length > chars) shown = shown.slice(0, chars);
  return cut ? `${shown}…` : shown;
}

/** Pipeline steps in dependency order (a step after everything it waits on), otherwise in the order given. */
export function dependencyOrder(steps) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const placed = new Set();
  const ordered = [];
  while (ordered.length < steps.length) {
    const next = steps.find((s) => !placed.has(s.id) && (s.depends_on ?? []).every((d) => placed.has(d) || !byId.has(d)))
      ?? steps.find((s) => !placed.has(s.id)); // a cycle cannot start, but never loop forever on bad data
    placed.add(next.id);
    ordered.push(next);
  }
  return ordered;
}

/** How deep a step sits: 0 for a step that waits on nothing, else one more than its deepest dependency. */
export function depths(steps) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const depth = new Map();
  const visit = (step, seen) => {
    if (depth.has(step.id)) return depth.get(step.id);
    if (seen.has(step.id)) return 0;
    seen.add(step.id);
    const d = Math.max(-1, ...(step.depends_on ?? []).filter((id) => byId.has(id)).map((id) => visit(byId.get(id), seen))) + 1;
    depth.set(step.id, d);
    return d;
  };
  for (const step of steps) visit(step, new Set());
  return depth;
}

const PROMPT_KEYS = ['prompt', 'text', 'question', 'instruction'];

/** The words a person wrote for an input (its prompt, text, question or instruction); '' when none. */
export function promptOf(input) {
  if (!input || typeof input !== 'object') return '';
  const key = PROMPT_KEYS.find((k) => typeof input[k] === 'string');
  return key ? input[key] : '';
}

export const ENDED_ITEM = new Set(['succeeded', 'failed', 'timed_out', 'canceled', 'skipped']);
export const RETRYABLE = new Set(['failed', 'timed_out', 'canceled', 'skipped']);
