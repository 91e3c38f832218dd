// A local HTTP fake of Replicate's API (https://api.replicate.com/v1), answering like the real one:
// bodies shaped like ../../../shared/replicate-api samples (looser than the OpenAPI schema), `Prefer: wait`
// honoured, predictions that move starting → processing → succeeded (or failed) in real time, output files
// served from the fake's own host. Reusable by any Node test: `const fake = await startFakeReplicate()`.
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { png } from './png.mjs';

const EVENTS = ['created', 'answered', 'finished', 'canceled', 'uploaded'];

export const TOKEN = 'r8_test0conformance0token0000000000000';

const HEX = (s) => createHash('sha256').update(s).digest('hex');

const enumSchema = (title, ...values) => ({ type: 'string', title, description: 'An enumeration.', enum: values });

const imageSchema = () => ({
  Input: {
    type: 'object',
    title: 'Input',
    properties: {
      prompt: { type: 'string', title: 'Prompt', description: 'Text prompt for image generation', 'x-order': 0 },
      image: { type: 'string', format: 'uri', title: 'Image', description: 'Input image for image-to-image mode', 'x-order': 1 },
      aspect_ratio: { allOf: [{ $ref: '#/components/schemas/aspect_ratio' }], default: '1:1', description: 'Aspect ratio of the output image', 'x-order': 2 },
      num_outputs: { type: 'integer', title: 'Num Outputs', description: 'Number of images to output', minimum: 1, maximum: 4, default: 1, 'x-order': 3 },
      seed: { type: 'integer', title: 'Seed', description: 'Random seed. Leave blank to randomize the seed', 'x-order': 4 },
      output_format: { allOf: [{ $ref: '#/components/schemas/output_format' }], default: 'png', description: 'Format of the output images', 'x-order': 5 },
    },
  },
  aspect_ratio: enumSchema('aspect_ratio', '1:1', '16:9', '9:16', '4:3', '3:4'),
  output_format: enumSchema('output_format', 'png', 'webp', 'jpg'),
  Output: { type: 'array', title: 'Output', items: { type: 'string', format: 'uri' } },
});

const textSchema = () => ({
  Input: {
    type: 'object',
    title: 'Input',
    required: ['prompt'],
    properties: {
      prompt: { type: 'string', title: 'Prompt', description: 'Prompt to send to the model', 'x-order': 0 },
      max_tokens: { type: 'integer', title: 'Max Tokens', description: 'Maximum number of tokens to generate', minimum: 1, maximum: 8192, default: 512, 'x-order': 1 },
      temperature: { type: 'number', title: 'Temperature', description: 'Randomness of the output', minimum: 0, maximum: 2, default: 0.7, 'x-order': 2 },
    },
  },
  Output: { type: 'array', title: 'Output', items: { type: 'string' }, 'x-cog-array-type': 'iterator', 'x-cog-array-display': 'concatenate' },
});

const upscaleSchema = () => ({
  Input: {
    type: 'object',
    title: 'Input',
    required: ['image'],
    properties: {
      image: { type: 'string', format: 'uri', title: 'Image', description: 'Input image', 'x-order': 0 },
      scale: { type: 'integer', title: 'Scale', description: 'Factor to scale image by', minimum: 1, maximum: 10, default: 4, 'x-order': 1 },
    },
  },
  Output: { type: 'string', format: 'uri', title: 'Output' },
});

/**
 * The models the fake knows. `kind` picks the output: image (a list of PNG URLs, `num_outputs` of them),
 * upscale (one URL), text (a token array). A name containing "fail" fails; "slow" runs `slowMs`.
 */
