// Pay once, cancel for real, never stranded (issue 13), tried the way clients stop and start servers: the server is
// started through `setsid sh -c` (its own process group), the official SDK client closes stdin (a quit or reload) or
// the whole group is killed with SIGKILL, and the next server starts at once on the same state folder — without
// waiting for the old one to exit or be reaped. The fake holds every create open like `Prefer: wait`, so the create's
// answer (and the id in it) has not come when the server goes: only the list endpoint knows the prediction.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callOk, killGroup, makeDirs, shellWrapped, startSession, textOf } from './harness.mjs';

const SLOW = 'acme/slow-image';
const FINISHED = new Set(['succeeded', 'failed', 'canceled', 'expired']);

function startServer(fake, dirs, name) {
  return startSession(fake, { dirs, name, command: shellWrapped() });
}

/** Closes stdin, as a client does on quit or reload; the returned promise (not awaited by callers) ends with the process. */
function quit(session) {
  return session.client.close();
}

/** Asks for the batch's status until it is finished (each call waits up to 20 s). */
async function waitFinished(session, jobId, limitMs = 90_000) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const result = await callOk(session, 'replicate_batch_status', { job_id: jobId, include_results: false, wait_seconds: 20 }, { timeout: 30_000 });
    const status = result.structuredContent;
    if (FINISHED.has(status.status)) return status;
    assert.ok(Date.now() < deadline, `job ${jobId} still ${status.status} after ${limitMs} ms: ${textOf(result)}`);
  }
}

/** Creates the fake received per prompt: exactly-once means one per item. */
function createsPerPrompt(fake) {
  const counts = new Map();
  for (const p of fake.predictions.values()) counts.set(p.input.prompt, (counts.get(p.input.prompt) ?? 0) + 1);
  return counts;
}

function assertPaidOnce(fake, prompts) {
  const counts = createsPerPrompt(fake);
  assert.deepEqual(
    prompts.map((prompt) => [prompt, counts.get(prompt) ?? 0]),
    prompts.map((prompt) => [prompt, 1]),
    'every item is created on Replicate exactly once');
  assert.equal(fake.predictions.size, prompts.length, 'no create beyond one per item');
}

function itemsFor(prompts) {
  return prompts.map((prompt) => ({ model: SLOW, input: { prompt } }));
}

describe('durability across quits, kills and restarts (server started through sh -c)', () => {
  let fake;
  const sessions = [];
  const dirsToRemove = [];

  before(async () => { fake = await startFakeReplicate({ slowMs: 4_000 }); });
  after(async () => {
    for (const s of sessions) { try { killGroup(s); } catch { /* gone */ } }
    await Promise.allSettled(sessions.map((s) => s.client.close()));
    for (const d of dirsToRemove) rmSync(d.root, { recursive: true, force: true });
    await fake?.close();
  });

  function fresh() {
    fake.predictions.clear();
    const dirs = makeDirs();
    dirsToRemove.push(dirs);
    return dirs;
  }

  async function server(dirs, name) {
    const s = await startServer(fake, dirs, name);
    sessions.push(s);
    return s;
  }

  async function startBatch(session, prompts) {
    const started = await callOk(session, 'replicate_batch_start', { items: itemsFor(prompts), concurrency: 3, download: false });
    return started.structuredContent.job_id;
  }

  const heldCreates = (n) => fake.until(() => fake.predictions.size >= n, 20_000, `${n} creates held open`);

  // A quit closes stdin and is not awaited (the process may still be exiting); a kill takes the whole process group.
  const stops = [
    ['a client quit', 'quit', (session) => { session.quitting = quit(session); }],
    ['kill -9 of the process group', 'kill', killGroup],
  ];
  for (const [what, name, stop] of stops) {
    test(`${what} while 3 creates are held: the next server, started at once, re-attaches them; 3 creates, 3 succeeded`, async () => {
      const dirs = fresh();
      const prompts = [0, 1, 2].map((i) => `${name} ${i}`);
      const a = await server(dirs, `${name}-a`);
      const jobId = await startBatch(a, prompts);
      await heldCreates(3);
      assert.equal([...fake.predictions.values()].filter((p) => p.answeredAt).length, 0, 'the creates are still held');

      stop(a);
      const b = await server(dirs, `${name}-b`);
      const status = await waitFinished(b, jobId);
      await a.quitting;

      assert.equal(status.status, 'succeeded', JSON.stringify(status));
      assert.equal(status.succeeded, 3);
      assertPaidOnce(fake, prompts);
    });
  }

  test('a cancel while creates are held reaches Replicate within 3 s, and no cancelled item later succeeds', async () => {
    const dirs = fresh();
    const prompts = ['cancel 0', 'cancel 1', 'cancel 2'];
    const a = await server(dirs, 'cancel');
    const jobId = await startBatch(a, prompts);
    await heldCreates(3);

    const asked = Date.now();
    await callOk(a, 'replicate_batch_cancel', { job_id: jobId });
    await fake.until(() => [...fake.predictions.values()].every((p) => p.cancelRequestedAt), 3_000, 'a cancel for each held create within 3 s');
    const latest = Math.max(...[...fake.predictions.values()].map((p) => p.cancelRequestedAt));
    assert.ok(latest - asked <= 3_000, `last cancel reached the fake ${latest - asked} ms after the cancel call`);

    // Past the time the predictions would have taken, every item is still cancelled.
    await fake.until(() => [...fake.predictions.values()].every((p) => p.answeredAt), 10_000, 'the held creates answered');
    const status = (await callOk(a, 'replicate_batch_status', { job_id: jobId, include_results: false })).structuredContent;
    assert.equal(status.status, 'canceled', JSON.stringify(status));
    assert.deepEqual(status.items.map((i) => i.status), ['canceled', 'canceled', 'canceled']);
    assert.ok([...fake.predictions.values()].every((p) => p.status === 'canceled'), 'every prediction cancelled on Replicate');
  });

  test('two servers started together on an orphaned job: one adopts it, every item paid once', async () => {
    const dirs = fresh();
    const prompts = ['pair 0', 'pair 1', 'pair 2', 'pair 3', 'pair 4', 'pair 5'];
    const a = await server(dirs, 'pair-a');
    const jobId = await startBatch(a, prompts);
    await heldCreates(3);

    killGroup(a);
    const [b, c] = await Promise.all([server(dirs, 'pair-b'), server(dirs, 'pair-c')]);
    const [statusB, statusC] = await Promise.all([waitFinished(b, jobId), waitFinished(c, jobId)]);

    assert.equal(statusB.status, 'succeeded', JSON.stringify(statusB));
    assert.equal(statusC.status, 'succeeded', JSON.stringify(statusC));
    assertPaidOnce(fake, prompts);
  });

  test('an 8-item batch under four kills at moments set by the creates seen: every item paid once, the job ends', async () => {
    const dirs = fresh();
    const prompts = Array.from({ length: 8 }, (_, i) => `storm ${i}`);
    let current = await server(dirs, 'storm-0');
    const jobId = await startBatch(current, prompts);
    // Kill after the 1st, 3rd, 5th and 7th create: each time some creates are held, some answered, some not yet sent.
    for (const [round, creates] of [1, 3, 5, 7].entries()) {
      await fake.until(() => fake.predictions.size >= creates, 30_000, `${creates} creates`);
      killGroup(current);
      current = await server(dirs, `storm-${round + 1}`);
    }
    const status = await waitFinished(current, jobId, 120_000);

    assert.equal(status.status, 'succeeded', JSON.stringify(status));
    assert.equal(status.succeeded, 8);
    assertPaidOnce(fake, prompts);
  });
});
