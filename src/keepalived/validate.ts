// Value checks driven by the schema: argument counts, numbers (decimal only, ranges), enums
// with their case rules, booleans, deprecated keywords. keepalived's own wording is echoed
// where it helps people match our findings to its log lines.
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { ipFamily, isMulticastText } from './ip-text.js';
import { LEAF, VALUE, VALUES, type ConfigNode, type Syntax } from './parser.js';
import { TEMPLATE_PLACEHOLDER, type Token } from './reader.js';
import { editDistance, type KeywordSpec, type NumericSpec, type Schema } from './schema.js';
import { wordId } from './words.js';

const BOOLEANS = new Set(['on', 'off', 'true', 'false', 'yes', 'no']);

export function hasTemplate(tokens: Token[]): boolean {
  return tokens.some((t) => t.text.includes(TEMPLATE_PLACEHOLDER));
}

/** Parses a number as keepalived does: decimal digits only, optional sign, optional fraction. */
export function parseNumber(text: string, type: NumericSpec['type']): number | undefined {
  const pattern = type === 'uint' ? /^\+?\d+$/ : type === 'int' ? /^[-+]?\d+$/ : /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
  if (!pattern.test(text)) return undefined;
  return Number(text);
}

export function checkNumber(token: Token, spec: NumericSpec, keyword: string): Diagnostic | undefined {
  const value = parseNumber(token.text, spec.type);
  if (value === undefined) {
    if (spec.type === 'uint' && /^-\d+$/.test(token.text)) return diagnostic(token, 'out-of-range', `'${keyword}': negative number '${token.text}' (must be ${describeRange(spec)})`);
    const kind = spec.type === 'uint' || spec.type === 'int' ? 'a whole decimal number' : 'a decimal number';
    return diagnostic(token, 'invalid-number', `'${keyword}': invalid number '${token.text}' (must be ${kind}${spec.min > Number.NEGATIVE_INFINITY ? `, ${describeRange(spec)}` : ''})`);
  }
  const max = spec.type === 'uint' || spec.type === 'int' ? Math.floor(spec.max) : spec.max;
  if (value < spec.min || value > max) return diagnostic(token, 'out-of-range', `'${keyword}': number '${token.text}' outside range ${describeRange(spec)}`);
  if (spec.decimalPlaces !== undefined) {
    const fraction = token.text.split('.')[1] ?? '';
    if (fraction.length > spec.decimalPlaces) return diagnostic(token, 'invalid-number', `'${keyword}': '${token.text}' has more than ${spec.decimalPlaces} decimal places`);
  }
  return undefined;
}

function describeRange(spec: NumericSpec): string {
  const max = spec.max === Number.POSITIVE_INFINITY ? 'unbounded' : String(spec.type === 'uint' || spec.type === 'int' ? Math.floor(spec.max) : spec.max);
  return `[${spec.min}, ${max}]`;
}

