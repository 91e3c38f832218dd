// Batches through the official SDK client: start, status (every option), cancel, list_jobs, get_prediction.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertAllFields, assertDownloads, assertLean, assertNoPictures, assertPreview } from './checks.mjs';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callOk, callRefused, closeAndAssertCleanStdout, startSession, textOf } from './harness.mjs';

const SDXL_VERSION = '39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b';

describe('batch tools', () => {
  let fake, session, job, finished, partialJob;
  const items = [
    { model: 'black-forest-labs/flux-schnell', input: { prompt: 'a red fox', num_outputs: 2, aspect_ratio: '16:9' } }, // official: POST /models/…/predictions
    { model: 'stability-ai/sdxl', input: { prompt: 'a blue whale', seed: 7 } }, // community by name: resolved to its latest version
    { model: `stability-ai/sdxl:${SDXL_VERSION}`, input: { prompt: 'a green frog' } }, // pinned version
    { model: 'meta/meta-llama-3-8b-instruct', input: { prompt: 'a haiku about llamas', max_tokens: 64 } }, // token array
  ];

  before(async () => {
    fake = await startFakeReplicate({ durationMs: 1500 });
    // Creates held at most 1 s, so most predictions are also followed by polling, and cancels find ids quickly.
    session = await startSession(fake, { name: 'batch', env: { REPLICATE_MCP_PREFER_WAIT_SECONDS: '1' } });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  test('replicate_batch_start with every option answers at once', async () => {
    const result = await callOk(session, 'replicate_batch_start', {
      items, concurrency: 4, download: true, timeout_ms_per_item: 60000, ttl_hours: 2, validate: true,
    });
    job = result.structuredContent;
    assert.match(job.job_id, /\S/);
    assert.equal(job.total, 4);
    assert.equal(job.status, 'running', 'the start answers before any prediction finishes');
    assert.ok(job.message.length > 0);
    assertNoPictures(result, 'replicate_batch_start');
  });

  test('replicate_batch_status with wait_seconds sends progress and returns when finished', async () => {
    const progress = [];
    const result = await callOk(session, 'replicate_batch_status', { job_id: job.job_id, wait_seconds: 30 }, {
      onprogress: (p) => progress.push(p),
      timeout: 45000,
    });
    finished = result.structuredContent;
    assert.equal(finished.status, 'succeeded', textOf(result));
    assert.ok(progress.length >= 1, 'no progress notification while waiting');
    for (const p of progress) {
      assert.equal(p.total, 4, 'progress total = items');
      assert.ok(p.progress >= 0 && p.progress <= 4, `progress ${p.progress}`);
    }
    assert.deepEqual(progress.map((p) => p.progress), [...progress.map((p) => p.progress)].sort((a, b) => a - b), 'progress goes backwards');
  });

  test('replicate_batch_status with include_results (default true) gives results; files downloaded where the contract says', async () => {
    const result = await callOk(session, 'replicate_batch_status', { job_id: job.job_id, include_results: true, wait_seconds: 0 });
    const status = result.structuredContent;
    assert.equal(status.kind, 'batch');
    assert.deepEqual([status.total, status.succeeded, status.failed, status.queued, status.running], [4, 4, 0, 0, 0]);
    assert.ok(status.completed_at && status.expires_at, 'completed_at/expires_at once finished');
    const [image, byName, byVersion, llm] = status.items;
    assert.equal(image.result.urls.length, 2);
    assertDownloads(image.result.local_paths, join(session.dirs.downloads, job.job_id, '0'), 'item 0');
    assertDownloads(byName.result.local_paths, join(session.dirs.downloads, job.job_id, '1'), 'item 1');
    assertDownloads(byVersion.result.local_paths, join(session.dirs.downloads, job.job_id, '2'), 'item 2');
    assert.deepEqual(llm.result.urls, []);
    assert.deepEqual(llm.result.text_output, ["\n\nFuzzy, gentle beasts\nSoftly grazing, quiet eyes\nLlama's gentle charm"]);
    // The community model by name went through its latest version; the official one by name.
    assert.equal(fake.createdFor('stability-ai/sdxl').length, 2);
    assert.ok(fake.requests.some((r) => r.method === 'POST' && r.path === '/v1/models/black-forest-labs/flux-schnell/predictions'));
    assertNoPictures(result, 'replicate_batch_status');
  });

  test('every listed field is present', async () => {
    assertAllFields((await callOk(session, 'replicate_batch_status', { job_id: job.job_id })).structuredContent, 'replicate_batch_status');
  });

  test('lean answers: no redundant output, no logs_tail for succeeded items, a readable text summary', async () => {
    assertLean(await callOk(session, 'replicate_batch_status', { job_id: job.job_id }), 'replicate_batch_status');
  });

  test('replicate_batch_status with include_results false: the same items without result', async () => {
    const result = await callOk(session, 'replicate_batch_status', { job_id: job.job_id, include_results: false });
    const status = result.structuredContent;
    assert.equal(status.items.length, 4);
    for (const item of status.items) {
      assert.ok(!('result' in item), `item ${item.index} still carries result`);
      assert.equal(item.status, 'succeeded');
      assert.match(item.prediction_id, /^[a-z0-9]+$/);
    }
  });

  test('replicate_batch_status with preview (when declared) adds a contact sheet and resource links', async (t) => {
    if (!session.declares('replicate_batch_status', 'preview')) return t.skip('replicate_batch_status does not declare preview yet (issue 14)');
    const withPreview = await callOk(session, 'replicate_batch_status', { job_id: job.job_id, preview: true });
    const paths = withPreview.structuredContent.items.flatMap((i) => i.result.local_paths);
    assertPreview(withPreview, paths, 'replicate_batch_status preview');
    assertNoPictures(await callOk(session, 'replicate_batch_status', { job_id: job.job_id, preview: false }), 'preview false');
  });

  test('replicate_list_jobs lists the batch with its counts', async () => {
    const result = await callOk(session, 'replicate_list_jobs', {});
    const entry = result.structuredContent.jobs.find((j) => j.id === job.job_id);
    assert.ok(entry, 'the batch is not listed');
    assert.equal(entry.kind, 'batch');
    assert.deepEqual([entry.status, entry.total, entry.succeeded, entry.failed], ['succeeded', 4, 4, 0]);
    for (const key of ['created_at', 'completed_at', 'expires_at']) assert.ok(key in entry, `list_jobs entry lacks ${key}`);
  });

  test('replicate_get_prediction without download keeps output raw and saves nothing', async () => {
    const llm = finished.items[3];
    const result = await callOk(session, 'replicate_get_prediction', { prediction_id: llm.prediction_id });
    const p = result.structuredContent;
    assert.equal(p.prediction_id, llm.prediction_id);
    assert.equal(p.status, 'succeeded');
    assert.ok(Array.isArray(p.output) && p.output.length === 12, 'the token array is kept raw');
    assert.deepEqual(p.local_paths, []);
    assertNoPictures(result, 'replicate_get_prediction');
  });

  test('replicate_get_prediction with download saves under predictions/<id>/', async () => {
    const image = finished.items[0];
    const result = await callOk(session, 'replicate_get_prediction', { prediction_id: image.prediction_id, download: true });
    const p = result.structuredContent;
    assert.equal(p.urls.length, 2);
    assertDownloads(p.local_paths, join(session.dirs.downloads, 'predictions', image.prediction_id), 'get_prediction');
    assert.deepEqual(p.output, p.urls, 'output is raw');
    if (session.declares('replicate_get_prediction', 'preview')) {
      const again = await callOk(session, 'replicate_get_prediction', { prediction_id: image.prediction_id, download: true, preview: true });
      assertPreview(again, again.structuredContent.local_paths, 'replicate_get_prediction preview');
    }
  });

  test('a model that fails: the item fails with Replicate\'s error and the job says so', async () => {
    const started = await callOk(session, 'replicate_batch_start', {
      items: [{ model: 'acme/always-fail', input: { prompt: 'x' } }, { model: 'black-forest-labs/flux-schnell', input: { prompt: 'ok' } }],
      download: false,
    });
    const result = await callOk(session, 'replicate_batch_status', { job_id: started.structuredContent.job_id, wait_seconds: 30 }, { timeout: 45000 });
    const status = result.structuredContent;
    assert.equal(status.status, 'partial');
    const [failed, ok] = status.items;
    assert.equal(failed.status, 'failed');
    assert.match(String(failed.error ?? failed.result?.error), /CUDA out of memory/);
    assert.equal(ok.status, 'succeeded');
    assert.deepEqual(ok.result.local_paths, [], 'download false saves nothing');
    assert.match(textOf(result), /CUDA out of memory/, 'the text summary carries the error');
    partialJob = status.job_id;
  });

  test('include_results false on a batch with a failed item: no result, the error kept', async () => {
    const lean = (await callOk(session, 'replicate_batch_status', { job_id: partialJob, include_results: false })).structuredContent;
    assert.ok(lean.items.every((i) => !('result' in i)), 'an item still carries result');
    assert.match(String(lean.items[0].error), /CUDA out of memory/);
  });

  test('validate false: an input the model\'s schema would refuse is sent to Replicate as given', async () => {
    const input = { prompt: 'unvalidated', aspect_ratio: '2:1' };
    const refused = await callRefused(session, 'replicate_batch_start', { items: [{ model: 'black-forest-labs/flux-schnell', input }] }, 'aspect_ratio');
    assert.ok(refused.length > 0);
    const started = await callOk(session, 'replicate_batch_start', { items: [{ model: 'black-forest-labs/flux-schnell', input }], validate: false, download: false });
    await callOk(session, 'replicate_batch_status', { job_id: started.structuredContent.job_id, wait_seconds: 30 }, { timeout: 45000 });
    const sent = fake.createdFor('black-forest-labs/flux-schnell').filter((p) => p.input.prompt === 'unvalidated');
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].input, input);
  });

  test('replicate_batch_cancel cancels running predictions on Replicate and queued items never start', async () => {
    const started = await callOk(session, 'replicate_batch_start', {
      items: [1, 2, 3].map((n) => ({ model: 'acme/slow-image', input: { prompt: `slow ${n}` } })),
      concurrency: 2,
    });
    const id = started.structuredContent.job_id;
    const mine = () => fake.createdFor('acme/slow-image').filter((p) => /^slow [123]$/.test(p.input.prompt));
    // Both creates answered (ids known to the server), so this is the plain cancel, not the held-create case.
    await fake.until(() => mine().length === 2 && mine().every((p) => p.answeredAt), 15000, 'two slow creates answered');
    const waitStarted = Date.now();
    const waited = await callOk(session, 'replicate_batch_status', { job_id: id, wait_seconds: 1, include_results: true }, { onprogress: () => {} });
    assert.equal(waited.structuredContent.status, 'running', 'wait_seconds returns when the time is up, job unfinished');
    assert.ok(Date.now() - waitStarted >= 900, `wait_seconds 1 returned after ${Date.now() - waitStarted} ms`);
    assert.equal(waited.structuredContent.items.filter((i) => i.status === 'running').length, 2);
    const calledAt = Date.now();
    const result = await callOk(session, 'replicate_batch_cancel', { job_id: id });
    const status = result.structuredContent;
    assert.equal(status.status, 'canceled', textOf(result));
    assert.ok(status.items.every((i) => i.status === 'canceled'), `items: ${status.items.map((i) => i.status)}`);
    await fake.until(() => mine().every((p) => p.status === 'canceled'), Math.max(0, calledAt + 3000 - Date.now()) + 1, 'the running predictions cancelled on Replicate within 3 s');
    assert.equal(mine().length, 2, 'a queued item was started after the cancel');
    const again = await callOk(session, 'replicate_batch_cancel', { job_id: id });
    assert.equal(again.structuredContent.status, 'canceled', 'cancel is idempotent');
  });

  test('idempotency_key (when declared): the same key gives the same job and creates nothing twice', async (t) => {
    if (!session.declares('replicate_batch_start', 'idempotency_key')) return t.skip('replicate_batch_start does not declare idempotency_key yet (issue 13)');
    const args = { items: [{ model: 'black-forest-labs/flux-schnell', input: { prompt: 'idempotent batch' } }], idempotency_key: 'conformance-batch-1' };
    const first = await callOk(session, 'replicate_batch_start', args);
    const second = await callOk(session, 'replicate_batch_start', args);
    assert.equal(second.structuredContent.job_id, first.structuredContent.job_id);
    await callOk(session, 'replicate_batch_status', { job_id: first.structuredContent.job_id, wait_seconds: 30 }, { timeout: 45000 });
    const third = await callOk(session, 'replicate_batch_start', args);
    assert.equal(third.structuredContent.job_id, first.structuredContent.job_id, 'a finished kept job answers the same key too');
    assert.equal(fake.createdFor('black-forest-labs/flux-schnell').filter((p) => p.input.prompt === 'idempotent batch').length, 1, 'a repeated key created a second prediction');
    const other = await callOk(session, 'replicate_batch_start', { ...args, idempotency_key: 'conformance-batch-2' });
    assert.notEqual(other.structuredContent.job_id, first.structuredContent.job_id, 'another key is another job');
    await callRefused(session, 'replicate_batch_start', { ...args, idempotency_key: '' }, 'idempotency_key');
    await callRefused(session, 'replicate_batch_start', { ...args, idempotency_key: 'k'.repeat(101) }, 'idempotency_key');
  });

  test('the server wrote nothing but JSON-RPC on stdout', async () => {
    await closeAndAssertCleanStdout(session);
  });
});