export function defaultModels() {
  return [
    { owner: 'black-forest-labs', name: 'flux-schnell', official: true, kind: 'image', schemas: imageSchema(), description: 'The fastest image generation model tailored for local development and personal use', runCount: 512_000_000 },
    { owner: 'stability-ai', name: 'sdxl', official: false, kind: 'image', schemas: imageSchema(), version: '39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b', description: 'A text-to-image generative AI model that creates beautiful images', runCount: 80_000_000 },
    { owner: 'nightmareai', name: 'real-esrgan', official: false, kind: 'upscale', schemas: upscaleSchema(), version: 'f121d640bd286e1fdc67f9799164c1d5be36ff74576ee11c803ae5b665dd46aa', description: 'Real-ESRGAN with optional face correction and adjustable upscale', runCount: 70_000_000 },
    { owner: 'meta', name: 'meta-llama-3-8b-instruct', official: true, kind: 'text', schemas: textSchema(), description: 'An 8 billion parameter language model from Meta, fine tuned for chat completions', runCount: 60_000_000 },
    { owner: 'acme', name: 'always-fail', official: true, kind: 'image', schemas: imageSchema(), description: 'A model that always fails (conformance fake)', runCount: 3 },
    { owner: 'acme', name: 'slow-image', official: true, kind: 'image', schemas: imageSchema(), description: 'A slow image model (conformance fake)', runCount: 5 },
  ];
}

/**
 * Models for retries (not in defaultModels, so other tests' searches are unchanged): a name containing "flaky" fails the
 * first prediction of each distinct input and succeeds after; file values (URLs, data: URIs) count as one input.
 */
export function flakyModels() {
  return [
    { owner: 'acme', name: 'flaky-image', official: true, kind: 'image', schemas: imageSchema(), description: 'An image model whose first try of each input fails (conformance fake)', runCount: 7 },
    { owner: 'acme', name: 'flaky-upscale', official: true, kind: 'upscale', schemas: upscaleSchema(), description: 'An upscaler whose first try of each input fails (conformance fake)', runCount: 7 },
  ];
}

const HAIKU = ['\n\n', 'Fuzzy', ', gentle', ' beasts', '\nSoft', 'ly grazing', ', quiet', ' eyes\n', 'Llama', "'s gentle", ' charm', ''];

/** tqdm-like progress lines as Replicate shows them in `logs`: one line per redraw. */
function progressLogs(fraction, steps = 50) {
  const lines = ['Using seed: 42069', 'txt2img mode'];
  const done = Math.floor(fraction * steps);
  for (let i = 0; i <= done; i += 2) {
    const pct = Math.floor((100 * i) / steps);
    const bar = '#'.repeat(Math.floor(i / 5)).padEnd(10, ' ');
    lines.push(`${String(pct).padStart(3)}%|${bar}| ${i}/${steps} [00:0${Math.floor(i / 15)}<00:0${Math.floor((steps - i) / 15)}, 14.13it/s]`);
  }
  return lines.join('\n') + '\n';
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Minimal multipart/form-data reader: name → { filename, type, data }. */
function parseMultipart(body, contentType) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) return null;
  const delimiter = Buffer.from('--' + (boundary[1] ?? boundary[2]).trim());
  const fields = {};
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter, before next
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = part.subarray(0, split).toString('utf8');
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1] ?? /filename\*=UTF-8''([^;\r\n]*)/i.exec(headers)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
      if (name) fields[name] = { filename, type, data: part.subarray(split + 4) };
    }
    start = next;
  }
  return fields;
}

/**
 * Starts the fake on 127.0.0.1 (random port).
 * @param {object} [options]
 * @param {number} [options.durationMs] how long an ordinary prediction runs (starting for the first third).
 * @param {number} [options.slowMs] how long a "slow" model's prediction runs.
 * @param {boolean} [options.searchEndpoint] false: GET /search answers 404, so clients fall back to QUERY /models.
 * @param {number} [options.outputTtlMs] how long after it ends a prediction's output files are kept, as Replicate does
 *   for about an hour; then its files answer 404 and the prediction `data_removed: true` (see also `expireOutputs()`).
 */
/**
 * `faults` (optional): `{ random, getRate, createRate }` — with `random()` (seeded by the caller), a GET of a prediction
 * or of the list fails at `getRate` (half 503, half a connection reset) and a create is refused with 429 at `createRate`
 * before anything is created. `faultsServed` counts them.
 */
