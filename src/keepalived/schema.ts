// The keyword schema of keepalived.conf, read from data/keepalived-keywords-<version>.json
// (the single source of truth for keywords). A schema answers: which keywords a block
// accepts, how many arguments a keyword takes, their numeric ranges and enumerations,
// where a misplaced keyword belongs, and what an unknown keyword was probably meant to be.
// Versions are data: loadSchema('2.2.7') reads one JSON; another version is another file.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wordId } from './words.js';

export const DEFAULT_KEEPALIVED_VERSION = '2.2.7';

export type NumericType = 'uint' | 'int' | 'decimal' | 'timer_seconds';

/** One numeric argument as the JSON describes it; symbolic bounds are resolved on load. */
export interface NumericSpec {
  type: NumericType;
  /** 1-based argument index, or 'index'/'i' when the number follows an option word. */
  arg: number | string;
  min: number;
  max: number;
  decimalPlaces?: number;
}

export interface KeywordSpec {
  /** Index in Schema.specs (stable for the schema's lifetime). */
  id: number;
  keyword: string;
  path: string[];
  /** 'keywords': a {} block of sub-keywords; 'values': a {} block of free-form value lines. */
  block?: 'keywords' | 'values';
  children: Map<string, KeywordSpec>;
  numeric: NumericSpec[];
  args?: string;
  range?: [number, number];
  enum?: string[];
  caseSensitive?: boolean;
  boolArg?: boolean;
  literals?: string[];
  default?: unknown;
  notes?: string;
  required?: boolean;
  maxLen?: number;
  aliasOf?: string;
  manSyntax: string[];
  ifdef: string[];
  /** Smallest number of arguments keepalived insists on (a missing one stops it, exit 2). */
  minArgs: number;
}

interface RawKeyword {
  keyword: string;
  path: string[];
  block?: 'keywords' | 'values';
  children?: RawKeyword[];
  numeric?: { type: NumericType; arg: number | string; min: number | string; max: number | string; decimal_places?: number }[];
  args?: string;
  range?: [number, number];
  enum?: string[];
  case_sensitive?: boolean;
  bool_arg?: boolean;
  string_literals_compared?: string[];
  default?: unknown;
  notes?: string;
  required?: boolean;
  max_len?: number;
  alias_of?: string;
  man_syntax?: string[];
  ifdef?: string[];
}

interface RawSchema {
  keepalived_version: string;
  roots: RawKeyword[];
}

/** Symbolic bounds used in the JSON, as keepalived 2.2.7 defines them. */
const SYMBOLIC_BOUNDS: Record<string, number> = {
  max_priority: 99,
  unbounded: Number.POSITIVE_INFINITY,
  LVS_MAX_TIMEOUT: 2678400,
  BFD_TTL_MAX: 255,
};

function bound(value: number | string, fallback: number): number {
  if (typeof value === 'number') return value;
  return SYMBOLIC_BOUNDS[value] ?? fallback;
}

/** A keyword that keepalived no longer knows (or still reads but warns about), and what replaced it. */
export interface RetiredKeyword {
  keyword: string;
  /** Blocks (last path element) where it used to be valid; '*' for anywhere. */
  blocks: string[];
  status: 'removed' | 'deprecated';
  replacement?: string;
  message: string;
}

/**
 * Retired keywords of 2.2.7. The keyword JSON lists what keepalived accepts; this curated list
 * says what people still write from old how-tos and what to write instead.
 */
