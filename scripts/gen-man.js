// Generates man pages (roff, section 1) from the command definitions in the oclif
// manifest, so --help and man/ never disagree: man/vipctl.1 for the program and one page
// per command (man/vipctl-lb-list.1 ...).
import { readFileSync, writeFileSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));
const manDir = path.join(root, 'man');
const date = process.env.SOURCE_DATE ?? '2026-11-21';

const COMMON_EXIT_CODES = {
  0: 'success',
  2: 'bad command line or unreadable input; nothing was changed',
  70: 'internal error (a bug): run again with --debug and report the output',
};

/** Escapes text for roff: backslashes, leading dots and quotes, hyphens in options. */
function esc(text) {
  return String(text ?? '')
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function render(text, command) {
  return String(text ?? '')
    .replace(/<%= config\.bin %>/g, pkg.oclif.bin)
    .replace(/<%= command\.id %>/g, command?.id.replace(/:/g, ' ') ?? '');
}

function flagSynopsis(name, flag) {
  const names = [flag.char ? `-${flag.char}` : null, `--${name}`].filter(Boolean).join(', ');
  const value = flag.type === 'option' ? ` ${(flag.helpValue ?? name.toUpperCase()).replace(/[<>]/g, '')}` : '';
  return `${names}${value}`;
}

function commandPage(command) {
  const words = command.id.split(':');
  const title = `${pkg.oclif.bin}-${words.join('-')}`;
  const lines = [];
  lines.push(`.TH ${esc(title.toUpperCase())} 1 "${date}" "${pkg.name} ${pkg.version}" "vipctl manual"`);
  lines.push('.SH NAME', `${esc(title)} \\- ${esc(render(command.summary ?? command.description?.split('\n')[0], command))}`);
  const args = Object.values(command.args ?? {}).filter((a) => !a.hidden);
  const synopsisArgs = args.map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`)).join(' ');
  lines.push('.SH SYNOPSIS', `.B ${esc(`${pkg.oclif.bin} ${words.join(' ')}`)}`, `[\\fIOPTIONS\\fR] ${esc(synopsisArgs)}`);
  if (command.description) lines.push('.SH DESCRIPTION', esc(render(command.description, command)).replace(/\n\n/g, '\n.PP\n'));
  if (args.length > 0) {
    lines.push('.SH ARGUMENTS');
    for (const arg of args) lines.push('.TP', `.B ${esc(arg.name.toUpperCase())}`, esc(arg.description ?? ''));
  }
  const flags = Object.entries(command.flags ?? {}).filter(([, f]) => !f.hidden);
  if (flags.length > 0) {
    lines.push('.SH OPTIONS');
    for (const [name, flag] of flags) {
      let text = flag.description ?? flag.summary ?? '';
      if (flag.options) text += ` One of: ${flag.options.join(', ')}.`;
      if (flag.default !== undefined && flag.type === 'option') text += ` Default: ${flag.default}.`;
      lines.push('.TP', `.B ${esc(flagSynopsis(name, flag))}`, esc(render(text, command)));
    }
  }
  const examples = command.examples ?? [];
  if (examples.length > 0) {
    lines.push('.SH EXAMPLES');
    for (const example of examples) {
      const cmd = typeof example === 'string' ? example : example.command;
      const what = typeof example === 'string' ? '' : example.description;
      if (what) lines.push('.PP', esc(render(what, command)));
      lines.push('.PP', '.nf', '.RS 4', esc(render(cmd, command)), '.RE', '.fi');
    }
  }
  const codes = { ...COMMON_EXIT_CODES, ...(command.exitCodes ?? {}) };
  lines.push('.SH EXIT STATUS');
  for (const code of Object.keys(codes).map(Number).sort((a, b) => a - b)) {
    lines.push('.TP', `.B ${code}`, esc(codes[code]));
  }
  if (command.manNotes) lines.push('.SH NOTES', esc(render(command.manNotes, command)).replace(/\n\n/g, '\n.PP\n'));
  lines.push('.SH SEE ALSO', `.BR ${pkg.oclif.bin} (1)`);
  return { file: `${title}.1`, text: `${lines.join('\n')}\n` };
}

function programPage(commands) {
  const lines = [];
  lines.push(`.TH VIPCTL 1 "${date}" "${pkg.name} ${pkg.version}" "vipctl manual"`);
  lines.push('.SH NAME', `vipctl \\- ${esc(pkg.description)}`);
  lines.push('.SH SYNOPSIS', '.B vipctl', '\\fITOPIC\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR]');
  lines.push('.SH DESCRIPTION', esc('vipctl edits the kernel\'s IPVS tables, runs and decodes VRRP, and checks keepalived.conf. Every command takes --json for machine-readable output and --debug for stack traces and raw kernel error codes.'));
  lines.push('.SH TOPICS');
  for (const [topic, { description }] of Object.entries(pkg.oclif.topics)) lines.push('.TP', `.B ${topic}`, esc(description));
  lines.push('.SH COMMANDS');
  for (const command of commands) {
    lines.push('.TP', `.B vipctl ${esc(command.id.replace(/:/g, ' '))}`, esc(render(command.summary ?? '', command)));
  }
  lines.push('.SH EXIT STATUS', esc('Each command documents its exit statuses in its own page and in --help. Common to all:'));
  for (const [code, text] of Object.entries(COMMON_EXIT_CODES)) lines.push('.TP', `.B ${code}`, esc(text));
  lines.push('.SH ENVIRONMENT', '.TP', '.B DEBUG', esc('DEBUG=vipctl* shows stack traces, like --debug.'), '.TP', '.B NO_COLOR', esc('Disables colour.'), '.TP', '.B VIPCTL_NO_DIRECT', esc('The plain forms of lb list, lb save, lb restore and config lint start without the command framework, for speed; VIPCTL_NO_DIRECT=1 runs them through it like every other command (same output; a way to rule the fast start out when reporting a problem).'), '.TP', '.B VIPCTL_NO_CODE_CACHE', esc('Those plain forms run from compiled code cached by an earlier run (in dist/cli/cache of the vipctl directory, written when missing, and by the build for config lint); VIPCTL_NO_CODE_CACHE=1 runs without it (same output, slower start).'), '.TP', '.B NODE_EXTRA_CA_CERTS', esc('vipctl makes no TLS connection, so its command (bin/run.js, through GNU env -S on its first line) starts Node without this variable: Node would otherwise load that CA bundle before any code runs (tens of milliseconds per start). The value is put back before vipctl runs anything, so notify and track scripts see it unchanged. Running node bin/run.js directly skips this and pays the load.'));
  lines.push('.SH SEE ALSO', commands.map((c) => `.BR vipctl\\-${esc(c.id.replace(/:/g, '-'))} (1)`).join(',\n'));
  return `${lines.join('\n')}\n`;
}

const commands = Object.values(manifest.commands)
  .filter((c) => !c.hidden)
  .sort((a, b) => a.id.localeCompare(b.id));
mkdirSync(manDir, { recursive: true });
const written = new Set(['vipctl.1']);
writeFileSync(path.join(manDir, 'vipctl.1'), programPage(commands));
for (const command of commands) {
  const page = commandPage(command);
  writeFileSync(path.join(manDir, page.file), page.text);
  written.add(page.file);
}
// Pages of commands that no longer exist are removed, so man/ always matches the CLI.
for (const file of readdirSync(manDir)) if (file.endsWith('.1') && !written.has(file)) unlinkSync(path.join(manDir, file));