function checkNode(node: ConfigNode, parent: KeywordSpec | undefined, schema: Schema, out: Diagnostic[]): void {
  const spec = node.spec;
  if (!spec) return;
  const retired = schema.retiredKeyword(node.keyword, parent);
  if (retired && retired.status === 'deprecated') out.push(diagnostic(node, 'deprecated-keyword', retired.message));
  if (spec.block) {
    if (spec.block === 'keywords') for (const child of node.children) checkNode(child, spec, schema, out);
    else for (const line of node.children) if (!line.keyword.includes(TEMPLATE_PLACEHOLDER) && !hasTemplate(line.args)) checkValueLine(node.keyword, line, out);
    return;
  }
  if (node.keyword === 'mcast_dst_ip' && node.args[0] && ipFamily(node.args[0].text) !== 0 && !isMulticastText(node.args[0].text)) {
    out.push(diagnostic(node.args[0], 'invalid-address', `'mcast_dst_ip': ${node.args[0].text} is not a multicast address`));
    return;
  }
  if (hasTemplate(node.args)) return;
  if (node.args.length < spec.minArgs) {
    out.push(diagnostic(node, 'missing-argument', `'${node.keyword}' needs an argument (${spec.args ?? spec.manSyntax[0] ?? 'see keepalived.conf(5)'}); keepalived stops with exit status 2`));
    return;
  }
  const first = node.args[0];
  if (spec.enum && first) {
    const allowed = spec.enum;
    const ok = spec.caseSensitive === false ? allowed.some((a) => a.toLowerCase() === first.text.toLowerCase()) : allowed.includes(first.text);
    if (!ok) {
      const caseHint = allowed.find((a) => a.toLowerCase() === first.text.toLowerCase());
      const near = allowed.find((a) => editDistance(a.toLowerCase(), first.text.toLowerCase()) <= Math.min(2, Math.floor(a.length / 2)));
      const hint = caseHint ? ` (values are case-sensitive: write '${caseHint}')` : near ? `; did you mean '${near}'?` : '';
      out.push(diagnostic(first, 'invalid-value', `'${node.keyword}': '${first.text}' is not one of ${allowed.join(', ')}${hint}`));
      return;
    }
  }
  const shape = shapeOf(spec);
  if (shape.address && first && !isAddress(first.text)) {
    out.push(diagnostic(first, 'invalid-address', `'${node.keyword}': '${first.text}' is not an IP address`));
    return;
  }
  const boolean = shape.boolean;
  if (spec.args === 'HEX_STR' && first && !/^([0-9a-fA-F]{2})+$/.test(first.text)) {
    out.push(diagnostic(first, 'invalid-value', `'${node.keyword}': '${first.text}' is not a hex string (pairs of hex digits)`));
    return;
  }
  if (boolean && first && !BOOLEANS.has(first.text.toLowerCase()) && !(spec.literals ?? []).includes(first.text)) {
    out.push(diagnostic(first, 'invalid-value', `'${node.keyword}': '${first.text}' is not a boolean (on, off, true, false, yes, no)`));
    return;
  }
  for (const numeric of spec.numeric) {
    if (typeof numeric.arg !== 'number') continue;
    const token = node.args[numeric.arg - 1];
    if (!token) continue;
    // An option word where a number may also stand (vrrp_rx_bufs_policy MTU|ADVERT|NUMBER).
    if (numeric.arg === 1 && (spec.literals ?? []).includes(token.text)) continue;
    if (spec.enum?.includes(token.text)) continue;
    const problem = checkNumber(token, numeric, node.keyword);
    if (problem) {
      out.push(problem);
      return;
    }
  }
  if (spec.maxLen !== undefined && first && first.text.length > spec.maxLen) {
    out.push(diagnostic(first, 'value-too-long', `'${node.keyword}' is ${first.text.length} characters: keepalived uses only the first ${spec.maxLen} ('${first.text.slice(0, spec.maxLen)}')`, 'warning'));
  }
  if (spec.range && spec.args?.startsWith('INT|RANGE')) {
    // status_code 200 301-302 ...: every value or range within the keyword's range, low-high.
    const [low, high] = spec.range;
    for (const token of node.args) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(token.text);
      const from = Number(match?.[1]);
      const to = Number(match?.[2] ?? match?.[1]);
      if (!match || from < low || to > high || from > to) {
        out.push(diagnostic(token, 'out-of-range', `'${node.keyword}': '${token.text}' is not a code or range within ${low}-${high}`));
        return;
      }
    }
    return;
  }
  if (spec.range && first && spec.numeric.length === 0 && !/^[-+]?\d+(\.\d+)?$/.test(first.text) && !(spec.literals ?? []).includes(first.text)) {
    out.push(diagnostic(first, 'invalid-number', `'${node.keyword}': invalid number '${first.text}' (must be within [${spec.range[0]}, ${spec.range[1]}])`));
    return;
  }
  if (spec.range && first && spec.numeric.length === 0 && /^[-+]?\d+$/.test(first.text)) {
    const value = Number(first.text);
    if (value < spec.range[0] || value > spec.range[1]) out.push(diagnostic(first, 'out-of-range', `'${node.keyword}': number '${first.text}' outside range [${spec.range[0]}, ${spec.range[1]}]`));
  }
}