export async function startFakeReplicate({ durationMs = 1200, slowMs = 30_000, searchEndpoint = true, models = defaultModels(), outputTtlMs = Infinity, faults = null } = {}) {
  const events = new EventEmitter();
  const flakySeen = new Set(); // "model input" of flaky predictions already tried
  const predictions = new Map(); // id → prediction record
  const files = new Map(); // id → { body, data }
  const requests = []; // { method, path, at, authorization }
  const byName = new Map(models.map((m) => [`${m.owner}/${m.name}`, m]));
  const byVersion = new Map(models.map((m) => [versionOf(m), m]));
  let origin = '';

  function versionOf(model) {
    return model.version ?? HEX(`${model.owner}/${model.name}`);
  }

  function openapi(model) {
    return { openapi: '3.0.2', info: { title: 'Cog', version: '0.1.0' }, paths: {}, components: { schemas: structuredClone(model.schemas) } };
  }

  function exampleInput(model) {
    return model.kind === 'text' ? { prompt: 'Please write a haiku about llamas' }
      : model.kind === 'upscale' ? { image: `${origin}/delivery/example/in.png`, scale: 2 }
        : { prompt: 'a studio photo of a rainbow colored corgi', aspect_ratio: '1:1', num_outputs: 1 };
  }

  function versionBody(model) {
    return { id: versionOf(model), created_at: '2024-06-01T10:00:00.000000Z', cog_version: '0.9.7', openapi_schema: openapi(model) };
  }

  function modelBody(model) {
    return {
      url: `https://replicate.com/${model.owner}/${model.name}`,
      owner: model.owner,
      name: model.name,
      description: model.description,
      visibility: 'public',
      github_url: null,
      paper_url: null,
      license_url: null,
      run_count: model.runCount,
      cover_image_url: `https://replicate.delivery/covers/${model.name}.png`,
      is_official: model.official,
      default_example: { id: 'example0prediction0id0000a', model: `${model.owner}/${model.name}`, input: exampleInput(model), output: null, status: 'succeeded' },
      latest_version: versionBody(model),
    };
  }

  /** Whether Replicate has removed the prediction's files: `outputTtlMs` after it ended, or forced by `expireOutputs()`. */
  function removed(p) {
    return p.expired === true || (p.completedAt !== undefined && Date.now() - Date.parse(p.completedAt) >= outputTtlMs);
  }

  function predictionBody(p) {
    const gone = removed(p);
    const body = {
      id: p.id,
      model: `${p.model.owner}/${p.model.name}`,
      version: p.model.official ? 'hidden' : versionOf(p.model),
      input: p.input,
      logs: p.logs,
      output: gone ? null : p.output,
      data_removed: gone,
      error: p.error,
      source: 'api',
      status: p.status,
      created_at: p.createdAt,
      urls: {
        cancel: `${origin}/v1/predictions/${p.id}/cancel`,
        get: `${origin}/v1/predictions/${p.id}`,
        web: `https://replicate.com/p/${p.id}`,
      },
    };
    if (p.startedAt) body.started_at = p.startedAt;
    if (p.completedAt) body.completed_at = p.completedAt;
    if (p.metrics) body.metrics = p.metrics;
    if (p.model.kind === 'text') body.urls.stream = `https://stream.replicate.com/v1/streams/${p.id}`;
    return body;
  }

  function outputOf(p) {
    const file = (n, ext) => `${origin}/delivery/${p.id}/out-${n}.${ext}`;
    switch (p.model.kind) {
      case 'text': return [...HAIKU];
      case 'upscale': return file(0, 'png');
      default: {
        const count = Number.isInteger(p.input?.num_outputs) ? p.input.num_outputs : 1;
        return Array.from({ length: count }, (_, n) => file(n, 'png'));
      }
    }
  }

  function finish(p, status) {
    if (['succeeded', 'failed', 'canceled'].includes(p.status)) return;
    clearTimeout(p.startTimer);
    clearTimeout(p.endTimer);
    const now = new Date();
    p.completedAt = now.toISOString();
    p.startedAt ??= now.toISOString();
    const predictTime = (now - new Date(p.startedAt)) / 1000;
    p.metrics = { predict_time: predictTime, total_time: (now - new Date(p.createdAt)) / 1000 };
    if (status === 'succeeded') {
      p.output = outputOf(p);
      p.logs = p.model.kind === 'text' ? '' : progressLogs(1);
      if (p.model.kind === 'text') Object.assign(p.metrics, { input_token_count: 21, output_token_count: HAIKU.length });
    } else if (status === 'failed') {
      p.logs = progressLogs(0.4) + 'Traceback (most recent call last):\n  ...\ntorch.OutOfMemoryError: CUDA out of memory.\n';
      p.error = 'CUDA out of memory. Tried to allocate 16.00 GiB';
    } else {
      p.logs = null; // as in 07-canceled-from-cancel-endpoint.json
    }
    p.status = status;
    events.emit(status === 'canceled' ? 'canceled' : 'finished', p);
    p.resolveDone();
  }

  function createPrediction(model, input) {
    const id = randomBytes(13).toString('hex').replace(/[0-9]/g, (d) => 'abcdefghij'[d]).slice(0, 26);
    const ms = model.name.includes('slow') ? slowMs : durationMs;
    const p = { id, model, input, status: 'starting', logs: '', output: null, error: null, createdAt: new Date().toISOString() };
    p.done = new Promise((resolve) => { p.resolveDone = resolve; });
    p.startTimer = setTimeout(() => {
      p.status = 'processing';
      p.startedAt = new Date().toISOString();
      p.logs = progressLogs(0.3);
    }, ms / 3);
    const flakyKey = `${model.owner}/${model.name} ${JSON.stringify(input, (_, v) => (typeof v === 'string' && /^(https?:|data:)/.test(v) ? '<file>' : v))}`;
    const failsNow = model.name.includes('fail') || (model.name.includes('flaky') && !flakySeen.has(flakyKey));
    if (model.name.includes('flaky')) flakySeen.add(flakyKey);
    p.endTimer = setTimeout(() => finish(p, failsNow ? 'failed' : 'succeeded'), ms);
    predictions.set(id, p);
    events.emit('created', p);
    return p;
  }

  /** `Prefer: wait=n` holds the answer up to n seconds (60 at most) or until the prediction is done. */
  async function holdFor(req, p) {
    const prefer = /(?:^|[;,\s])wait(?:=(\d+))?/.exec(req.headers.prefer ?? '');
    if (!prefer) return;
    const seconds = Math.min(60, prefer[1] === undefined ? 60 : Number(prefer[1]));
    let timer;
    await Promise.race([p.done, new Promise((resolve) => { timer = setTimeout(resolve, seconds * 1000); })]);
    clearTimeout(timer);
  }

  function missingRequired(model, input) {
    return (model.schemas.Input.required ?? []).filter((name) => input?.[name] === undefined);
  }

  function send(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': status >= 400 && body?.title ? 'application/problem+json' : 'application/json', ...headers });
    res.end(text);
  }

  const notFound = (res) => send(res, 404, { detail: 'The requested resource could not be found.', status: 404 });

  async function create(req, res, model, body) {
    if (!body || typeof body.input !== 'object' || body.input === null) {
      return send(res, 422, { detail: '- input is required\n', status: 422, title: 'Input validation failed', invalid_fields: [{ type: 'required', field: '', description: 'input is required' }] });
    }
    const missing = missingRequired(model, body.input);
    if (missing.length > 0) {
      return send(res, 422, {
        detail: missing.map((m) => `- input: ${m} is required\n`).join(''),
        status: 422,
        title: 'Input validation failed',
        invalid_fields: missing.map((m) => ({ type: 'required', field: 'input', description: `${m} is required` })),
      });
    }
    const p = createPrediction(model, body.input);
    await holdFor(req, p);
    send(res, 201, predictionBody(p));
    p.answeredAt = Date.now();
    events.emit('answered', p);
  }

  function listPredictions(res, url) {
    let after = url.searchParams.get('created_after');
    let before = url.searchParams.get('created_before');
    let offset = 0;
    const cursor = url.searchParams.get('cursor');
    if (cursor) ({ after, before, offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    for (const [name, value] of [['created_after', after], ['created_before', before]]) {
      if (value && Number.isNaN(Date.parse(value))) return send(res, 400, { detail: `${name}: '${value}' is not a valid ISO 8601 date-time.`, status: 400 });
    }
    const all = [...predictions.values()]
      .filter((p) => (!after || Date.parse(p.createdAt) >= Date.parse(after)) && (!before || Date.parse(p.createdAt) < Date.parse(before)))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const page = all.slice(offset, offset + 100);
    const link = (o) => `${origin}/v1/predictions?cursor=${Buffer.from(JSON.stringify({ after, before, offset: o })).toString('base64url')}`;
    send(res, 200, {
      next: offset + 100 < all.length ? link(offset + 100) : null,
      previous: offset > 0 ? link(Math.max(0, offset - 100)) : null,
      results: page.map(predictionBody),
    });
  }

  function search(query, limit) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return models
      .map((m) => ({ m, score: words.filter((w) => `${m.owner} ${m.name} ${m.description}`.toLowerCase().includes(w)).length }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score || b.m.runCount - a.m.runCount)
      .slice(0, limit);
  }

  function upload(req, res, body) {
    const fields = parseMultipart(body, req.headers['content-type']);
    if (!fields?.content) {
      return send(res, 400, { detail: 'Missing multipart field "content".', status: 400 });
    }
    const data = fields.content.data;
    const id = Buffer.from(randomBytes(24)).toString('base64url');
    const now = new Date();
    const file = {
      id,
      name: fields.filename?.data.toString('utf8') || fields.content.filename || 'file',
      content_type: fields.type?.data.toString('utf8') || fields.content.type || 'application/octet-stream',
      size: data.length,
      etag: createHash('md5').update(data).digest('hex'),
      checksums: { sha256: createHash('sha256').update(data).digest('hex'), md5: createHash('md5').update(data).digest('hex') },
      metadata: {},
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
      urls: { get: `${origin}/v1/files/${id}` },
    };
    files.set(id, { body: file, data });
    events.emit('uploaded', file);
    send(res, 201, file);
  }

  async function handle(req, res) {
    const url = new URL(req.url, origin);
    const path = url.pathname;
    requests.push({ method: req.method, path, at: Date.now(), authorization: req.headers.authorization });
    const body = await readBody(req);

    // Output files: served from the fake's own host (the host of the base URL, which the server allows).
    let m = /^\/delivery\/([^/]+)\/([^/]+)$/.exec(path);
    if (m && req.method === 'GET') {
      const owner = predictions.get(m[1]);
      if (owner && removed(owner)) return notFound(res);
      res.writeHead(200, { 'Content-Type': 'image/png' });
      return res.end(png(`${m[1]}/${m[2]}`));
    }
    if (!path.startsWith('/v1/')) return notFound(res);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return send(res, 401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 });
    }
    const route = path.slice(3);
    if (faults && route.startsWith('/predictions') && !route.endsWith('/cancel') || faults && /^\/models\/[^/]+\/[^/]+\/predictions$/.test(route)) {
      const r = faults.random();
      if (req.method === 'GET' && r < faults.getRate) {
        fake.faultsServed++;
        if (r < faults.getRate / 2) return send(res, 503, { detail: 'fake fault: service unavailable', status: 503 });
        return req.socket.destroy();
      }
      if (req.method === 'POST' && r < faults.createRate) {
        fake.faultsServed++;
        res.setHeader('Retry-After', '0');
        return send(res, 429, { detail: 'fake fault: request was throttled', status: 429, retry_after: 0 });
      }
    }
    let json;
    if (body.length > 0 && (req.headers['content-type'] ?? '').includes('json')) {
      try { json = JSON.parse(body.toString('utf8')); } catch { return send(res, 400, { detail: 'Request body is not valid JSON.', status: 400 }); }
    }

    if ((m = /^\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(route)) && req.method === 'POST') {
      const model = byName.get(`${m[1]}/${m[2]}`);
      if (!model) return notFound(res);
      if (!model.official) {
        return send(res, 404, { detail: `Model ${m[1]}/${m[2]} is not an official model; create its predictions with POST /v1/predictions and a version.`, status: 404 });
      }
      return create(req, res, model, json);
    }
    if (route === '/predictions' && req.method === 'POST') {
      const version = typeof json?.version === 'string' ? json.version.split(':').pop() : undefined;
      const model = byVersion.get(version);
      if (!model) return send(res, 422, { title: 'Invalid version or not permitted', detail: "The specified version does not exist (or perhaps you don't have permission to use it?)", status: 422 });
      return create(req, res, model, json);
    }
    if (route === '/predictions' && req.method === 'GET') return listPredictions(res, url);
    if ((m = /^\/predictions\/([a-z0-9]+)$/.exec(route)) && req.method === 'GET') {
      const p = predictions.get(m[1]);
      return p ? send(res, 200, predictionBody(p)) : notFound(res);
    }
    if ((m = /^\/predictions\/([a-z0-9]+)\/cancel$/.exec(route)) && req.method === 'POST') {
      const p = predictions.get(m[1]);
      if (!p) return notFound(res);
      p.cancelRequestedAt ??= Date.now();
      finish(p, 'canceled');
      return send(res, 200, predictionBody(p));
    }
    if ((m = /^\/models\/([^/]+)\/([^/]+)$/.exec(route)) && req.method === 'GET') {
      const model = byName.get(`${m[1]}/${m[2]}`);
      return model ? send(res, 200, modelBody(model)) : notFound(res);
    }
    if ((m = /^\/models\/([^/]+)\/([^/]+)\/versions\/([^/]+)$/.exec(route)) && req.method === 'GET') {
      const model = byName.get(`${m[1]}/${m[2]}`);
      return model && versionOf(model) === m[3] ? send(res, 200, versionBody(model)) : notFound(res);
    }
    if (route === '/search' && req.method === 'GET') {
      if (!searchEndpoint) return notFound(res);
      const query = url.searchParams.get('query');
      if (!query) return send(res, 400, { detail: 'Query parameter "query" is required' });
      const limit = Math.min(50, Math.max(1, Number(url.searchParams.get('limit') ?? 20)));
      return send(res, 200, {
        query,
        collections: [],
        pages: [],
        models: search(query, limit).map(({ m: model, score }) => ({
          model: modelBody(model),
          metadata: { generated_description: model.description, tags: [model.kind], score },
        })),
      });
    }
    if (route === '/models' && req.method === 'QUERY') {
      const query = body.toString('utf8');
      return send(res, 200, { next: null, previous: null, results: search(query, 50).map(({ m: model }) => modelBody(model)) });
    }
    if (route === '/files' && req.method === 'POST') return upload(req, res, body);
    if ((m = /^\/files\/([^/]+)$/.exec(route)) && req.method === 'GET') {
      const file = files.get(m[1]);
      return file ? send(res, 200, file.body) : notFound(res);
    }
    if ((m = /^\/files\/([^/]+)\/download$/.exec(route)) && req.method === 'GET') {
      const file = files.get(m[1]);
      if (!file) return notFound(res);
      res.writeHead(200, { 'Content-Type': file.body.content_type });
      return res.end(file.data);
    }
    return notFound(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, { detail: `fake error: ${error.message}`, status: 500 });
      else res.destroy(error);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;

  const fake = {
    faultsServed: 0,
    /** REPLICATE_BASE_URL for the server under test. */
    baseUrl: `${origin}/v1`,
    origin,
    events,
    predictions,
    files,
    requests,
    models,
    versionOf,
    /** Removes every finished prediction's files now, as Replicate does an hour after it ended (404 on the file, `data_removed`). */
    expireOutputs() {
      for (const p of predictions.values()) if (p.completedAt) p.expired = true;
    },
    /** Predictions created for a model id ("owner/name"). */
    createdFor: (name) => [...predictions.values()].filter((p) => `${p.model.owner}/${p.model.name}` === name),
    /** Resolves when `predicate()` holds, re-checked on every fake event; rejects after `ms`. */
    until(predicate, ms, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate()) return false;
          clearTimeout(timer);
          for (const e of EVENTS) events.off(e, check);
          resolve();
          return true;
        };
        const timer = setTimeout(() => {
          for (const e of EVENTS) events.off(e, check);
          reject(new Error(`fake Replicate: not within ${ms} ms: ${what}`));
        }, ms);
        for (const e of EVENTS) events.on(e, check);
        check();
      });
    },
    async close() {
      for (const p of predictions.values()) { clearTimeout(p.startTimer); clearTimeout(p.endTimer); p.resolveDone(); }
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return fake;
}
