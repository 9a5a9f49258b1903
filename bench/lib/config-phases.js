// Where `config lint` spends its time on one file, phase by phase, in a fresh process (as the
// CLI runs: once, on code V8 has not optimised yet). Run as a script:
//   node bench/lib/config-phases.js FILE [CONFIG_ID]
// Prints one line "phase ms ..." of main-thread CPU time (Linux /proc/thread-self/schedstat, so
// other processes on a loaded machine do not count; wall time elsewhere). Uses the compiled
// modules in dist/src (npx tsc), not the CLI bundle; the lint result is the CLI's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (name) => path.join(root, 'dist', 'src', name);

function threadCpuMs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return performance.now();
  }
}

const [file, configId = 'bench'] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/lib/config-phases.js FILE [CONFIG_ID]');
const phases = [];
let last = threadCpuMs();
const lap = (name) => {
  const now = threadCpuMs();
  phases.push([name, now - last]);
  last = now;
};

const { readConfig } = await import(dist('keepalived/reader.js'));
const { parseTokens } = await import(dist('keepalived/parser.js'));
const { validateSyntax } = await import(dist('keepalived/validate.js'));
const { buildModel } = await import(dist('keepalived/build.js'));
const { loadSchema } = await import(dist('keepalived/schema.js'));
const { lintLoaded } = await import(dist('lint/engine.js'));
lap('import');
const schema = loadSchema();
lap('schema');
const read = readConfig(file, { configId });
lap('read+lex');
const parsed = parseTokens(read.tokens, schema);
lap('parse');
const checked = validateSyntax(parsed.syntax);
lap('validate');
const model = buildModel(parsed.syntax, read.files, read.configId);
lap('model');
const syntax = parsed.syntax;
const loaded = {
  file: read.files[0],
  get tree() {
    return syntax.nodes();
  },
  syntax,
  config: model.config,
  diagnostics: [...read.diagnostics, ...parsed.diagnostics, ...checked, ...model.diagnostics],
  sources: read.sources,
  templateLines: read.templateLines,
  schema,
};
const findings = lintLoaded(loaded);
lap('rules');
const total = phases.reduce((sum, [name, ms]) => (name === 'import' ? sum : sum + ms), 0);
console.log(`${phases.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join('  ')}  (after import: ${total.toFixed(1)} ms; ${read.tokens.count} tokens, ${syntax.count} nodes, ${findings.length} findings)`);