/** An IP address, optionally with a /prefix (keepalived reads and ignores it on peers and sources). */
function isAddress(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return ipFamily(text) !== 0;
  const family = ipFamily(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  return family !== 0 && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Options of an address line (virtual_ipaddress, static_ipaddress): name -> takes a value. */
const ADDRESS_OPTIONS: Record<string, boolean> = {
  brd: true, dev: true, scope: true, label: true, peer: true, track_group: true, preferred_lft: true,
  home: false, '-nodad': false, nodad: false, mngtmpaddr: false, noprefixroute: false, autojoin: false, no_track: false, use_vmac: false,
};
const SCOPES = new Set(['site', 'link', 'host', 'nowhere', 'global']);
/** Weight ranges of the track blocks of a vrrp_instance / sync group. */
const TRACK_WEIGHTS: Record<string, number> = { track_interface: 253, track_script: 253, track_bfd: 253, track_file: 254, track_process: 254 };

/** Checks one line of a value block whose grammar keepalived checks (addresses, tracks, peers). */
function checkValueLine(block: string, line: ConfigNode, out: Diagnostic[]): void {
  const args = line.args;
  if (block === 'virtual_ipaddress' || block === 'virtual_ipaddress_excluded' || block === 'static_ipaddress') {
    for (let i = 0; i < args.length; i += 1) {
      const word = args[i] as Token;
      const takesValue = ADDRESS_OPTIONS[word.text];
      if (takesValue === undefined) {
        out.push(diagnostic(word, 'invalid-value', `'${word.text}' is not an option of an address in ${block} (brd, dev, scope, label, peer, home, -nodad, mngtmpaddr, noprefixroute, autojoin, no_track, use_vmac, track_group, preferred_lft)`));
        return;
      }
      if (!takesValue) continue;
      const value = args[i + 1];
      if (!value) {
        out.push(diagnostic(word, 'missing-argument', `'${word.text}' needs a value (address ${line.keyword} in ${block})`));
        return;
      }
      i += 1;
      if ((word.text === 'brd' || word.text === 'peer') && ipFamily(value.text) === 0 && !(word.text === 'brd' && (value.text === '+' || value.text === '-'))) {
        out.push(diagnostic(value, 'invalid-address', `'${word.text} ${value.text}': not an IP address (keepalived skips the address)`));
        return;
      }
      if (word.text === 'scope' && !SCOPES.has(value.text) && !/^\d+$/.test(value.text)) {
        out.push(diagnostic(value, 'invalid-value', `scope '${value.text}' is not one of ${[...SCOPES].join(', ')}`));
        return;
      }
    }
    return;
  }
  const trackLimit = TRACK_WEIGHTS[block];
  if (trackLimit !== undefined) {
    const index = args.findIndex((a) => a.text === 'weight');
    if (index < 0) return;
    const value = args[index + 1];
    if (!value) {
      out.push(diagnostic(args[index] as Token, 'missing-argument', `'weight' needs a value in ${block}`));
      return;
    }
    const problem = checkNumber(value, { type: 'int', arg: 1, min: -trackLimit, max: trackLimit }, `${block} ${line.keyword} weight`);
    if (problem) out.push(problem);
    return;
  }
  if (block === 'interface_up_down_delays') {
    for (const token of args.slice(0, 2)) {
      const problem = checkNumber(token, { type: 'decimal', arg: 1, min: 0, max: 255 }, `interface_up_down_delays ${line.keyword}`);
      if (problem) {
        out.push(problem);
        return;
      }
    }
    return;
  }
  if (block === 'unicast_peer') {
    if (!isAddress(line.keyword)) {
      out.push(diagnostic(line, 'invalid-address', `unicast_peer '${line.keyword}' is not an IP address (keepalived skips it)`));
      return;
    }
    for (let i = 0; i < args.length; i += 2) {
      const word = args[i] as Token;
      if (word.text !== 'min_ttl' && word.text !== 'max_ttl') {
        out.push(diagnostic(word, 'invalid-value', `'${word.text}' is not an option of a unicast peer (min_ttl, max_ttl)`));
        return;
      }
      const value = args[i + 1];
      if (!value) {
        out.push(diagnostic(word, 'missing-argument', `'${word.text}' needs a value`));
        return;
      }
      const problem = checkNumber(value, { type: 'uint', arg: 1, min: 0, max: 255 }, `unicast_peer ${word.text}`);
      if (problem) {
        out.push(problem);
        return;
      }
    }
  }
}

/** What a keyword's first argument is, worked out once per keyword (not per line). */
const shapes = new WeakMap<KeywordSpec, { address: boolean; boolean: boolean }>();
function shapeOf(spec: KeywordSpec): { address: boolean; boolean: boolean } {
  let shape = shapes.get(spec);
  if (!shape) {
    shape = {
      address: takesAddress(spec),
      boolean: Boolean(spec.boolArg) || /^\[?BOOL\]?$/.test(spec.args ?? '') || spec.manSyntax.some((s) => s.startsWith(`${spec.keyword} <BOOL>`)),
    };
    shapes.set(spec, shape);
  }
  return shape;
}

/** Keywords whose first argument is an IP address (IPADDR in the schema's syntax). */
function takesAddress(spec: KeywordSpec): boolean {
  if (spec.args !== undefined) return /^IPADDR\b/.test(spec.args);
  const syntax = spec.manSyntax[0] ?? '';
  return /^\S+ <(IPADDR|IP ADDRESS)>/.test(syntax);
}

/** Schema checks over the whole tree. */
export function validateTree(nodes: ConfigNode[], schema: Schema): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const node of nodes) checkNode(node, undefined, schema, out);
  return out;
}

