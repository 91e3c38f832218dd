// The job view (contract §11): shows the batch or pipeline a start or status tool answered with, follows it while it
// runs, and offers Cancel and Retry. It reads the same structured answers a model reads and calls the same tools.
import './jitless.js';
import { App, applyDocumentTheme, applyHostStyleVariables } from '@modelcontextprotocol/ext-apps';
import { button, fill, h, thumbnailImage } from './dom.js';
import { Follower, TOOLS, textOf } from './follow.js';
import { ENDED_ITEM, RETRYABLE, baseName, dependencyOrder, depths, elapsed, firstLines, openableUrl, outputKind, promptOf } from './format.js';

const THUMBNAIL_TOOL = 'replicate_view_thumbnails';
const THUMBNAILS_PER_CALL = 10;
const CANCEL_CONFIRM_MS = 5000;
const CONFIRM_PROMPT = 'Click "Confirm cancel" to stop this job.';

const app = new App({ name: 'replicate-mcp job view', version: '1' }, {}, { autoResize: true });

const state = {
  kind: null, // 'batch' | 'pipeline'
  id: null,
  job: null, // the last status object
  prompts: new Map(), // item key → prompt, from the start tool's arguments
  thumbnails: new Map(), // `${key}/${output}` → thumbnail
  asked: new Set(), // item keys whose thumbnails were asked for
  cards: new Map(), // item key → { element, signature }
  cancelArmed: null, // timer while the Cancel button waits for its confirming click
  busy: false,
};

// ---- Layout: a header that stays (so buttons keep focus) and a list of cards updated in place.
const title = h('h1', { class: 'title' });
const summary = h('p', { class: 'summary' });
const cancelButton = button('Cancel job', onCancel, { class: 'danger', hidden: true });
const retryButton = button('Retry failed', onRetry, { hidden: true });
const actions = h('div', { class: 'actions' }, cancelButton, retryButton);
const message = h('p', { class: 'message', role: 'status', 'aria-live': 'polite' });
const list = h('ol', { class: 'cards', 'aria-label': 'Items' });
document.body.append(h('header', {}, title, summary, actions, message), list);
fill(title, 'Waiting for the job…');

const follower = new Follower((name, args) => app.callServerTool({ name, arguments: args }), {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  onStatus: (status) => showStatus(status),
  onError: (text) => say(text),
});

// ---- Host messages.
app.ontoolinput = ({ arguments: args }) => {
  const inputs = Array.isArray(args?.items) ? args.items.map((item, index) => [String(index), item?.input])
    : Array.isArray(args?.steps) ? args.steps.map((step) => [String(step?.id), step?.input]) : [];
  for (const [key, input] of inputs) {
    const prompt = promptOf(input);
    if (prompt) state.prompts.set(key, prompt);
  }
};

app.ontoolresult = (result) => {
  if (result?.isError) return say(textOf(result));
  const answer = result?.structuredContent;
  if (!answer || typeof answer !== 'object') return;
  if (Array.isArray(answer.items) || Array.isArray(answer.steps)) showStatus(answer);
  else showStart(answer);
};

app.onhostcontextchanged = (context) => applyTheme(context);

function applyTheme(context) {
  if (context?.theme === 'light' || context?.theme === 'dark') applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
}

// ---- Answers.
/** A start or retry answer: {job_id | pipeline_id, total, status, message}. */
function showStart(answer) {
  const kind = typeof answer.pipeline_id === 'string' ? 'pipeline' : typeof answer.job_id === 'string' ? 'batch' : null;
  if (!kind) return;
  const id = kind === 'pipeline' ? answer.pipeline_id : answer.job_id;
  if (state.id !== id) resetFor(kind, id);
  // The answer's message tells a model how to follow the job; the view follows it itself, so it is not shown.
  say('');
  if (state.job) {
    state.job = { ...state.job, status: answer.status };
  } else {
    fill(title, `${kind === 'pipeline' ? 'Pipeline' : 'Batch'} ${id}`);
    fill(summary, `${answer.total ?? '?'} to run · ${answer.status ?? ''}`);
  }
  updateActions();
  startFollowing(answer.status === 'running');
}

function showStatus(job) {
  if (!job || typeof job !== 'object') return;
  const kind = job.kind === 'pipeline' ? 'pipeline' : 'batch';
  const id = kind === 'pipeline' ? job.pipeline_id : job.job_id;
  if (typeof id !== 'string') return;
  if (state.id !== id) resetFor(kind, id);
  state.job = job;
  render();
  askForThumbnails();
  startFollowing(job.status === 'running');
}

function resetFor(kind, id) {
  Object.assign(state, { kind, id, job: null });
  list.className = `cards ${kind}`;
  list.setAttribute('aria-label', kind === 'pipeline' ? 'Steps, in dependency order' : 'Items');
  state.thumbnails.clear();
  state.asked.clear();
  state.cards.clear();
  list.replaceChildren();
}

