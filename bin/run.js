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
// `lb ...` and `config lint ...` start without oclif when their plain forms are used (see
// src/direct/ and bin/direct-route.js); everything else, or VIPCTL_NO_DIRECT=1, goes through oclif.
const [topic, command] = process.argv.slice(2);
const route = topic === 'lb' ? 'lb' : topic === 'config' && command === 'lint' ? 'lint' : undefined;
const handled =
  route !== undefined &&
  !process.env.VIPCTL_NO_DIRECT &&
  (await (await import('./direct-route.js')).runDirectRoute(route, process.argv.slice(route === 'lb' ? 3 : 4)));
if (!handled) {
  const { main } = await import(bundle);
  await main();
}
