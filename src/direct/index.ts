// The direct routes of bin/run.js: command lines that start without oclif, because scripts
// and CI run them often and oclif's start-up was a large part of their time. Each route
// (lb-route.ts, lint-route.ts) is bundled on its own into a CommonJS file that bin/run.js
// loads with a V8 code cache (scripts/build-cli.js, bin/direct-route.js). This module holds
// what the routes share. false from a route: not a direct command line, oclif runs it.
// Nothing here may import oclif.

/** The Node.js versions package.json's engines allow (oclif warns about others, so it runs those). */
function supportedNode(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major === 20 && (minor ?? 0) >= 17;
}

/**
 * Whether a direct route may run at all: not when asked not to (VIPCTL_NO_DIRECT), not on a
 * Node.js version oclif would warn about, not when DEBUG asks for oclif's own debug output.
 */
export function directAllowed(): boolean {
  return !process.env.VIPCTL_NO_DIRECT && supportedNode() && !/(^|,)\s*vipctl/.test(process.env.DEBUG ?? '');
}

/** As oclif does: a reader that stops early (| head) is not an error. */
export function ignoreEarlyReaderExit(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