function startFollowing(running) {
  if (!running || follower.following) return;
  follower.follow(state.kind, state.id, () => state.job?.status === 'running' || (state.job === null && state.id !== null));
}

// ---- Rendering.
function render() {
  const job = state.job;
  const items = state.kind === 'pipeline' ? dependencyOrder(job.steps ?? []) : job.items ?? [];
  const depth = state.kind === 'pipeline' ? depths(job.steps ?? []) : new Map();
  const done = items.filter((i) => ENDED_ITEM.has(i.status)).length;
  fill(title, `${state.kind === 'pipeline' ? 'Pipeline' : 'Batch'} ${state.id}`);
  const counts = ['succeeded', 'failed', 'timed_out', 'canceled', 'skipped']
    .filter((k) => job[k] > 0).map((k) => `${job[k]} ${k.replace('_', ' ')}`);
  fill(summary, h('span', { class: `badge s-${job.status}` }, job.status), ` ${done}/${items.length} done`,
    counts.length ? ` · ${counts.join(', ')}` : '', ' · ', h('span', { class: 'elapsed', 'data-start': job.created_at, 'data-end': job.completed_at ?? '' }));
  if (typeof job.note === 'string' && job.note) say(job.note);

  const keys = new Set();
  items.forEach((item, position) => {
    const key = state.kind === 'pipeline' ? String(item.id) : String(item.index);
    keys.add(key);
    const thumbs = (item.result?.local_paths ?? []).map((_, n) => state.thumbnails.has(`${key}/${n}`) ? 1 : 0).join('');
    const signature = JSON.stringify([item, thumbs, state.prompts.get(key) ?? '', depth.get(key) ?? 0]);
    let card = state.cards.get(key);
    if (!card) {
      card = { element: h('li', { class: 'card' }), signature: '' };
      state.cards.set(key, card);
    }
    if (list.children[position] !== card.element) list.insertBefore(card.element, list.children[position] ?? null);
    if (card.signature !== signature) {
      card.signature = signature;
      renderCard(card.element, key, item, depth.get(key) ?? 0);
    }
  });
  for (const [key, card] of state.cards) if (!keys.has(key)) { card.element.remove(); state.cards.delete(key); }
  tickElapsed();
  updateActions();
}

function renderCard(element, key, item, depth) {
  const label = state.kind === 'pipeline' ? key : `#${key}`;
  element.className = `card s-${item.status}`;
  if (state.kind === 'pipeline') element.dataset.depth = String(Math.min(depth, 4));
  const result = item.result ?? null;
  // A step's input as sent has its references resolved; the start arguments are the fallback (and all a batch has).
  const prompt = promptOf(item.input) || state.prompts.get(key) || '';
  const waits = state.kind === 'pipeline' && item.depends_on?.length ? h('p', { class: 'waits' }, `after ${item.depends_on.join(', ')}`) : null;
  const error = item.error ?? result?.error ?? null;
  fill(element,
    h('div', { class: 'card-head' },
      h('span', { class: 'label' }, label),
      h('span', { class: `badge s-${item.status}` }, String(item.status).replace('_', ' ')),
      h('span', { class: 'elapsed', 'data-start': item.started_at ?? '', 'data-end': item.completed_at ?? '' })),
    waits,
    h('p', { class: 'model' }, item.model ?? ''),
    prompt ? h('p', { class: 'prompt', title: prompt }, firstLines(prompt, 3, 200)) : null,
    outputs(key, label, result),
    error ? h('p', { class: 'error' }, firstLines(error, 6, 500)) : null,
    item.skip_reason ? h('p', { class: 'skip' }, item.skip_reason) : null,
    result?.download_error ? h('p', { class: 'error' }, `Download: ${result.download_error}`) : null,
    result?.logs_tail && item.status !== 'succeeded'
      ? h('details', {}, h('summary', {}, 'Logs'), h('pre', { class: 'logs' }, firstLines(result.logs_tail.split('\n').slice(-8).join('\n'), 8, 800)))
      : null);
}

/** The outputs of one result: thumbnails, video/audio icons, text, and an Open button for each https URL. */
function outputs(key, label, result) {
  if (!result) return null;
  const box = h('div', { class: 'outputs' });
  const paths = result.local_paths ?? [];
  const urls = result.urls ?? [];
  const count = Math.max(paths.length, urls.length);
  for (let n = 0; n < count; n++) {
    const name = paths[n] ?? urls[n];
    const kind = outputKind(name);
    const alt = `Output ${n + 1} of ${label}: ${baseName(name)}`;
    const thumb = state.thumbnails.get(`${key}/${n}`);
    const picture = thumb ? thumbnailImage(thumb, alt) : null;
    const tile = picture ?? h('div', { class: `icon k-${kind}`, role: 'img', 'aria-label': alt }, kindGlyph(kind), h('span', {}, baseName(name)));
    const url = openableUrl(urls[n]);
    box.append(h('figure', { class: 'output' }, tile,
      url ? button(`Open output ${n + 1}`, () => openLink(url), { class: 'link', 'aria-label': `Open output ${n + 1} of ${label}` }) : null));
  }
  const text = (result.text_output ?? []).join('\n');
  if (text) box.append(h('pre', { class: 'text' }, firstLines(text, 6, 400)));
  return box.childElementCount ? box : null;
}

