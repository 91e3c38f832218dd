// A retry is durable and exactly-once like every create (CONTRACT §10, §6): the server is started through `setsid sh -c`,
// its process group killed with SIGKILL right after a retry answered (or while the retry's create is held open), and the
// next server, started at once on the same state folder, finishes the retry — each retried item paid once more, never twice.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { defaultModels, flakyModels, startFakeReplicate } from './fake-replicate.mjs';
import { callOk, killGroup, makeDirs, shellWrapped, startSession, textOf } from './harness.mjs';

const FLUX = 'black-forest-labs/flux-schnell';

describe('retry across kill -9 (server started through sh -c)', () => {
  let fake;
  const sessions = [];
  const dirsToRemove = [];

  before(async () => { fake = await startFakeReplicate({ durationMs: 2_500, models: [...defaultModels(), ...flakyModels()] }); });
  after(async () => {
    for (const s of sessions) { try { killGroup(s); } catch { /* gone */ } }
    await Promise.allSettled(sessions.map((s) => s.client.close()));
    for (const d of dirsToRemove) rmSync(d.root, { recursive: true, force: true });
    await fake?.close();
  });

  async function server(dirs, name) {
    const s = await startSession(fake, { dirs, name, command: shellWrapped() });
    sessions.push(s);
    return s;
  }

  async function waitFinished(session, jobId) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const result = await callOk(session, 'replicate_batch_status', { job_id: jobId, wait_seconds: 20 }, { timeout: 30_000 });
      if (result.structuredContent.status !== 'running') return result.structuredContent;
      assert.ok(Date.now() < deadline, `job ${jobId} still running: ${textOf(result)}`);
    }
  }

  const createsOf = (prompt) => [...fake.predictions.values()].filter((p) => p.input.prompt === prompt).length;

  // When the kill comes: right after the retry answered (its record is on disk, its create maybe not sent), or while
  // the retry's create is held open by the fake (sent, its id not yet known to the server).
  const moments = [
    ['right after the retry answered', 'answered', async () => {}],
    ['while the retry\'s create is held open', 'held', async (prompt) => fake.until(() => createsOf(prompt) === 2, 20_000, 'the retry\'s create sent')],
  ];
  for (const [when, name, before] of moments) {
    test(`kill -9 ${when}: the next server finishes the retry; the flaky item is created twice in all, the others once`, async () => {
      const dirs = makeDirs();
      dirsToRemove.push(dirs);
      const prompts = [0, 1, 2].map((i) => `${name} ${i}`);
      const a = await server(dirs, `retry-${name}-a`);
      const items = prompts.map((prompt, i) => ({ model: i === 1 ? 'acme/flaky-image' : FLUX, input: { prompt } }));
      const jobId = (await callOk(a, 'replicate_batch_start', { items, download: false })).structuredContent.job_id;
      assert.equal((await waitFinished(a, jobId)).status, 'partial');

      const retry = await callOk(a, 'replicate_batch_retry', { job_id: jobId });
      assert.match(textOf(retry), /1 item will run again \(1\)/);
      await before(prompts[1]);
      if (name === 'held') assert.equal([...fake.predictions.values()].filter((p) => p.input.prompt === prompts[1] && p.answeredAt).length, 1, 'the retry\'s create is still held');
      killGroup(a);
      const b = await server(dirs, `retry-${name}-b`);
      const done = await waitFinished(b, jobId);

      assert.equal(done.status, 'succeeded', textOf(await callOk(b, 'replicate_batch_status', { job_id: jobId })));
      assert.deepEqual(prompts.map(createsOf), [1, 2, 1], 'each retried item paid once more, never twice');
      assert.deepEqual(done.items[1].result.attempts.map((a) => a.status), ['failed']);
      console.log(`kill -9 ${when}: creates per item ${JSON.stringify(prompts.map(createsOf))}, status ${done.status}`);
    });
  }
});
