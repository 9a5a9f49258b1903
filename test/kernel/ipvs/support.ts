// Helpers for the IPVS kernel tier (inside user-mode Linux): run ipvsadm and vipctl as a
// user would, reset the table, and refuse to run anywhere but in the UML kernel.
import { spawnSync } from 'node:child_process';
import { projectRoot, vipctlBin } from '../../support/paths.js';

export interface Run {
  stdout: string;
  stderr: string;
  status: number;
}

function run(command: string, args: string[], input?: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, { cwd: projectRoot, encoding: 'utf8', input: input ?? '', maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1', ...env } });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

export const ipvsadm = (args: string[], input?: string): Run => run('ipvsadm', args, input);
export const vipctl = (args: string[], input?: string): Run => run(process.execPath, [vipctlBin, ...args], input);
/** vipctl with the direct routes of bin/run.js turned off: every command through oclif. */
export const vipctlViaOclif = (args: string[], input?: string): Run => run(process.execPath, [vipctlBin, ...args], input, { VIPCTL_NO_DIRECT: '1' });

/** Splits a command line written as in a shell (no quoting needed in these tests). */
export const words = (line: string): string[] => line.split(' ').filter(Boolean);

/** Empties the table and loads rules with ipvsadm itself (the reference). */
export function resetTable(rules: string[]): void {
  const clear = ipvsadm(['-C']);
  if (clear.status !== 0) throw new Error(`ipvsadm -C failed: ${clear.stderr}`);
  if (rules.length === 0) return;
  // One ipvsadm -R is much quicker than a process per rule; on a failure, find the rule.
  const restored = ipvsadm(['-R'], `${rules.join('\n')}\n`);
  if (restored.status === 0 && !restored.stderr) return;
  ipvsadm(['-C']);
  for (const rule of rules) {
    const result = ipvsadm(words(rule));
    if (result.status !== 0) throw new Error(`ipvsadm ${rule}: ${result.stderr}`);
  }
}

/** The kernel tier needs the UML kernel that scripts/uml-run.sh boots (it sets VIPCTL_IN_UML). */
export function requireUml(): void {
  if (process.env.VIPCTL_IN_UML !== '1') {
    throw new Error('kernel-tier test: run inside user-mode Linux (scripts/uml-run.sh --mem 2G -- node --test ...)');
  }
}

/**
 * ipvsadm prints firewall marks above 2^31 as negative numbers and sorts them first;
 * vipctl prints them unsigned and sorts them last (documented fix). These drop such lines
 * so the rest can be compared byte for byte; tests assert the lines themselves separately.
 */
export function withoutBigMarks(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^(FWM {2}(-\d+|\d{10})\b|-[Aa] -f (-\d+|\d{10})\b)/.test(line))
    .join('\n');
}