const RETIRED_2_2_7: RetiredKeyword[] = [
  { keyword: 'lvs_id', blocks: ['global_defs'], status: 'removed', replacement: 'router_id', message: "'lvs_id' was removed from keepalived; use 'router_id'" },
  { keyword: 'nat_mask', blocks: ['virtual_server', 'real_server'], status: 'removed', message: "'nat_mask' was removed from keepalived and has no effect; delete it" },
  { keyword: 'nb_get_retry', blocks: ['TCP_CHECK', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'host'], status: 'removed', replacement: 'retry', message: "'nb_get_retry' is not a keyword here; use 'retry'" },
  { keyword: 'nb_get_retry', blocks: ['HTTP_GET', 'SSL_GET'], status: 'deprecated', replacement: 'retry', message: "'nb_get_retry' is deprecated; use 'retry'" },
  { keyword: 'lvs_sync_daemon_interface', blocks: ['vrrp_instance'], status: 'deprecated', replacement: 'lvs_sync_daemon', message: "'lvs_sync_daemon_interface' in a vrrp_instance is deprecated; use 'lvs_sync_daemon' in global_defs" },
  { keyword: 'connect_port', blocks: ['url'], status: 'removed', replacement: 'connect_port', message: "'connect_port' belongs in the checker block, not in url" },
  { keyword: 'linkbeat_use_polling', blocks: ['vrrp_instance'], status: 'deprecated', replacement: 'linkbeat_interfaces', message: "'linkbeat_use_polling' in a vrrp_instance is deprecated; use a top-level linkbeat_interfaces block" },
  { keyword: 'vmac_garp_intvl', blocks: ['vrrp_instance'], status: 'deprecated', replacement: 'garp_extra_if', message: "'vmac_garp_intvl' is deprecated; use 'garp_extra_if'" },
  { keyword: 'vrrp_vmac_garp_intvl', blocks: ['global_defs'], status: 'deprecated', replacement: 'vrrp_garp_extra_if', message: "'vrrp_vmac_garp_intvl' is deprecated; use 'vrrp_garp_extra_if'" },
  { keyword: 'global_tracking', blocks: ['vrrp_sync_group'], status: 'deprecated', replacement: 'sync_group_tracking_weight', message: "'global_tracking' is deprecated; use 'sync_group_tracking_weight'" },
];

/**
 * Corrections to the keyword data, each measured against `keepalived -t` 2.2.7 (the data lists
 * these, keepalived disagrees). Kept apart from the JSON so the JSON stays the shared source.
 */
export interface SchemaCorrections {
  /** Paths (block/.../keyword) keepalived rejects as unknown keywords. */
  rejected: string[];
  /** Enumerations the data lacks: path -> accepted words (case-sensitive). */
  enums: Record<string, string[]>;
}

const CORRECTIONS_2_2_7: SchemaCorrections = {
  // MISC_CHECK runs a program: keepalived 2.2.7 rejects the connection keywords there.
  rejected: ['connect_ip', 'connect_port', 'bindto', 'bind_port', 'bind_if', 'connect_timeout', 'fwmark'].map((k) => `virtual_server/real_server/MISC_CHECK/${k}`),
  enums: { 'virtual_server/real_server/lvs_method': ['NAT', 'DR', 'TUN'] },
};

export class Schema {
  readonly version: string;
  /** Top-level keywords. */
  readonly root: Map<string, KeywordSpec>;
  private readonly byName = new Map<string, KeywordSpec[]>();
  private readonly retired: RetiredKeyword[];
  private readonly retiredNames: Set<string>;
  /** Every keyword spec, by id. */
  readonly specs: KeywordSpec[] = [];
  /** Children by word id (words.ts), per spec id; the top level at index specs.length. */
  private readonly childWords: Map<number, KeywordSpec>[] = [];

  constructor(raw: RawSchema, retired: RetiredKeyword[], corrections: SchemaCorrections = { rejected: [], enums: {} }) {
    this.version = raw.keepalived_version;
    this.retired = retired;
    this.retiredNames = new Set(retired.map((r) => r.keyword));
    this.root = this.build(raw.roots);
    this.correct(corrections);
    for (const spec of this.specs) this.childWords.push(byWord(spec.children));
    this.childWords.push(byWord(this.root));
    // Values the lexer should recognise without cutting strings (enumerations, literals).
    for (const spec of this.specs) {
      for (const value of spec.enum ?? []) wordId(value);
      for (const value of spec.literals ?? []) wordId(value);
    }
  }

