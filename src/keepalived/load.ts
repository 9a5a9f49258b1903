// One call that reads a keepalived.conf the way keepalived 2.2.7 does and returns everything
// the linter, `config dump` and `vrrp run` need: the syntax tree, the typed model, the source
// lines and every diagnostic (reader, parser, schema checks, model builder), in file order.
import { buildModel } from './build.js';
import type { Diagnostic } from './diagnostics.js';
import type { KeepalivedConfig } from './model.js';
import { parseTokens, type ConfigNode, type Syntax } from './parser.js';
import { readConfig, type ReadOptions } from './reader.js';
import type { SourceFiles } from './sources.js';
import { DEFAULT_KEEPALIVED_VERSION, loadSchema, type Schema } from './schema.js';
import { validateSyntax } from './validate.js';

export interface LoadOptions extends ReadOptions {
  /** Which keyword schema to check against (data/keepalived-keywords-<version>.json). */
  keepalivedVersion?: string;
}

export interface LoadedConfig {
  file: string;
  /** The syntax tree as objects (made on first use from `syntax`). */
  readonly tree: ConfigNode[];
  /** The compact syntax tree (what the linter's rules walk). */
  syntax: Syntax;
  config: KeepalivedConfig;
  diagnostics: Diagnostic[];
  sources: SourceFiles;
  /** Lines holding unrendered template text, per file. */
  templateLines: Map<string, Set<number>>;
  schema: Schema;
}

/** Reads, parses, validates and models one configuration. Throws only if the main file is unreadable. */
export function loadConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  const schema = loadSchema(options.keepalivedVersion ?? DEFAULT_KEEPALIVED_VERSION);
  const read = readConfig(file, options);
  const parsed = parseTokens(read.tokens, schema);
  const syntax = parsed.syntax;
  const checked = validateSyntax(syntax);
  const model = buildModel(syntax, read.files, read.configId);
  // A byte-order mark makes keepalived misread the first keyword, so the first block cascades.
  for (const bom of read.diagnostics.filter((d) => d.rule === 'byte-order-mark')) {
    const first = syntax.top().find((n) => syntax.file(n) === bom.file);
    const endLine = first === undefined ? undefined : syntax.endLine(first);
    if (first !== undefined && endLine !== undefined && syntax.line(first) <= 1) bom.endLine = endLine;
  }
  // An unrendered template makes the whole file unusable to keepalived: the finding covers it.
  for (const template of read.diagnostics.filter((d) => d.rule === 'unrendered-template')) {
    const text = read.sources.text(template.file) ?? '';
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > template.line) template.endLine = lines;
  }
  const diagnostics = [...read.diagnostics, ...parsed.diagnostics, ...checked, ...model.diagnostics];
  return {
    file: read.files[0] ?? file,
    get tree() {
      return syntax.nodes();
    },
    syntax,
    config: model.config,
    diagnostics,
    sources: read.sources,
    templateLines: read.templateLines,
    schema,
  };
}
