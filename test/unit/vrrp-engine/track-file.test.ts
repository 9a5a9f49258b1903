import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initTrackFile, readTrackFile, trackFileValue, TrackFileWatcher } from '../../../src/vrrp/track-file.js';
import { loadConfig } from '../../../src/keepalived/load.js';

test('track file texts read as C strtol in base 0 reads them (what keepalived 2.2.7 advertised for each)', () => {
  const cases: Array<[string, number]> = [
    ['5', 5], ['-3', -3], ['+4', 4], [' 7\n', 7], ['\t -4', -4], ['0x10', 16], ['0X1f', 31], ['010', 8], ['08', 0],
    ['12abc', 12], ['1.5', 1], ['7 8', 7], ['abc', 0], ['', 0], ['-0', 0], ['0x', 0], ['-', 0],
    ['99999999999999999999', 2147483647], ['-99999999999999999999', -2147483648],
  ];
  for (const [text, value] of cases) assert.equal(trackFileValue(text), value, JSON.stringify(text));
});

test('a missing track file reads as 0; init_file writes only a missing file unless overwrite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-tf-'));
  try {
    const file = path.join(dir, 'v');
    assert.equal(readTrackFile(file), 0);
    assert.equal(initTrackFile(file, 5, false), undefined);
    assert.equal(readFileSync(file, 'utf8'), '5\n');
    assert.equal(initTrackFile(file, 7, false), undefined);
    assert.equal(readTrackFile(file), 5, 'an existing file is kept');
    assert.equal(initTrackFile(file, 7, true), undefined);
    assert.equal(readTrackFile(file), 7, 'overwrite');
    assert.match(initTrackFile(path.join(dir, 'no', 'such'), 1, false) ?? '', /cannot write .*ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the watcher reports each new value: written in place, replaced by a rename, removed', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-tf-'));
  const seen: Array<[string, number]> = [];
  const watcher = new TrackFileWatcher((file, value) => seen.push([path.basename(file), value]), () => {});
  const waitFor = async (count: number): Promise<void> => {
    for (let i = 0; i < 200 && seen.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  try {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    writeFileSync(a, '3');
    assert.equal(watcher.add(a), 3);
    assert.equal(watcher.add(b), 0, 'missing');
    writeFileSync(a, '4');
    await waitFor(1);
    writeFileSync(`${b}.new`, '-9');
    renameSync(`${b}.new`, b);
    await waitFor(2);
    rmSync(a);
    await waitFor(3);
    assert.deepEqual(seen, [['a', 4], ['b', -9], ['a', 0]]);
    assert.equal(watcher.value(b), -9);
  } finally {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the model reads track_file (and vrrp_track_file) blocks and the references to them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-tf-'));
  try {
    const conf = path.join(dir, 'k.conf');
    writeFileSync(
      conf,
      `track_file f1 {
  file "/run/f1"
  weight -2 reverse
  init_file 5 overwrite
}
vrrp_track_file f2 {
  file /run/f2
  init_file
}
vrrp_sync_group G {
  group {
    VI_1
  }
  track_file {
    f2
  }
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  track_file {
    f1 weight 3 noreverse
    f2
  }
}
`,
    );
    const config = loadConfig(conf, { configId: 'x' }).config;
    assert.deepEqual(
      config.trackFiles.map(({ at, ...rest }) => ({ ...rest, line: at.line })),
      [
        { name: 'f1', weight: -2, reverse: true, path: '/run/f1', initFile: { value: 5, overwrite: true }, line: 1 },
        { name: 'f2', weight: 1, reverse: false, path: '/run/f2', initFile: { value: 0, overwrite: false }, line: 6 },
      ],
    );
    assert.deepEqual(config.vrrpInstances[0]?.trackFiles.map((t) => [t.name, t.weight, t.reverse, t.noReverse]), [['f1', 3, false, true], ['f2', undefined, false, undefined]]);
    assert.deepEqual(config.syncGroups[0]?.trackFiles.map((t) => t.name), ['f2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
