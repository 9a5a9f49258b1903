// One call that reads a keepalived.conf the way keepalived 2.2.7 does and returns everything
// the linter, `config dump` and `vrrp run` need: the syntax tree, the typed model, the source
// lines and every diagnostic (reader, parser, schema checks, model builder), in file order.
import { buildModel } from './build.js';
import type { Diagnostic } from './diagnostics.js';
import type { KeepalivedConfig } from './model.js';
import { parseLines, type ConfigNode } from './parser.js';
import { readConfig, type ReadOptions } from './reader.js';
import type { SourceFiles } from './sources.js';
import { DEFAULT_KEEPALIVED_VERSION, loadSchema, type Schema } from './schema.js';
import { validateTree } from './validate.js';

export interface LoadOptions extends ReadOptions {
  /** Which keyword schema to check against (data/keepalived-keywords-<version>.json). */
  keepalivedVersion?: string;
}

export interface LoadedConfig {
  file: string;
  tree: ConfigNode[];
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
  const parsed = parseLines(read.lines, schema);
  const checked = validateTree(parsed.nodes, schema);
  const model = buildModel(parsed.nodes, read.files, read.configId);
  // A byte-order mark makes keepalived misread the first keyword, so the first block cascades.
  for (const bom of read.diagnostics.filter((d) => d.rule === 'byte-order-mark')) {
    const first = parsed.nodes.find((n) => n.file === bom.file);
    if (first?.end && first.line <= 1) bom.endLine = first.end.line;
  }
  // An unrendered template makes the whole file unusable to keepalived: the finding covers it.
  for (const template of read.diagnostics.filter((d) => d.rule === 'unrendered-template')) {
    const text = read.sources.text(template.file) ?? '';
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > template.line) template.endLine = lines;
  }
  const diagnostics = [...read.diagnostics, ...parsed.diagnostics, ...checked, ...model.diagnostics];
  return { file: read.files[0] ?? file, tree: parsed.nodes, config: model.config, diagnostics, sources: read.sources, templateLines: read.templateLines, schema };
}