function kindGlyph(kind) {
  return h('span', { class: 'glyph', 'aria-hidden': 'true' }, { video: '▶', audio: '♪', image: '▦', text: '¶' }[kind] ?? '■');
}

function tickElapsed() {
  const now = Date.now();
  for (const span of document.querySelectorAll('.elapsed')) {
    const text = elapsed(span.dataset.start, span.dataset.end || null, now);
    if (span.textContent !== text) span.textContent = text;
  }
}
setInterval(() => { if (state.job?.status === 'running') tickElapsed(); }, 1000);

// ---- Actions.
function updateActions() {
  const running = state.job ? state.job.status === 'running' : state.id !== null;
  cancelButton.hidden = !running;
  if (!running) disarmCancel();
  const retryable = (state.kind === 'pipeline' ? state.job?.steps : state.job?.items)?.filter((i) => RETRYABLE.has(i.status)).length ?? 0;
  retryButton.hidden = running || retryable === 0;
  const noun = state.kind === 'pipeline' ? (retryable === 1 ? 'step' : 'steps') : (retryable === 1 ? 'item' : 'items');
  fill(retryButton, `Retry failed (${retryable})`);
  retryButton.setAttribute('aria-label', `Retry the ${retryable} ${noun} that did not succeed`);
  cancelButton.disabled = state.busy;
  retryButton.disabled = state.busy;
}

async function onCancel() {
  if (!state.cancelArmed) {
    // A first click only arms it: cancelling stops paid work, so it takes a second, deliberate click.
    fill(cancelButton, 'Confirm cancel');
    cancelButton.setAttribute('aria-pressed', 'true');
    say(CONFIRM_PROMPT);
    state.cancelArmed = setTimeout(disarmCancel, CANCEL_CONFIRM_MS);
    return;
  }
  disarmCancel();
  const tools = TOOLS[state.kind];
  await act(tools.cancel, { [tools.id]: state.id }, (result) => showStatus(result.structuredContent));
}

function disarmCancel() {
  if (state.cancelArmed) clearTimeout(state.cancelArmed);
  if (message.textContent === CONFIRM_PROMPT) say('');
  state.cancelArmed = null;
  fill(cancelButton, 'Cancel job');
  cancelButton.removeAttribute('aria-pressed');
}

async function onRetry() {
  const tools = TOOLS[state.kind];
  await act(tools.retry, { [tools.id]: state.id }, (result) => showStart(result.structuredContent ?? {}));
}

async function act(name, args, onAnswer) {
  state.busy = true;
  updateActions();
  try {
    const result = await app.callServerTool({ name, arguments: args });
    if (result?.isError) say(textOf(result));
    else onAnswer(result);
  } catch (error) {
    say(`${name} failed: ${error?.message ?? error}`);
  } finally {
    state.busy = false;
    updateActions();
  }
}

async function openLink(url) {
  try {
    const result = await app.openLink({ url });
    if (result?.isError) say(`The host did not open ${url}.`);
  } catch (error) {
    say(`The host did not open ${url}: ${error?.message ?? error}`);
  }
}

// ---- Thumbnails: asked for once per finished item, a few items a call, one call at a time.
let asking = false;
async function askForThumbnails() {
  if (asking || !state.job) return;
  const items = state.kind === 'pipeline' ? state.job.steps ?? [] : state.job.items ?? [];
  const wanted = items
    .filter((i) => i.status === 'succeeded' && (i.result?.local_paths ?? []).some((p) => outputKind(p) === 'image'))
    .map((i) => String(state.kind === 'pipeline' ? i.id : i.index))
    .filter((key) => !state.asked.has(key))
    .slice(0, THUMBNAILS_PER_CALL);
  if (wanted.length === 0) return;
  asking = true;
  const id = state.id;
  for (const key of wanted) state.asked.add(key);
  try {
    const result = await app.callServerTool({ name: THUMBNAIL_TOOL, arguments: { job_id: id, items: wanted } });
    if (state.id !== id) return;
    if (result?.isError) return say(textOf(result));
    for (const t of result?.structuredContent?.thumbnails ?? []) state.thumbnails.set(`${t.item}/${t.output}`, t);
    render();
  } catch (error) {
    say(`Thumbnails failed: ${error?.message ?? error}`);
  } finally {
    asking = false;
  }
  askForThumbnails();
}

function say(text) {
  fill(message, text ?? '');
}

// ---- Start.
app.connect().then(() => applyTheme(app.getHostContext()), (error) => say(`Could not connect to the host: ${error?.message ?? error}`));
