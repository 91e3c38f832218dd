// The fake itself answers like Replicate: the suite (and later process tests) rely on these shapes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { defaultModels, flakyModels, startFakeReplicate, TOKEN } from './fake-replicate.mjs';

const auth = { Authorization: `Bearer ${TOKEN}` };
const sample = (name) => JSON.parse(readFileSync(new URL(`../ReplicateMcp.Tests/ApiSamples/${name}`, import.meta.url), 'utf8'));
// The keys of Replicate's POST /files answer (the sample 10-file-response-201.json).
const FILE_KEYS = ['checksums', 'content_type', 'created_at', 'etag', 'expires_at', 'id', 'metadata', 'name', 'size', 'urls'];

describe('fake Replicate', () => {
  let fake;
  before(async () => { fake = await startFakeReplicate({ durationMs: 600 }); });
  after(async () => { await fake.close(); });

  const post = (path, body, headers = {}) => fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('refuses a request without the token like Replicate (401 problem+json)', async () => {
    const res = await fetch(`${fake.baseUrl}/predictions`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal((await res.json()).title, 'Unauthenticated');
  });

  test('a create answers 201 starting; Prefer: wait holds until done; the body has the sample\'s keys', async () => {
    const quick = await post('/models/black-forest-labs/flux-schnell/predictions', { input: { prompt: 'x', num_outputs: 2 } });
    assert.equal(quick.status, 201);
    const starting = await quick.json();
    assert.equal(starting.status, 'starting');
    for (const key of Object.keys(sample('02-create-response-201-starting.json'))) assert.ok(key in starting, `create body lacks ${key}`);
    const held = await (await post('/models/black-forest-labs/flux-schnell/predictions', { input: { prompt: 'y', num_outputs: 2 } }, { Prefer: 'wait=5' })).json();
    assert.equal(held.status, 'succeeded');
    assert.equal(held.output.length, 2);
    const image = await fetch(held.output[0]);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.equal(Buffer.from(await image.arrayBuffer()).subarray(1, 4).toString('ascii'), 'PNG');
    assert.match(held.logs, /100%\|##########\| 50\/50/);
  });

  test('a community version, an LLM token array, a failing model and a cancel', async () => {
    const version = '39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b';
    const byVersion = await (await post('/predictions', { version, input: { prompt: 'x' } }, { Prefer: 'wait=5' })).json();
    assert.equal(byVersion.model, 'stability-ai/sdxl');
    const llm = await (await post('/models/meta/meta-llama-3-8b-instruct/predictions', { input: { prompt: 'x' } }, { Prefer: 'wait=5' })).json();
    assert.equal(llm.output.join(''), "\n\nFuzzy, gentle beasts\nSoftly grazing, quiet eyes\nLlama's gentle charm");
    const failed = await (await post('/models/acme/always-fail/predictions', { input: {} }, { Prefer: 'wait=5' })).json();
    assert.equal(failed.status, 'failed');
    assert.match(failed.error, /CUDA out of memory/);
    const slow = await (await post('/models/acme/slow-image/predictions', { input: {} })).json();
    const canceled = await (await post(`/predictions/${slow.id}/cancel`, {})).json();
    assert.equal(canceled.status, 'canceled');
    assert.equal((await (await fetch(`${fake.baseUrl}/predictions/${slow.id}`, { headers: auth })).json()).status, 'canceled');
    const missing = await post('/predictions', { version: 'f'.repeat(64), input: {} });
    assert.equal(missing.status, 422);
    const unknown = await post('/models/acme/nope/predictions', { input: {} });
    assert.equal(unknown.status, 404);
    const invalid = await post('/models/meta/meta-llama-3-8b-instruct/predictions', { input: {} });
    assert.equal(invalid.status, 422);
    assert.equal((await invalid.json()).invalid_fields[0].description, 'prompt is required');
  });

  test('GET /predictions: newest first, created_after/created_before, 100 a page with a next cursor', async () => {
    const since = new Date().toISOString();
    for (let i = 0; i < 105; i++) await post('/models/acme/slow-image/predictions', { input: { prompt: `page ${i}` } });
    const first = await (await fetch(`${fake.baseUrl}/predictions?created_after=${encodeURIComponent(since)}`, { headers: auth })).json();
    assert.equal(first.results.length, 100);
    assert.ok(first.next);
    const times = first.results.map((p) => Date.parse(p.created_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'not newest first');
    const second = await (await fetch(first.next, { headers: auth })).json();
    assert.equal(second.results.length, 5);
    assert.equal(second.next, null);
    const none = await (await fetch(`${fake.baseUrl}/predictions?created_after=${encodeURIComponent(since)}&created_before=${encodeURIComponent(since)}`, { headers: auth })).json();
    assert.deepEqual(none.results, []);
  });

  test('models, versions, /search and QUERY /models', async () => {
    const model = await (await fetch(`${fake.baseUrl}/models/stability-ai/sdxl`, { headers: auth })).json();
    assert.ok(model.latest_version.openapi_schema.components.schemas.Input);
    assert.ok(model.latest_version.openapi_schema.components.schemas.Output);
    const version = await (await fetch(`${fake.baseUrl}/models/stability-ai/sdxl/versions/${model.latest_version.id}`, { headers: auth })).json();
    assert.equal(version.id, model.latest_version.id);
    const search = await (await fetch(`${fake.baseUrl}/search?query=llama&limit=3`, { headers: auth })).json();
    assert.equal(search.models[0].model.name, 'meta-llama-3-8b-instruct');
    const query = await (await fetch(`${fake.baseUrl}/models`, { method: 'QUERY', headers: { ...auth, 'Content-Type': 'text/plain' }, body: 'upscale' })).json();
    assert.equal(query.results[0].name, 'real-esrgan');
  });

  test('POST /files (multipart) answers 201 like 10-file-response-201.json; urls.get serves it back', async () => {
    const form = new FormData();
    form.append('content', new Blob([Buffer.from('hello')], { type: 'text/plain' }), 'hello.txt');
    form.append('filename', 'hello.txt');
    form.append('type', 'text/plain');
    const res = await fetch(`${fake.baseUrl}/files`, { method: 'POST', headers: auth, body: form });
    assert.equal(res.status, 201);
    const file = await res.json();
    assert.deepEqual(Object.keys(file).sort(), FILE_KEYS);
    assert.equal(file.size, 5);
    assert.equal(file.checksums.sha256, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    assert.deepEqual(await (await fetch(file.urls.get, { headers: auth })).json(), file);
    assert.equal(await (await fetch(`${file.urls.get}/download`, { headers: auth })).text(), 'hello');
  });
});

describe('fake Replicate: flaky models and expiring outputs', () => {
  let fake;
  before(async () => { fake = await startFakeReplicate({ durationMs: 300, models: [...defaultModels(), ...flakyModels()] }); });
  after(async () => { await fake.close(); });

  const create = async (model, input) => (await fetch(`${fake.baseUrl}/models/${model}/predictions`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', Prefer: 'wait=5' }, body: JSON.stringify({ input }),
  })).json();
  const get = async (id) => (await fetch(`${fake.baseUrl}/predictions/${id}`, { headers: auth })).json();

  test('a flaky model fails the first try of an input and succeeds after; another input fails first again', async () => {
    assert.equal((await create('acme/flaky-image', { prompt: 'a' })).status, 'failed');
    assert.equal((await create('acme/flaky-image', { prompt: 'a' })).status, 'succeeded');
    assert.equal((await create('acme/flaky-image', { prompt: 'b' })).status, 'failed');
  });

  test('expireOutputs() removes finished outputs: data_removed and 404 on the file; outputTtlMs does it after a set time', async () => {
    const done = await create('black-forest-labs/flux-schnell', { prompt: 'x' });
    assert.equal(done.data_removed, false);
    assert.equal((await fetch(done.output[0])).status, 200);
    fake.expireOutputs();
    const later = await get(done.id);
    assert.deepEqual([later.data_removed, later.output], [true, null]);
    assert.equal((await fetch(done.output[0])).status, 404);

    const other = await startFakeReplicate({ durationMs: 100, outputTtlMs: 0 });
    try {
      const gone = await (await fetch(`${other.baseUrl}/models/black-forest-labs/flux-schnell/predictions`, {
        method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', Prefer: 'wait=5' }, body: JSON.stringify({ input: { prompt: 'y' } }),
      })).json();
      assert.deepEqual([gone.status, gone.data_removed], ['succeeded', true]);
    } finally {
      await other.close();
    }
  });
});
