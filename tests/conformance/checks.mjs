// Checks on answers shared by several test files.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Without `preview`, an answer carries neither an image block nor resource links (CONTRACT §9). */
export function assertNoPictures(result, what) {
  const kinds = (result.content ?? []).map((c) => c.type);
  assert.ok(!kinds.includes('image') && !kinds.includes('resource_link'), `${what}: without preview the answer carries ${kinds.join(', ')}`);
}

/**
 * With `preview`: one image block (a contact sheet: PNG, JPEG or WebP, at most 300 KB and 1024 px wide) and a
 * resource_link per downloaded file (file:// URI, name, MIME type, size).
 */
export function assertPreview(result, localPaths, what) {
  const images = result.content.filter((c) => c.type === 'image');
  assert.equal(images.length, 1, `${what}: expected one image block (the contact sheet), got ${images.length}`);
  const [image] = images;
  assert.ok(['image/png', 'image/jpeg', 'image/webp'].includes(image.mimeType), `${what}: contact sheet MIME type ${image.mimeType}`);
  const bytes = Buffer.from(image.data, 'base64');
  assert.ok(bytes.length > 0 && bytes.length <= 300 * 1024, `${what}: contact sheet is ${bytes.length} bytes (at most 300 KB)`);
  if (image.mimeType === 'image/png') {
    assert.equal(bytes.subarray(1, 4).toString('ascii'), 'PNG', `${what}: image block is not a PNG`);
    assert.ok(bytes.readUInt32BE(16) <= 1024, `${what}: contact sheet is ${bytes.readUInt32BE(16)} px wide (at most 1024)`);
  }
  const links = result.content.filter((c) => c.type === 'resource_link');
  const linked = links.map((l) => fileURLToPath(l.uri)).sort();
  assert.deepEqual(linked, [...localPaths].sort(), `${what}: resource_link blocks do not match the downloaded files`);
  for (const link of links) {
    assert.ok(link.uri.startsWith('file://'), `${what}: resource_link uri ${link.uri}`);
    assert.ok(typeof link.name === 'string' && link.name.length > 0, `${what}: resource_link without a name`);
    assert.ok(typeof link.mimeType === 'string' && link.mimeType.includes('/'), `${what}: resource_link without a MIME type`);
    assert.equal(link.size, statSync(fileURLToPath(link.uri)).size, `${what}: resource_link size of ${link.uri}`);
  }
}

/** Every local path exists, lies under `folder`, and is named output-<n><ext> in order. */
export function assertDownloads(localPaths, folder, what) {
  localPaths.forEach((path, n) => {
    assert.ok(path.startsWith(folder + '/') || path.startsWith(folder + '\\'), `${what}: ${path} is not under ${folder}`);
    assert.match(path, new RegExp(`output-${n}\\.[a-z0-9]+$`), `${what}: download ${n} is named ${path}`);
    assert.ok(existsSync(path), `${what}: ${path} does not exist`);
  });
}

const RESULT_KEYS = ['prediction_id', 'status', 'urls', 'local_paths', 'text_output', 'output', 'metrics', 'pending', 'error', 'logs_tail', 'download_error'];
const JOB_KEYS = ['status', 'total', 'queued', 'running', 'succeeded', 'failed', 'timed_out', 'canceled', 'created_at', 'completed_at', 'expires_at'];

/** Every field CONTRACT §3 lists is present (arrays as [], unknowns as null): a serializer that omits nulls breaks clients. */
export function assertAllFields(status, what) {
  const entries = status.kind === 'pipeline' ? status.steps : status.items;
  const jobKeys = [status.kind === 'pipeline' ? 'pipeline_id' : 'job_id', 'kind', ...JOB_KEYS, ...(status.kind === 'pipeline' ? ['skipped', 'steps'] : ['items'])];
  for (const key of jobKeys) assert.ok(key in status, `${what}: the status lacks ${key}`);
  const entryKeys = status.kind === 'pipeline'
    ? ['id', 'model', 'status', 'depends_on', 'prediction_id', 'input', 'started_at', 'completed_at', 'result', 'error', 'skip_reason']
    : ['index', 'model', 'status', 'prediction_id', 'started_at', 'completed_at', 'result', 'error'];
  for (const entry of entries) {
    for (const key of entryKeys) assert.ok(key in entry, `${what}: ${entry.id ?? entry.index} lacks ${key}`);
    if (entry.result) for (const key of RESULT_KEYS) assert.ok(key in entry.result, `${what}: ${entry.id ?? entry.index}.result lacks ${key}`);
  }
}

/**
 * Lean answers (CONTRACT §3): `output` null when `urls`/`text_output` already show it, `logs_tail` null for a
 * succeeded entry, and the text a readable summary rather than a second copy of the JSON.
 */
export function assertLean(result, what) {
  const status = result.structuredContent;
  for (const entry of status.kind === 'pipeline' ? status.steps : status.items) {
    if (entry.status !== 'succeeded' || !entry.result) continue;
    const name = entry.id ?? entry.index;
    assert.equal(entry.result.logs_tail, null, `${what}: succeeded ${name} still carries logs_tail`);
    if (entry.result.urls.length > 0 || entry.result.text_output.length > 0) {
      assert.equal(entry.result.output, null, `${what}: ${name}.output repeats what urls/text_output show`);
    }
  }
  const text = result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
  let isJson = true;
  try { JSON.parse(text); } catch { isJson = false; }
  assert.ok(!isJson, `${what}: the text content is a copy of the JSON, not a readable summary`);
}
