#!/usr/bin/env node
// vipctl's entry point: the whole CLI is one bundled module (scripts/build-cli.js), so
// start-up reads a single file.
import { existsSync, statSync } from 'node:fs';

const bundle = new URL('../dist/cli/vipctl.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('vipctl: the CLI is not built; run `npm ci` (or `npm run build`) in the vipctl directory\n');
  process.exit(70);
}
// In a development checkout, say so when the bundle is older than the compiled sources.
const sources = new URL('../dist/src/commands', import.meta.url);
if (existsSync(sources) && statSync(sources).mtimeMs > statSync(bundle).mtimeMs + 1000) {
  process.stderr.write('vipctl: note: dist/cli is older than dist/src; run `npm run build:cli` to pick up changes\n');
}
// The plain forms of `lb list`, `lb save`, `lb restore` and `config lint` start without
// oclif (see src/direct/); everything else, or VIPCTL_NO_DIRECT=1, goes through oclif.
const direct = new URL('../dist/cli/direct.js', import.meta.url);
const handled =
  (process.argv[2] === 'lb' || process.argv[2] === 'config') && !process.env.VIPCTL_NO_DIRECT && existsSync(direct) && (await (await import(direct)).runDirect(process.argv.slice(2)));
if (!handled) {
  const { main } = await import(bundle);
  await main();
}
