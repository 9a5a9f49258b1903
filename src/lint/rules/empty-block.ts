import type { Rule } from '../types.js';
import { forEachNode } from '../helpers.js';

// virtual_ipaddress has its own rule (no-virtual-ip); an empty value block elsewhere is at best
// noise and often a leftover (keepalived: "Warning - empty notification_email block").
export default {
  id: 'empty-block',
  severity: 'warning',
  category: 'syntax',
  description: 'A value block with no lines (notification_email, unicast_peer, track_script, ...).',
  check({ loaded, report }) {
    forEachNode(loaded.tree, (node) => {
      if (node.kind === 'values' && node.children.length === 0 && node.keyword !== 'virtual_ipaddress' && node.end) report({ file: node.file, line: node.line, column: node.column, endLine: node.end.line }, `'${node.keyword}' block is empty: delete it or fill it in`);
    });
  },
} satisfies Rule;
