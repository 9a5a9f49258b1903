// Host tier: track_file, side by side with keepalived 2.2.7. Each tool runs one instance of the
// same definition (its own VRID, alone, so MASTER) tracking its own file; the test writes the
// same sequence of texts to both files and reads the priority each tool then advertises from
// one tcpdump capture on the veth. The two must agree, text by text, including the odd ones
// (hexadecimal, octal, trailing junk, empty, missing file, out of range), weights, reverse, and
// FAULT (weight 0 with a non-zero value; a weighted value below -253). And the same comparison
// for how an instance's own track_script weight combines with the vrrp_script's `reverse`.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { runIn, type Running } from '../../support/process.js';
import { sleep, startEngine, stopEngines, until, type RunningEngine } from '../../support/vrrp-engine.js';

let pair: NamespacePair | undefined;
let keepalived: Keepalived | undefined;
let capture: Running | undefined;
const dirs: string[] = [];
async function cleanup(): Promise<void> {
  await stopEngines();
  await keepalived?.stop();
  keepalived = undefined;
  await capture?.stop();
  capture = undefined;
  pair?.cleanup();
  pair = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
afterEach(cleanup);
after(cleanup);

const OURS_VRID = 61;
const THEIRS_VRID = 62;

/** A lone MASTER instance with its own VRID that tracks `tracking` (a track_file or track_script block). */
function instance(vrid: number, iface: string, tracking: string): string {
  return `vrrp_instance VI_1 {
  state MASTER
  interface ${iface}
  virtual_router_id ${vrid}
  priority 100
  advert_int 0.1
  version 3
  virtual_ipaddress {
    192.0.2.${vrid}/32
  }
${tracking}
}
`;
}

function config(vrid: number, iface: string, file: string, definition: string, reference: string): string {
  return `track_file tf {\n  file "${file}"\n${definition}\n}\n${instance(vrid, iface, `  track_file {\n    tf ${reference}\n  }`)}`;
}

/** Writes a text the way operators do (a new file renamed over the old), or removes the file. */
function put(file: string, text: string | null): void {
  if (text === null) {
    rmSync(file, { force: true });
    return;
  }
  writeFileSync(`${file}.new`, text);
  renameSync(`${file}.new`, file);
}

/** The priority of the last advert of a VRID in the capture so far (undefined: none yet). */
function lastPriority(vrid: number): number | undefined {
  const lines = (capture?.stdout() ?? '').split('\n').filter((line) => line.includes(`vrid ${vrid},`));
  const match = /prio (\d+)/.exec(lines[lines.length - 1] ?? '');
  return match ? Number(match[1]) : undefined;
}
const advertCount = (vrid: number): number => (capture?.stdout() ?? '').split('\n').filter((line) => line.includes(`vrid ${vrid},`)).length;

interface Case {
  name: string;
  /** Lines of the track_file block after `file`. */
  definition: string;
  /** What follows the name in the instance's track_file block. */
  reference: string;
  /** Texts written in turn (null: the file is removed), and the priority both must advertise (0: FAULT). */
  steps: Array<[string | null, number]>;
  /** The priority both advertise at start (default 100: the files hold 0). */
  start?: number;
}

const CASES: Case[] = [
  {
    name: 'weight 1: the number as C strtol reads it (hex, octal, junk after it, empty, missing, clamped)',
    definition: '  weight 1',
    reference: '',
    steps: [['5', 105], ['-3', 97], ['abc', 100], [' 7\n', 107], ['0x10', 116], ['010', 108], ['12abc', 112], ['1.5', 101], ['', 100], [null, 100], ['300', 254], ['-253', 1], ['+4', 104]],
  },
  {
    name: 'the instance\'s own weight over the definition\'s, the definition\'s reverse kept',
    definition: '  weight 2 reverse',
    reference: 'weight 3',
    steps: [['3', 91], ['-2', 106]],
  },
  {
    name: 'noreverse in the instance cancels the definition\'s reverse',
    definition: '  weight 2 reverse',
    reference: 'weight 3 noreverse',
    steps: [['3', 109], ['-2', 94]],
  },
  {
    name: 'weight 2 reverse from the definition',
    definition: '  weight 2 reverse',
    reference: '',
    steps: [['3', 94], ['-3', 106]],
  },
  {
    name: 'FAULT: weight 0 with a non-zero value, and a weighted value below -253',
    definition: '  weight 1',
    reference: '',
    steps: [['-254', 0], ['0', 100], ['-253', 1]],
  },
  {
    name: 'init_file 7 overwrite: the file is written at start-up',
    definition: '  weight 1\n  init_file 7 overwrite',
    reference: '',
    start: 107,
    steps: [['0', 100]],
  },
  {
    name: 'FAULT: weight 0 means any non-zero value fails',
    definition: '  weight 0',
    reference: '',
    steps: [['1', 0], ['0', 100], ['-1', 0], ['0', 100]],
  },
];

for (const c of CASES) {
  test(`track_file ${c.name}: vipctl advertises what keepalived advertises`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
    const { a, b } = pair;
    const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-trackfile-'));
    dirs.push(dir);
    const oursFile = path.join(dir, 'ours');
    const theirsFile = path.join(dir, 'theirs');
    put(oursFile, '0');
    put(theirsFile, '0');
    capture = runIn(a, 'tcpdump', ['-i', 'veth0', '-l', '-nn', 'vrrp']);
    await capture.waitFor(/listening on/, 5000);
    keepalived = await startKeepalived(b, config(THEIRS_VRID, 'veth1', theirsFile, c.definition, c.reference));
    const ours: RunningEngine = startEngine(a, config(OURS_VRID, 'veth0', oursFile, c.definition, c.reference));
    const start = c.start ?? 100;
    await until(`both masters advertising priority ${start}`, () => lastPriority(OURS_VRID) === start && lastPriority(THEIRS_VRID) === start, 10_000);
    // vrrp status shows the file's number.
    assert.deepEqual(
      ours.instance().tracked.filter((t) => t.kind === 'file'),
      [{ name: 'tf', kind: 'file', weight: Number(/weight (-?\d+)/.exec(c.reference || c.definition)?.[1]), state: 'ok', value: start - 100 }],
    );
    for (const [text, expected] of c.steps) {
      const label = text === null ? 'the file removed' : JSON.stringify(text);
      put(oursFile, text);
      put(theirsFile, text);
      if (expected === 0) {
        // FAULT: one priority-0 advert, then silence, from both.
        await until(`both in FAULT after ${label}`, () => lastPriority(OURS_VRID) === 0 && lastPriority(THEIRS_VRID) === 0);
        assert.equal(ours.instance().state, 'fault');
        const ourCount = advertCount(OURS_VRID);
        const theirCount = advertCount(THEIRS_VRID);
        await sleep(500);
        assert.equal(advertCount(OURS_VRID), ourCount, 'no adverts from us in FAULT');
        assert.equal(advertCount(THEIRS_VRID), theirCount, 'no adverts from keepalived in FAULT');
        continue;
      }
      // Out of FAULT both wait out Master_Down_Interval as backups before advertising again.
      await until(`both advertising ${expected} after ${label}`, () => lastPriority(OURS_VRID) === expected && lastPriority(THEIRS_VRID) === expected, 8000).catch(() => {
        assert.fail(`after ${label}: keepalived advertises ${String(lastPriority(THEIRS_VRID))}, vipctl ${String(lastPriority(OURS_VRID))}, expected ${expected}`);
      });
      // And it stays so (no late second reading on either side).
      await sleep(300);
      assert.deepEqual([lastPriority(OURS_VRID), lastPriority(THEIRS_VRID)], [expected, expected], `after ${label}`);
    }
  });
}