  /** lookup() by word id (words.ts); -1 finds nothing. */
  lookupWord(parent: KeywordSpec | undefined, word: number): KeywordSpec | undefined {
    if (word < 0) return undefined;
    return this.childWords[parent ? parent.id : this.specs.length]?.get(word);
  }

  private correct(corrections: SchemaCorrections): void {
    const find = (path: string[]): { parent: Map<string, KeywordSpec>; spec: KeywordSpec } | undefined => {
      let parent = this.root;
      for (let i = 0; i < path.length - 1; i += 1) {
        const next = parent.get(path[i] ?? '');
        if (!next) return undefined;
        parent = next.children;
      }
      const spec = parent.get(path[path.length - 1] ?? '');
      return spec ? { parent, spec } : undefined;
    };
    for (const path of corrections.rejected) {
      const found = find(path.split('/'));
      if (!found) continue;
      found.parent.delete(found.spec.keyword);
      const list = this.byName.get(found.spec.keyword) ?? [];
      this.byName.set(found.spec.keyword, list.filter((s) => s !== found.spec));
    }
    for (const [path, words] of Object.entries(corrections.enums)) {
      const found = find(path.split('/'));
      if (!found) continue;
      found.spec.enum = words;
      found.spec.caseSensitive = true;
    }
  }

  private build(raws: RawKeyword[]): Map<string, KeywordSpec> {
    const map = new Map<string, KeywordSpec>();
    for (const raw of raws) {
      // Every field written, in one order, for every keyword: all specs share one hidden class,
      // so the parser's and validator's reads of them stay monomorphic (specs with different
      // optional fields made those reads deoptimise and recompile on a cold VM).
      const spec: KeywordSpec = {
        id: -1,
        keyword: raw.keyword,
        path: raw.path,
        block: raw.block || undefined,
        children: this.build(raw.children ?? []),
        numeric: (raw.numeric ?? []).map((n) => ({
          type: n.type,
          arg: n.arg,
          min: bound(n.min, Number.NEGATIVE_INFINITY),
          max: bound(n.max, Number.POSITIVE_INFINITY),
          decimalPlaces: n.decimal_places,
        })),
        args: raw.args,
        range: raw.range || undefined,
        enum: raw.enum || undefined,
        caseSensitive: raw.case_sensitive,
        boolArg: raw.bool_arg ? true : undefined,
        literals: raw.string_literals_compared || undefined,
        default: raw.default,
        notes: raw.notes || undefined,
        required: raw.required ? true : undefined,
        maxLen: raw.max_len,
        aliasOf: raw.alias_of || undefined,
        manSyntax: raw.man_syntax ?? [],
        ifdef: raw.ifdef ?? [],
        minArgs: 0,
      };
      spec.minArgs = minimumArguments(spec);
      spec.id = this.specs.length;
      this.specs.push(spec);
      // The JSON lists a few keywords twice under one parent (variants); the first wins.
      if (!map.has(spec.keyword)) map.set(spec.keyword, spec);
      const list = this.byName.get(spec.keyword) ?? [];
      list.push(spec);
      this.byName.set(spec.keyword, list);
    }
    return map;
  }

  /** The keywords a block accepts (the top level when parent is undefined). */
  childrenOf(parent: KeywordSpec | undefined): Map<string, KeywordSpec> {
    return parent ? parent.children : this.root;
  }

  lookup(parent: KeywordSpec | undefined, keyword: string): KeywordSpec | undefined {
    return this.childrenOf(parent).get(keyword);
  }

  /** Every place a keyword is valid, as paths of block names ([] = top level). */
  placesOf(keyword: string): string[][] {
    return (this.byName.get(keyword) ?? []).map((spec) => spec.path.slice(0, -1));
  }

  retiredKeyword(keyword: string, parent: KeywordSpec | undefined): RetiredKeyword | undefined {
    if (!this.retiredNames.has(keyword)) return undefined;
    const block = parent?.keyword ?? '';
    return this.retired.find((r) => r.keyword === keyword && (r.blocks.includes(block) || r.blocks.includes('*')));
  }

