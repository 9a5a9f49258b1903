// `vipctl vrrp sniff` as a user meets it: errors with their documented exit statuses (unknown
// interface 3, not root 5, unreadable or corrupt file 2 with the byte offset), filters, -c,
// -e, -w, pcapng input, NDJSON, and the summary table on a terminal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, vipctlBin } from '../../support/paths.js';
import { uniqueName } from '../../support/netns.js';
import { compareReadings, ourReading, tcpdumpReading } from '../../unit/vrrp/tcpdump-reading.js';
import { ndjson } from './support.js';

const mixed = fixture('vrrp', 'keepalived-mixed.pcap');

function vipctl(args: string[], options: { prefix?: string[] } = {}): { status: number | null; stdout: string; stderr: string } {
  const command = options.prefix ?? [];
  const result = spawnSync(command[0] ?? process.execPath, [...command.slice(1), ...(command.length > 0 ? [process.execPath] : []), vipctlBin, 'vrrp', 'sniff', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir = '';
let namespace = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vipctl-sniff-cli-'));
  chmodSync(dir, 0o755);
  namespace = uniqueName('vsc');
  spawnSync('ip', ['netns', 'add', namespace]);
});
after(() => {
  spawnSync('ip', ['netns', 'del', namespace]);
  rmSync(dir, { recursive: true, force: true });
});

describe('vrrp sniff: errors and exit statuses', () => {
  it('unknown interface: exit 3', () => {
    const result = vipctl(['-i', 'nosuch0', '-c', '1']);
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stderr, /no such interface: nosuch0/);
  });

  it('not root: exit 5 with a hint', () => {
    const result = vipctl(['-i', 'lo', '-c', '1'], { prefix: ['ip', 'netns', 'exec', namespace, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
    assert.equal(result.status, 5, result.stderr);
    assert.match(result.stderr, /permission denied/);
    assert.match(result.stderr, /root or CAP_NET_RAW/);
  });

  it('a file cut short: the packets before it, then exit 2 naming the byte offset', () => {
    const bytes = readFileSync(mixed);
    const file = path.join(dir, 'cut.pcap');
    writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    const result = vipctl(['-r', file]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /truncated record.* at byte \d+/);
    assert.equal(result.stdout.split('\n').filter((l) => l.includes('VRRPv')).length, 21);
  });

  it('not a capture file, a missing file, a bad --src: exit 2', () => {
    const text = path.join(dir, 'text.pcap');
    writeFileSync(text, 'not a capture\n');
    const notCapture = vipctl(['-r', text]);
    assert.equal(notCapture.status, 2);
    assert.match(notCapture.stderr, /not a pcap or pcapng file .* at byte 0/);
    const missing = vipctl(['-r', path.join(dir, 'missing.pcap')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*no such file/);
    assert.equal(vipctl(['-r', mixed, '--src', 'banana']).status, 2);
    assert.equal(vipctl(['-r', mixed, '-i', 'lo']).status, 2, '-r and -i together');
  });

  it('with --json, an error is one JSON line', () => {
    const result = vipctl(['-r', path.join(dir, 'missing.pcap'), '--json']);
    assert.equal(result.status, 2);
    const line = JSON.parse(result.stdout.trim()) as { error: { message: string; exitCode: number } };
    assert.equal(line.error.exitCode, 2);
  });
});

describe('vrrp sniff: reading files', () => {
  it('--vrid, --src and -c select packets', () => {
    const vrid = ndjson(vipctl(['-r', mixed, '--vrid', '53', '--json']).stdout).filter((l) => l.type === 'packet');
    assert.equal(vrid.length, 10);
    assert.ok(vrid.every((p) => p.vrid === 53));
    const source = ndjson(vipctl(['-r', mixed, '--src', '10.9.0.1', '-c', '3', '--json']).stdout).filter((l) => l.type === 'packet');
    assert.equal(source.length, 3);
    assert.ok(source.every((p) => p.src === '10.9.0.1'));
  });

  it('NDJSON: the contract keys on every packet, a summary last', () => {
    const lines = ndjson(vipctl(['-r', mixed, '--json']).stdout);
    const packets = lines.filter((l) => l.type === 'packet');
    assert.equal(packets.length, 22);
    for (const p of packets) {
      assert.deepEqual(Object.keys(p).slice(0, 12), ['type', 'time', 'src', 'dst', 'ttl', 'version', 'vrid', 'priority', 'authType', 'interval', 'addresses', 'problems']);
    }
    const v3 = packets.find((p) => p.vrid === 53);
    assert.equal(v3?.interval, 50, 'centiseconds');
    assert.equal(packets.find((p) => p.vrid === 51)?.interval, 100, 'v2 1 s as centiseconds');
    const summary = lines.at(-1);
    assert.equal(summary?.type, 'summary');
    assert.ok(Array.isArray(summary?.vrids));
  });

  it('pcapng in, pcap out (-w), and tcpdump reads what we wrote the same way we do', () => {
    const out = path.join(dir, 'out.pcap');
    const result = vipctl(['-r', fixture('vrrp', 'keepalived-mixed.pcapng'), '-w', out, '--vrid', '52']);
    assert.equal(result.status, 0, result.stderr);
    const theirs = tcpdumpReading(out);
    assert.equal(theirs.length, 5);
    compareReadings(ourReading(out), theirs);
  });

  it('-e shows the source MAC and whether it is the virtual MAC', () => {
    const lines = vipctl(['-r', mixed, '-e', '-c', '1']).stdout.split('\n');
    assert.match(lines[0] ?? '', /^\d\d:\d\d:\d\d\.\d{6} [0-9a-f:]{17} \(not vmac\) > 01:00:5e:00:00:12, IP /);
  });

  it('on a terminal the summary is a table', () => {
    const result = spawnSync('script', ['-qec', `${process.execPath} ${vipctlBin} vrrp sniff -r ${mixed}`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /┌/);
    assert.match(result.stdout, /VRID/);
  });
});
