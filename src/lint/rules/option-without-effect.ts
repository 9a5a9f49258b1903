import type { ConfigNode } from '../../keepalived/parser.js';
import type { Rule } from '../types.js';

interface Check {
  block: 'vrrp_instance' | 'virtual_server';
  /** Keywords this check is about. */
  keywords: string[];
  /** True when the keyword has no effect in this block (keepalived then ignores or resets it). */
  applies(block: ConfigNode, has: (keyword: string) => ConfigNode | undefined): boolean;
  why: string;
}

const scheduler = (has: (keyword: string) => ConfigNode | undefined): string | undefined => (has('lvs_sched') ?? has('lb_algo'))?.args[0]?.text;

// Each of these is a keepalived message ("... only applies to ...", "... without ...") for a
// keyword that is accepted but then ignored or reset: the file does not do what it says.
const CHECKS: Check[] = [
  { block: 'vrrp_instance', keywords: ['unicast_src_ip', 'check_unicast_src', 'old_unicast_checksum', 'unicast_ttl'], applies: (_b, has) => !has('unicast_peer'), why: 'has no effect without unicast_peer (keepalived falls back to multicast)' },
  { block: 'vrrp_instance', keywords: ['vmac_xmit_base'], applies: (_b, has) => !has('use_vmac'), why: 'only works with use_vmac' },
  { block: 'vrrp_instance', keywords: ['vrf'], applies: (_b, has) => Boolean(has('interface')), why: 'cannot be combined with interface (keepalived ignores it)' },
  { block: 'virtual_server', keywords: ['hashed', 'sh-port', 'sh-fallback'], applies: (_b, has) => scheduler(has) !== 'sh', why: 'only applies to the sh scheduler' },
  { block: 'virtual_server', keywords: ['mh-port', 'mh-fallback'], applies: (_b, has) => scheduler(has) !== 'mh', why: 'only applies to the mh scheduler' },
  { block: 'virtual_server', keywords: ['ops'], applies: (_b, has) => (has('protocol')?.args[0]?.text ?? '').toUpperCase() !== 'UDP', why: 'one-packet scheduling requires protocol UDP' },
  { block: 'virtual_server', keywords: ['sorry_server_inhibit', 'sorry_server_lvs_method'], applies: (_b, has) => !has('sorry_server'), why: 'has no effect without sorry_server' },
  {
    block: 'virtual_server',
    keywords: ['hysteresis'],
    applies: (_b, has) => Number(has('hysteresis')?.args[0]?.text ?? 0) >= Number(has('quorum')?.args[0]?.text ?? 1),
    why: 'must be below quorum (default 1); keepalived resets it to 0',
  },
];

export default {
  id: 'option-without-effect',
  severity: 'warning',
  category: 'value',
  description: 'A keyword keepalived accepts but ignores or resets here (unicast options without peers, sh-port without sh, ...).',
  check({ loaded, report }) {
    for (const block of loaded.tree) {
      const checks = CHECKS.filter((c) => c.block === block.keyword);
      if (checks.length === 0) continue;
      const index = new Map<string, ConfigNode>();
      for (const child of block.children) index.set(child.keyword, child);
      const has = (keyword: string): ConfigNode | undefined => index.get(keyword);
      for (const check of checks) {
        for (const keyword of check.keywords) {
          const node = has(keyword);
          if (node && check.applies(block, has)) report(node, `'${keyword}' ${check.why}`);
        }
      }
    }
  },
} satisfies Rule;