function scriptConfig(vrid: number, iface: string, reference: string): string {
  const definition = 'global_defs {\n  script_user root\n  enable_script_security\n}\nvrrp_script chk {\n  script "/bin/true"\n  interval 1\n  weight 2 reverse\n}\n';
  return definition + instance(vrid, iface, `  track_script {\n    chk ${reference}\n  }`);
}

// keepalived 2.2.7: the vrrp_script's reverse holds under the instance's own weight (reverse
// written again changes nothing); noreverse cancels it.
for (const [reference, expected] of [['', 98], ['weight 3', 97], ['weight 3 reverse', 97], ['weight 3 noreverse', 103]] as const) {
  test(`track_script "chk ${reference}" with a vrrp_script "weight 2 reverse": both advertise ${expected}`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
    const { a, b } = pair;
    capture = runIn(a, 'tcpdump', ['-i', 'veth0', '-l', '-nn', 'vrrp']);
    await capture.waitFor(/listening on/, 5000);
    keepalived = await startKeepalived(b, scriptConfig(THEIRS_VRID, 'veth1', reference));
    startEngine(a, scriptConfig(OURS_VRID, 'veth0', reference));
    await until(`both advertising ${expected}`, () => lastPriority(OURS_VRID) === expected && lastPriority(THEIRS_VRID) === expected, 10_000).catch(() => {
      assert.fail(`keepalived advertises ${String(lastPriority(THEIRS_VRID))}, vipctl ${String(lastPriority(OURS_VRID))}, expected ${expected}`);
    });
  });
}
