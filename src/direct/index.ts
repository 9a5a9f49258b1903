// The direct routes of bin/run.js: command lines that start without oclif, because scripts
// and CI run them often and oclif's start-up was a large part of their time. Each topic's
// module is loaded only when its topic is asked for (the bundle keeps them in separate
// chunks). false: not a direct command line, oclif runs it. Nothing here may import oclif.

/** The Node.js versions package.json's engines allow (oclif warns about others, so it runs those). */
function supportedNode(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major === 20 && (minor ?? 0) >= 17;
}

/** Runs `vipctl ARGV...` directly when it is one of the direct command lines. */
export async function runDirect(argv: string[]): Promise<boolean> {
  if (process.env.VIPCTL_NO_DIRECT || !supportedNode() || /(^|,)\s*vipctl/.test(process.env.DEBUG ?? '')) return false;
  const [topic, command, ...args] = argv;
  const lb = topic === 'lb';
  const lint = topic === 'config' && command === 'lint';
  if (!lb && !lint) return false;
  // As oclif does: a reader that stops early (| head) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  if (lb) return (await import('./lb.js')).runDirectLb([command ?? '', ...args]);
  return (await import('./lint.js')).runDirectLint(args);
}
