import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseName, dependencyOrder, depths, duration, elapsed, firstLines, openableUrl, outputKind, promptOf } from '../src/format.js';

test('durations read as seconds, minutes or hours', () => {
  assert.equal(duration(4_900), '4 s');
  assert.equal(duration(125_000), '2 min 5 s');
  assert.equal(duration(3_780_000), '1 h 3 min');
  assert.equal(elapsed('2026-01-01T00:00:00Z', '2026-01-01T00:00:07Z', 0), '7 s');
  assert.equal(elapsed('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:01:00Z')), '1 min 0 s');
  assert.equal(elapsed(null, null, 0), '');
});

test('only https URLs can be opened: never javascript:, data:, file: or http', () => {
  assert.equal(openableUrl('https://replicate.delivery/a/out-0.png'), 'https://replicate.delivery/a/out-0.png');
  for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>1</script>', 'file:///etc/passwd', 'http://example.com/x.png', 'not a url', null]) {
    assert.equal(openableUrl(bad), null, String(bad));
  }
});

test('output kinds and names come from the path or URL', () => {
  assert.equal(outputKind('/d/job/0/output-0.webp'), 'image');
  assert.equal(outputKind('https://replicate.delivery/x/out.mp4?sig=1'), 'video');
  assert.equal(outputKind('a.WAV'), 'audio');
  assert.equal(outputKind('notes.txt'), 'text');
  assert.equal(outputKind('blob'), 'file');
  assert.equal(baseName('C:\\d\\output-1.png'), 'output-1.png');
});

test('first lines are cut with an ellipsis', () => {
  assert.equal(firstLines('a\nb\nc', 2), 'a\nb…');
  assert.equal(firstLines('abc', 6, 2), 'ab…');
  assert.equal(firstLines('  one line'), 'one line');
});

test('pipeline steps are put after what they wait on, with their depth', () => {
  const steps = [
    { id: 'story', depends_on: ['cap'] },
    { id: 'cap', depends_on: ['up'] },
    { id: 'gen', depends_on: [] },
    { id: 'up', depends_on: ['gen'] },
    { id: 'other', depends_on: [] },
  ];
  assert.deepEqual(dependencyOrder(steps).map((s) => s.id), ['gen', 'up', 'cap', 'story', 'other']);
  assert.deepEqual(Object.fromEntries(depths(steps)), { story: 3, cap: 2, up: 1, gen: 0, other: 0 });
  // Bad data (a cycle) still ends.
  assert.equal(dependencyOrder([{ id: 'a', depends_on: ['b'] }, { id: 'b', depends_on: ['a'] }]).length, 2);
});

test('the prompt of an input is its prompt or text; an image URL or a template is not one', () => {
  assert.equal(promptOf({ prompt: 'a fox', seed: 1 }), 'a fox');
  assert.equal(promptOf({ seed: 1, text: 'hello' }), 'hello');
  assert.equal(promptOf({ seed: 1, image: 'https://x/y.png' }), '');
  assert.equal(promptOf({ image: '$gen.urls[0]' }), '');
  assert.equal(promptOf(null), '');
});