  /**
   * The keyword of this block the user most likely meant: same letters in another case,
   * or within a small edit distance. Undefined when nothing is close.
   */
  suggest(keyword: string, parent: KeywordSpec | undefined): string | undefined {
    const candidates = [...this.childrenOf(parent).keys()];
    const lower = keyword.toLowerCase();
    const sameCase = candidates.find((c) => c.toLowerCase() === lower);
    if (sameCase) return sameCase;
    let best: string | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    const limit = Math.max(1, Math.min(3, Math.floor(keyword.length / 4)));
    for (const candidate of candidates) {
      if (Math.abs(candidate.length - keyword.length) > limit) continue;
      const distance = editDistance(lower, candidate.toLowerCase());
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return bestDistance <= limit ? best : undefined;
  }
}

function byWord(children: Map<string, KeywordSpec>): Map<number, KeywordSpec> {
  const map = new Map<number, KeywordSpec>();
  for (const [keyword, spec] of children) map.set(wordId(keyword), spec);
  return map;
}

/** How many arguments the manual's first syntax line requires (words outside [...]). */
function minimumArguments(spec: KeywordSpec): number {
  if (spec.boolArg) return 0;
  const numericFirst = spec.numeric.some((n) => n.arg === 1);
  const syntax = spec.manSyntax.find((s) => s.startsWith(`${spec.keyword} `) || s === spec.keyword);
  let count = 0;
  if (syntax !== undefined) {
    // keepalived checks the first argument itself; later ones are per-keyword logic.
    const firstWord = syntax.slice(spec.keyword.length).replace(/#.*$/, '').trim().split(/\s+/)[0] ?? '';
    if (firstWord && !/^[[{|\\.]/.test(firstWord)) count = 1;
  }
  if (spec.args !== undefined && spec.args.trim() !== '' && !spec.args.trim().startsWith('[')) count = Math.max(count, 1);
  if (spec.args !== undefined && (spec.args.trim() === '' || spec.args.trim().startsWith('['))) count = 0;
  if (numericFirst && spec.args === undefined) count = Math.max(count, 1);
  return spec.block ? 0 : count;
}

export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const saved = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min((previous[j] ?? 0) + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = saved;
    }
  }
  return previous[b.length] ?? 0;
}

const moduleDirectory = path.dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, Schema>();

/**
 * Where the data files can be: beside this module (dist/src/keepalived/data), or, when this code
 * runs from the one-file bundle in dist/cli/, in dist/src/... or src/... of the project root.
 */
function dataDirectories(): string[] {
  const directories = [path.join(moduleDirectory, 'data')];
  let directory = moduleDirectory;
  for (let i = 0; i < 6; i += 1) {
    if (existsSync(path.join(directory, 'package.json'))) {
      directories.push(path.join(directory, 'dist', 'src', 'keepalived', 'data'), path.join(directory, 'src', 'keepalived', 'data'));
      break;
    }
    directory = path.dirname(directory);
  }
  return directories;
}

/** Where the keyword JSON of a keepalived version lives (beside the compiled module). */
export function schemaFile(version: string = DEFAULT_KEEPALIVED_VERSION): string {
  const name = `keepalived-keywords-${version}.json`;
  const directories = dataDirectories();
  return directories.map((d) => path.join(d, name)).find((file) => existsSync(file)) ?? path.join(directories[0] ?? moduleDirectory, name);
}

/** The keepalived versions whose keyword JSON is available. */
export function availableVersions(): string[] {
  return [DEFAULT_KEEPALIVED_VERSION];
}

/** The schema of one keepalived version (2.2.7 unless another JSON is supplied). */
export function loadSchema(version: string = DEFAULT_KEEPALIVED_VERSION): Schema {
  const cached = cache.get(version);
  if (cached) return cached;
  const raw = JSON.parse(readFileSync(schemaFile(version), 'utf8')) as RawSchema;
  const schema = version === '2.2.7' ? new Schema(raw, RETIRED_2_2_7, CORRECTIONS_2_2_7) : new Schema(raw, []);
  cache.set(version, schema);
  return schema;
}
