// Fail closed (issue 19, "Done when"), tried as a new user would: the state folder on a full disk (a small tmpfs,
// filled), a batch started through the official SDK client is refused naming the folder and the system's reason, and
// the fake sees no create; with the space freed, the next batch runs — the same server, no restart.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callOk, makeDirs, startSession, textOf } from './harness.mjs';

let fake;
let session;
let mounted = null;

after(async () => {
  await session?.client.close();
  await fake?.close();
  if (mounted) { try { execFileSync('umount', ['-l', mounted], { stdio: 'ignore' }); } catch { /* already */ } }
});

/** Makes the state folder refuse writes the way this machine allows: a full tmpfs (root), else no write permission. */
function blocker(dirs) {
  if (process.getuid?.() === 0) {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dirs.state], { stdio: 'ignore' });
      mounted = dirs.state;
    } catch { /* no mount here */ }
  }
  if (mounted) {
    const filler = join(mounted, 'filler');
    return {
      reason: /No space left on device/,
      block() {
        const fd = openSync(filler, 'w');
        try { for (;;) writeSync(fd, Buffer.alloc(4096, 1)); } catch (error) { if (error.code !== 'ENOSPC') throw error; } finally { closeSync(fd); }
      },
      free: () => unlinkSync(filler),
    };
  }
  if (process.getuid?.() === 0) return null;
  const jobs = join(dirs.state, 'jobs');
  return { reason: /denied/i, block: () => chmodSync(jobs, 0o555), free: () => chmodSync(jobs, 0o755) };
}

const batch = (tag) => ({ items: [0, 1].map((i) => ({ model: 'black-forest-labs/flux-schnell', input: { prompt: `${tag} ${i}` } })), download: false });

test('the state disk full: a start is refused naming the folder and the reason, nothing is created; space freed, the next batch runs', async (t) => {
  fake = await startFakeReplicate();
  const dirs = makeDirs();
  const disk = blocker(dirs);
  if (!disk) return t.skip('root without mount: this machine can neither fill a tmpfs nor deny root a write');
  session = await startSession(fake, { dirs, name: 'full-disk' });
  await callOk(session, 'replicate_list_jobs', {}); // the server has written what it writes at start

  disk.block();
  const refused = await session.client.callTool({ name: 'replicate_batch_start', arguments: batch('full') });
  const text = textOf(refused);
  console.log(`# refused start: ${text}`);
  assert.equal(refused.isError, true, `a start on a full disk was accepted: ${text}`);
  assert.ok(text.includes(join(dirs.state, 'jobs')), `the refusal names the state folder: ${text}`);
  assert.match(text, disk.reason);
  assert.equal(fake.predictions.size, 0, 'no create reached Replicate');

  disk.free();
  const started = await callOk(session, 'replicate_batch_start', batch('freed'));
  const jobId = started.structuredContent.job_id;
  const status = (await callOk(session, 'replicate_batch_status', { job_id: jobId, wait_seconds: 30, include_results: false }, { timeout: 40_000 })).structuredContent;
  console.log(`# after freeing: ${jobId} ${status.status}, ${status.succeeded}/${status.total} succeeded, creates at the fake ${fake.predictions.size}`);
  assert.equal(status.status, 'succeeded');
  assert.equal(fake.predictions.size, 2);
});
