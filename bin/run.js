#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS VIPCTL_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// vipctl's entry point: the whole CLI is one bundled module (scripts/build-cli.js), so
// start-up reads a single file. This file is CommonJS (bin/package.json), see there why.
//
// The first line starts Node without NODE_EXTRA_CA_CERTS. Node 20 reads that CA bundle before it
// runs any code (a 220 KB bundle: ~50-80 ms of every start here), and vipctl makes no TLS
// connection. The value is carried over in VIPCTL_EXTRA_CA_CERTS and put back below, so the
// programs vipctl starts (notify scripts, track scripts) see the environment they were given.
// (GNU env 8.30 or later for -S; `node bin/run.js` skips this line and just pays the cost.)
const carriedCaCerts = process.env.VIPCTL_EXTRA_CA_CERTS;
if (carriedCaCerts !== undefined) {
  delete process.env.VIPCTL_EXTRA_CA_CERTS;
  if (carriedCaCerts !== '') process.env.NODE_EXTRA_CA_CERTS = carriedCaCerts;
}
const { existsSync, statSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const bundle = path.join(__dirname, '..', 'dist', 'cli', 'vipctl.js');
if (!existsSync(bundle)) {
  process.stderr.write('vipctl: the CLI is not built; run `npm ci` (or `npm run build`) in the vipctl directory\n');
  process.exit(70);
}
// In a development checkout, say so when the bundle is older than the compiled sources.
const sources = path.join(__dirname, '..', 'dist', 'src', 'commands');
if (existsSync(sources) && statSync(sources).mtimeMs > statSync(bundle).mtimeMs + 1000) {
  process.stderr.write('vipctl: note: dist/cli is older than dist/src; run `npm run build:cli` to pick up changes\n');
}

async function run() {
  // `lb ...` and `config lint ...` start without oclif when their plain forms are used (see
  // src/direct/ and bin/direct-route.js); everything else, or VIPCTL_NO_DIRECT=1, goes through oclif.
  const [topic, command] = process.argv.slice(2);
  const route = topic === 'lb' ? 'lb' : topic === 'config' && command === 'lint' ? 'lint' : undefined;
  const handled =
    route !== undefined &&
    !process.env.VIPCTL_NO_DIRECT &&
    (await require('./direct-route.js').runDirectRoute(route, process.argv.slice(route === 'lb' ? 3 : 4)));
  if (!handled) {
    const { main } = await import(pathToFileURL(bundle).href);
    await main();
  }
}

run().catch((error) => {
  // Commands report their own errors; this is only reached by a bug in the start-up itself.
  process.stderr.write(`vipctl: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 70;
});
