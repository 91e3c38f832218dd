// Local files in (CONTRACT §8, issue 14): replicate_list_files, and local paths in inputs sent inline or uploaded
// with POST /files. These cases turn on once the server lists replicate_list_files.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeReplicate } from './fake-replicate.mjs';
import { callOk, callRefused, closeAndAssertCleanStdout, startSession } from './harness.mjs';
import { png } from './png.mjs';

describe('local files', () => {
  let fake, session;
  before(async () => {
    fake = await startFakeReplicate();
    session = await startSession(fake, { name: 'local-files', env: { REPLICATE_MCP_PREFER_WAIT_SECONDS: '1' } });
  });
  after(async () => { await session?.close(); await fake?.close(); });

  const available = (t) => {
    if (session.tools.replicate_list_files) return true;
    t.skip('replicate_list_files is not listed yet (issue 14)');
    return false;
  };

  test('replicate_list_files lists the allowed folder, with pattern and limit', async (t) => {
    if (!available(t)) return;
    assert.equal(session.tools.replicate_list_files.annotations?.readOnlyHint, true);
    const all = await callOk(session, 'replicate_list_files', { folder: session.dirs.inputs });
    const text = JSON.stringify(all.structuredContent);
    assert.ok(text.includes('photo-a.png') && text.includes('photo-b.png'), text);
    assert.ok(text.includes('image/png'), 'no MIME type in the listing');
    const one = await callOk(session, 'replicate_list_files', { folder: session.dirs.inputs, pattern: 'photo-a*', limit: 1 });
    const oneText = JSON.stringify(one.structuredContent);
    assert.ok(oneText.includes('photo-a.png') && !oneText.includes('photo-b.png'), oneText);
  });

  test('a small local file is sent inline; a large one is uploaded once and replaced by urls.get', async (t) => {
    if (!available(t)) return;
    const big = join(session.dirs.inputs, 'big.png');
    writeFileSync(big, Buffer.concat([png('big', 8, 8), randomBytes(300 * 1024)]));
    const started = await callOk(session, 'replicate_batch_start', {
      items: [
        { model: 'nightmareai/real-esrgan', input: { image: join(session.dirs.inputs, 'photo-a.png') } },
        { model: 'nightmareai/real-esrgan', input: { image: big, scale: 2 } },
        { model: 'nightmareai/real-esrgan', input: { image: `file://${big}`, scale: 3 } },
      ],
    });
    const status = await callOk(session, 'replicate_batch_status', { job_id: started.structuredContent.job_id, wait_seconds: 30 }, { timeout: 45000 });
    assert.equal(status.structuredContent.status, 'succeeded');
    const sent = fake.createdFor('nightmareai/real-esrgan').map((p) => p.input.image);
    assert.equal(sent.filter((s) => s.startsWith('data:image/png;base64,')).length, 1, 'the small file was not sent inline');
    assert.equal(fake.files.size, 1, `the large file was uploaded ${fake.files.size} times`);
    const [upload] = fake.files.values();
    assert.equal(upload.body.size, upload.data.length);
    assert.equal(sent.filter((s) => s === upload.body.urls.get).length, 2, 'both items got the upload\'s urls.get');
  });

  test('files outside the allowed folders and hidden files are refused at start, nothing created or uploaded', async (t) => {
    if (!available(t)) return;
    const outside = join(session.dirs.root, 'outside.png');
    writeFileSync(outside, png('outside'));
    writeFileSync(join(session.dirs.inputs, '.hidden.png'), png('hidden'));
    const before = [fake.predictions.size, fake.files.size];
    await callRefused(session, 'replicate_batch_start', { items: [{ model: 'nightmareai/real-esrgan', input: { image: outside } }] }, 'items[0]');
    await callRefused(session, 'replicate_batch_start', { items: [{ model: 'nightmareai/real-esrgan', input: { image: join(session.dirs.inputs, '.hidden.png') } }] }, 'items[0]');
    await callRefused(session, 'replicate_pipeline_start', { steps: [{ id: 'up', model: 'nightmareai/real-esrgan', input: { image: join(session.dirs.root, 'missing.png') } }] }, 'steps[up]');
    assert.deepEqual([fake.predictions.size, fake.files.size], before);
  });

  test('the server wrote nothing but JSON-RPC on stdout', async () => {
    await closeAndAssertCleanStdout(session);
  });
});
