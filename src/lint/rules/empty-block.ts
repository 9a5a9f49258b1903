import type { Rule } from '../types.js';

// virtual_ipaddress has its own rule (no-virtual-ip); an empty value block elsewhere is at best
// noise and often a leftover (keepalived: "Warning - empty notification_email block").
export default {
  id: 'empty-block',
  severity: 'warning',
  category: 'syntax',
  description: 'A value block with no lines (notification_email, unicast_peer, track_script, ...).',
  check({ loaded, report }) {
    const syntax = loaded.syntax;
    const next = syntax.next;
    for (const node of syntax.valueBlocks) {
      if (next[node] !== node + 1) continue;
      const endLine = syntax.endLine(node);
      const keyword = syntax.keyword(node);
      if (keyword !== 'virtual_ipaddress' && endLine !== undefined) report({ file: syntax.file(node), line: syntax.line(node), column: syntax.column(node), endLine }, `'${keyword}' block is empty: delete it or fill it in`);
    }
  },
} satisfies Rule;
