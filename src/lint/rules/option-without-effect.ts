import { ChildIndex, type ConfigNode } from '../../keepalived/parser.js';
import { wordId } from '../../keepalived/words.js';
import type { Rule } from '../types.js';

interface Check {
  block: 'vrrp_instance' | 'virtual_server';
  /** Keywords this check is about. */
  keywords: string[];
  /** True when the keyword has no effect in this block (keepalived then ignores or resets it). */
  applies(has: (keyword: string) => ConfigNode | undefined): boolean;
  why: string;
}

const scheduler = (has: (keyword: string) => ConfigNode | undefined): string | undefined => (has('lvs_sched') ?? has('lb_algo'))?.args[0]?.text;

// Each of these is a keepalived message ("... only applies to ...", "... without ...") for a
// keyword that is accepted but then ignored or reset: the file does not do what it says.
const CHECKS: Check[] = [
  { block: 'vrrp_instance', keywords: ['unicast_src_ip', 'check_unicast_src', 'old_unicast_checksum', 'unicast_ttl'], applies: (has) => !has('unicast_peer'), why: 'has no effect without unicast_peer (keepalived falls back to multicast)' },
  { block: 'vrrp_instance', keywords: ['vmac_xmit_base'], applies: (has) => !has('use_vmac'), why: 'only works with use_vmac' },
  { block: 'vrrp_instance', keywords: ['vrf'], applies: (has) => Boolean(has('interface')), why: 'cannot be combined with interface (keepalived ignores it)' },
  { block: 'virtual_server', keywords: ['hashed', 'sh-port', 'sh-fallback'], applies: (has) => scheduler(has) !== 'sh', why: 'only applies to the sh scheduler' },
  { block: 'virtual_server', keywords: ['mh-port', 'mh-fallback'], applies: (has) => scheduler(has) !== 'mh', why: 'only applies to the mh scheduler' },
  { block: 'virtual_server', keywords: ['ops'], applies: (has) => (has('protocol')?.args[0]?.text ?? '').toUpperCase() !== 'UDP', why: 'one-packet scheduling requires protocol UDP' },
  { block: 'virtual_server', keywords: ['sorry_server_inhibit', 'sorry_server_lvs_method'], applies: (has) => !has('sorry_server'), why: 'has no effect without sorry_server' },
  {
    block: 'virtual_server',
    keywords: ['hysteresis'],
    applies: (has) => Number(has('hysteresis')?.args[0]?.text ?? 0) >= Number(has('quorum')?.args[0]?.text ?? 1),
    why: 'must be below quorum (default 1); keepalived resets it to 0',
  },
];

/** The checks of each block, with the word ids (keepalived/words.ts) of their keywords. */
const BY_BLOCK = new Map<string, (Check & { words: number[] })[]>();
for (const check of CHECKS) {
  const list = BY_BLOCK.get(check.block) ?? [];
  list.push({ ...check, words: check.keywords.map((keyword) => wordId(keyword)) });
  BY_BLOCK.set(check.block, list);
}

export default {
  id: 'option-without-effect',
  severity: 'warning',
  category: 'value',
  description: 'A keyword keepalived accepts but ignores or resets here (unicast options without peers, sh-port without sh, ...).',
  check({ loaded, report }) {
    const syntax = loaded.syntax;
    const index = new ChildIndex(syntax);
    const has = (keyword: string): ConfigNode | undefined => {
      const child = index.get(wordId(keyword));
      return child < 0 ? undefined : syntax.view(child);
    };
    // Only checks whose keywords the file uses at all (most files use none of them).
    const used = new Map<string, (Check & { words: number[] })[]>();
    for (const [block, checks] of BY_BLOCK) {
      const present = checks.filter((check) => syntax.uses(check.words));
      if (present.length > 0) used.set(block, present);
    }
    if (used.size === 0) return;
    for (const block of syntax.top()) {
      const checks = used.get(syntax.keyword(block));
      if (!checks) continue;
      index.of(block);
      for (const check of checks) {
        for (let k = 0; k < check.keywords.length; k += 1) {
          const child = index.get(check.words[k] as number);
          if (child >= 0 && check.applies(has)) report(syntax.position(child), `'${check.keywords[k]}' ${check.why}`);
        }
      }
    }
  },
} satisfies Rule;
