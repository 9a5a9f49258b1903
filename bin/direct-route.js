// Loads one direct route of vipctl (src/direct/: `lb ...`, `config lint ...`) from its CommonJS
// bundle with a V8 code cache. Compiling the bundle's code is a large share of a short run's time
// (measured on a 150,000-line lint: ~40 ms of ~300 ms; more inside user-mode Linux), and Node 20
// has no compile cache of its own for it (module.enableCompileCache came in Node 22). The cache
// is written after a run that found none or had it rejected (another Node, other V8 flags), and
// holds the bytecode of every function that run compiled. It is keyed by the bundle's size and
// modification time (whole seconds: user-mode Linux's hostfs shows no more), since V8 itself only
// checks the source's length. VIPCTL_NO_CODE_CACHE=1 runs without it (to compare, or to rule it out).
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const cli = path.join(__dirname, '..', 'dist', 'cli');

/**
 * Runs route NAME's bundle with ARGV; resolves to whether it handled the command line, or to
 * undefined when the bundle is not built (bin/run.js then lets oclif run it).
 */
async function runDirectRoute(name, argv) {
  const bundle = path.join(cli, `direct-${name}.cjs`);
  let source;
  let stat;
  try {
    source = readFileSync(bundle, 'utf8');
    stat = statSync(bundle);
  } catch {
    return undefined;
  }
  const cacheDirectory = path.join(cli, 'cache');
  const prefix = `direct-${name}-`;
  const cacheFile = path.join(cacheDirectory, `${prefix}${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs / 1000)}.bin`);
  const useCache = !process.env.VIPCTL_NO_CODE_CACHE;
  let cachedData;
  try {
    if (useCache) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: this run compiles as usual and leaves one.
  }
  // The same wrapper Node gives a CommonJS module, so the bundle sees require, __filename, ...
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: bundle, cachedData });
  if (useCache && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => saveCache(script, cacheDirectory, prefix, cacheFile));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, cli);
  return module.exports.runDirect(argv);
}

/** Writes the cache at exit (all functions compiled by then), replacing older ones of the route; never fails the run. */
function saveCache(script, directory, prefix, file) {
  try {
    const data = script.createCachedData();
    mkdirSync(directory, { recursive: true });
    for (const old of readdirSync(directory)) if (old.startsWith(prefix)) rmSync(path.join(directory, old), { force: true });
    // Written aside and renamed, so that a run starting meanwhile never reads half a cache.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch {
    // A read-only install or a full disk: run without a cache.
  }
}

module.exports = { runDirectRoute };