/** Value blocks whose lines checkValueLine reads. */
const CHECKED_VALUE_BLOCKS = new Set(['virtual_ipaddress', 'virtual_ipaddress_excluded', 'static_ipaddress', 'interface_up_down_delays', 'unicast_peer', ...Object.keys(TRACK_WEIGHTS)]);
const BOOLEAN_WORDS = new Set([...BOOLEANS].map((word) => wordId(word)));

/**
 * What a keyword's checks need, worked out once per spec: whether a node of it can be accepted
 * by the quick test below (quick: false sends every node of it to checkNode), and the word ids
 * of its enumeration and literals.
 */
interface Plan {
  quick: boolean;
  deprecated: string | undefined;
  enumWords: Set<number> | undefined;
  literalWords: Set<number>;
  boolean: boolean;
  /** Numeric checks on fixed argument positions, with the maximum as checkNumber applies it. */
  numeric: { arg: number; min: number; max: number }[];
  /** For spec.range without numeric checks: the range a plain number must be in. */
  range: [number, number] | undefined;
  checkedValues: boolean;
}

/** Plans by spec id, per schema. */
const schemaPlans = new WeakMap<Schema, (Plan | undefined)[]>();

function planOf(plans: (Plan | undefined)[], spec: KeywordSpec, parent: KeywordSpec | undefined, schema: Schema): Plan {
  let plan = plans[spec.id];
  if (plan) return plan;
  const retired = schema.retiredKeyword(spec.keyword, parent);
  const shape = spec.block ? { address: false, boolean: false } : shapeOf(spec);
  plan = {
    quick:
      !spec.block &&
      spec.keyword !== 'mcast_dst_ip' &&
      !shape.address &&
      spec.args !== 'HEX_STR' &&
      !(spec.range && spec.args?.startsWith('INT|RANGE')) &&
      !(retired && retired.status === 'deprecated'),
    deprecated: retired && retired.status === 'deprecated' ? retired.message : undefined,
    enumWords: spec.enum ? new Set(spec.enum.map((word) => wordId(word))) : undefined,
    literalWords: new Set((spec.literals ?? []).map((word) => wordId(word))),
    boolean: shape.boolean,
    numeric: spec.numeric
      .filter((n) => typeof n.arg === 'number')
      .map((n) => ({ arg: n.arg as number, min: n.min, max: n.type === 'uint' || n.type === 'int' ? Math.floor(n.max) : n.max })),
    range: spec.range && spec.numeric.length === 0 ? spec.range : undefined,
    checkedValues: spec.block === 'values' && CHECKED_VALUE_BLOCKS.has(spec.keyword),
  };
  plans[spec.id] = plan;
  return plan;
}

