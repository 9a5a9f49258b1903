// Bundles the CLI into dist/vipctl.js: oclif, every command and the code they use, in one
// ES module, so start-up reads one file instead of a few hundred (which matters most inside
// user-mode Linux, where each file open crosses hostfs). Commands are listed explicitly
// (oclif's "explicit" discovery) from src/commands/**, found here at build time.
// Heavy, rarely needed packages stay in separate chunks through dynamic import().
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const commandsDir = path.join(root, 'src', 'commands');

function commandFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return commandFiles(full);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

const files = commandFiles(commandsDir).sort();
// Two entries: vipctl.js (oclif and main) starts every run; commands.js (every command and
// the help class) is imported by oclif only when a command runs or help is shown, guided by
// the manifest. So `--version` or a usage error never compiles the commands' code.
const commandsEntry = [
  "export { default as VipctlHelp } from './src/help.ts';",
  ...files.map((file, i) => `import command${i} from './${path.relative(root, file).split(path.sep).join('/')}';`),
  'export const COMMANDS = {',
  ...files.map((file, i) => {
    const id = path.relative(commandsDir, file).replace(/\.ts$/, '').split(path.sep).join(':').replace(/:index$/, '');
    return `  ${JSON.stringify(id)}: command${i},`;
  }),
  '};',
].join('\n');

mkdirSync(path.join(root, 'dist'), { recursive: true });
// Chunk names carry content hashes: start clean so old chunks (and code caches of older
// bundles, see bin/direct-route.js) do not pile up.
rmSync(path.join(root, 'dist', 'cli'), { recursive: true, force: true });
const entriesDir = path.join(root, 'dist', 'cli-entries');
mkdirSync(entriesDir, { recursive: true });
writeFileSync(path.join(entriesDir, 'commands.ts'), commandsEntry.replaceAll("'./src/", "'../../src/"));
writeFileSync(path.join(entriesDir, 'vipctl.ts'), "export { main } from '../../src/cli.ts';\n");
/** What every bundle here shares. */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The addon and package.json are read at run time from their places in the project.
  // typescript/ts-node are only loaded by oclif's development mode, which vipctl never uses.
  external: ['*.node', 'typescript', 'ts-node', 'tsx'],
  logLevel: 'warning',
  legalComments: 'none',
  // Less to read and parse at every start; names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
};
const result = await build({
  ...common,
  entryPoints: { vipctl: path.join(entriesDir, 'vipctl.ts'), commands: path.join(entriesDir, 'commands.ts') },
  splitting: true,
  format: 'esm',
  outdir: path.join(root, 'dist', 'cli'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages inside an ES module bundle need require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __vipctlCreateRequire } from 'node:module';",
      "import { fileURLToPath as __vipctlFileURLToPath } from 'node:url';",
      "import { dirname as __vipctlDirname } from 'node:path';",
      'const require = __vipctlCreateRequire(import.meta.url);',
      'const __filename = __vipctlFileURLToPath(import.meta.url);',
      'const __dirname = __vipctlDirname(__filename);',
    ].join('\n'),
  },
  metafile: true,
});
writeFileSync(path.join(root, 'dist', 'cli', 'meta.json'), JSON.stringify(result.metafile));

// The direct routes of bin/run.js (plain `lb ...` and `config lint ...` without oclif), one
// CommonJS file each: bin/direct-route.js compiles it with a V8 code cache, which Node 20 offers
// for scripts but not for ES modules. One file per route, so that each compiles only its own code.
const direct = {
  ...common,
  format: 'cjs',
  // The sources find their data and the addon from their own place: in this bundle that is the bundle's file.
  define: { 'import.meta.url': '__vipctlImportMetaUrl' },
  banner: { js: "const __vipctlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
for (const route of ['lb', 'lint']) {
  await build({ ...direct, entryPoints: [path.join(root, 'src', 'direct', `${route}-route.ts`)], outfile: path.join(root, 'dist', 'cli', `direct-${route}.cjs`) });
}
// A first lint run writes lint's code cache now rather than at a user's first run: a generated
// file of the kinds lint meets (instances, scripts, virtual servers, checkers). lb's cache is written
// by its first run, which needs a kernel with IPVS.
const generator = path.join(root, 'bench', 'lib', 'config-generate.js');
if (existsSync(generator)) {
  const { generateConfig } = await import(generator);
  const work = mkdtempSync(path.join(tmpdir(), 'vipctl-warm-'));
  try {
    const file = path.join(work, 'keepalived.conf');
    writeFileSync(file, generateConfig(3000).text, { mode: 0o600 });
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'run.js'), 'config', 'lint', file, '--config-id', 'bench', '--format', 'json'], { stdio: 'ignore' });
    if (run.status !== 0 && run.status !== 1) console.warn(`build-cli: the warm-up lint run exited ${run.status}; lint's code cache is left to the first run`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
