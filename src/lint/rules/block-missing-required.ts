import { KEYWORDS } from '../../keepalived/parser.js';
import { wordId } from '../../keepalived/words.js';
import { childNodes } from '../helpers.js';
import type { Rule } from '../types.js';

/** Top-level blocks keepalived drops when a keyword is missing: block -> any of these keywords. */
const REQUIRED: Record<string, { any: string[]; consequence: string }> = {
  bfd_instance: { any: ['neighbor_ip', 'neighbour_ip'], consequence: 'keepalived disables the BFD instance' },
  vrrp_track_process: { any: ['process'], consequence: 'keepalived cannot track anything' },
  track_file: { any: ['file'], consequence: 'keepalived ignores the track_file' },
  vrrp_track_file: { any: ['file'], consequence: 'keepalived ignores the track_file' },
  garp_group: { any: ['garp_interval', 'gna_interval'], consequence: 'keepalived removes the group (it has no delay)' },
};

const BLOCK_WORDS = Object.keys(REQUIRED).map((keyword) => wordId(keyword));

export default {
  id: 'block-missing-required',
  severity: 'error',
  category: 'value',
  description: 'A block without the keyword it cannot work without (bfd_instance neighbor_ip, vrrp_track_process process, track_file file, garp_group interval).',
  check({ loaded, report }) {
    const syntax = loaded.syntax;
    if (!syntax.uses(BLOCK_WORDS)) return;
    for (const node of syntax.top()) {
      const keyword = syntax.keyword(node);
      const required = Object.hasOwn(REQUIRED, keyword) ? REQUIRED[keyword] : undefined;
      const endLine = syntax.endLine(node);
      if (!required || syntax.kind[node] !== KEYWORDS || endLine === undefined) continue;
      if (childNodes(syntax, node).some((child) => required.any.includes(syntax.keyword(child)))) continue;
      const name = syntax.arg(node, 0);
      report({ file: syntax.file(node), line: syntax.line(node), column: syntax.column(node), endLine }, `${keyword}${name ? ` ${name}` : ''} has no ${required.any.join(' / ')}: ${required.consequence}`);
    }
  },
} satisfies Rule;