/**
 * True when checkNode would find nothing wrong with this leaf, decided on word ids and digits
 * without making strings (the common case: a known word or a plain number in range). False
 * means "look closer", not "wrong": the node then goes through checkNode.
 */
function quickValid(syntax: Syntax, n: number, spec: KeywordSpec, plan: Plan): boolean {
  const tokens = syntax.tokens;
  const first = (syntax.tok[n] as number) + 1;
  const end = syntax.argEnd[n] as number;
  const count = end - first;
  // Rewritten tokens (start -1, see tokens.ts) may hold templates: checkNode knows what to do
  // with them. Read from the array: no call per argument while this runs unoptimised.
  const starts = tokens.start;
  for (let t = first; t < end; t += 1) if ((starts[t] as number) < 0) return false;
  if (count < spec.minArgs) return false;
  if (count === 0) return true;
  const firstWord = tokens.word[first] as number;
  if (plan.enumWords && !plan.enumWords.has(firstWord)) return false;
  if (plan.boolean && !BOOLEAN_WORDS.has(firstWord) && !plan.literalWords.has(firstWord)) return false;
  for (let k = 0; k < plan.numeric.length; k += 1) {
    const numeric = plan.numeric[k] as Plan['numeric'][number];
    const t = first + numeric.arg - 1;
    if (t < first || t >= end) continue;
    // A number in range passes whatever its word; an option word where a number may stand
    // (vrrp_rx_bufs_policy MTU|ADVERT|NUMBER) or an enumerated word passes too. The number is
    // tried first: most arguments are numbers, and then no word sets are asked.
    const value = tokens.digits(t);
    if (value >= 0 && value >= numeric.min && value <= numeric.max) continue;
    const word = tokens.word[t] as number;
    if (numeric.arg === 1 && plan.literalWords.has(word)) continue;
    if (plan.enumWords?.has(word)) continue;
    return false;
  }
  if (spec.maxLen !== undefined && tokens.length(first) > spec.maxLen) return false;
  if (plan.range) {
    const value = tokens.digits(first);
    if (value < 0 || value < plan.range[0] || value > plan.range[1]) return false;
  }
  return true;
}

/** Schema checks over the compact tree: what validateTree does, without objects for valid nodes. */
export function validateSyntax(syntax: Syntax): Diagnostic[] {
  const out: Diagnostic[] = [];
  const schema = syntax.schema;
  let plans = schemaPlans.get(schema);
  if (!plans) {
    plans = [];
    schemaPlans.set(schema, plans);
  }
  // One small function per node (V8 optimises it soon; one big loop waited for on-stack
  // replacement); value lines are checked with their block.
  const kinds = syntax.kind;
  for (let n = 0; n < syntax.count; n += 1) if (kinds[n] !== VALUE) validateNode(syntax, n, plans, out);
  return out;
}

function validateNode(syntax: Syntax, n: number, plans: (Plan | undefined)[], out: Diagnostic[]): void {
  const schema = syntax.schema;
  const specId = syntax.spec[n] as number;
  const spec = schema.specs[specId] as KeywordSpec;
  let plan = plans[specId];
  if (plan === undefined) {
    const parentNode = syntax.parent[n] as number;
    plan = planOf(plans, spec, parentNode >= 0 ? syntax.specOf(parentNode) : undefined, schema);
  }
  const kind = syntax.kind[n] as number;
  if (kind === LEAF) {
    if (plan.quick && quickValid(syntax, n, spec, plan)) return;
    const parentNode = syntax.parent[n] as number;
    checkNode(syntax.view(n), parentNode >= 0 ? syntax.specOf(parentNode) : undefined, schema, out);
    return;
  }
  if (plan.deprecated !== undefined) out.push(diagnostic(syntax.position(n), 'deprecated-keyword', plan.deprecated));
  if (kind === VALUES && plan.checkedValues) {
    for (let c = n + 1; c < (syntax.next[n] as number); c = syntax.next[c] as number) {
      const line = syntax.view(c);
      if (!line.keyword.includes(TEMPLATE_PLACEHOLDER) && !hasTemplate(line.args)) checkValueLine(spec.keyword, line, out);
    }
  }
}
