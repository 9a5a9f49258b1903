import type { Rule } from '../types.js';

/** Top-level blocks keepalived drops when a keyword is missing: block -> any of these keywords. */
const REQUIRED: Record<string, { any: string[]; consequence: string }> = {
  bfd_instance: { any: ['neighbor_ip', 'neighbour_ip'], consequence: 'keepalived disables the BFD instance' },
  vrrp_track_process: { any: ['process'], consequence: 'keepalived cannot track anything' },
  track_file: { any: ['file'], consequence: 'keepalived ignores the track_file' },
  vrrp_track_file: { any: ['file'], consequence: 'keepalived ignores the track_file' },
  garp_group: { any: ['garp_interval', 'gna_interval'], consequence: 'keepalived removes the group (it has no delay)' },
};

export default {
  id: 'block-missing-required',
  severity: 'error',
  category: 'value',
  description: 'A block without the keyword it cannot work without (bfd_instance neighbor_ip, vrrp_track_process process, track_file file, garp_group interval).',
  check({ loaded, report }) {
    for (const node of loaded.tree) {
      const required = REQUIRED[node.keyword];
      if (!required || node.kind !== 'keywords' || !node.end) continue;
      if (node.children.some((child) => required.any.includes(child.keyword))) continue;
      const name = node.args[0]?.text;
      report({ file: node.file, line: node.line, column: node.column, endLine: node.end.line }, `${node.keyword}${name ? ` ${name}` : ''} has no ${required.any.join(' / ')}: ${required.consequence}`);
    }
  },
} satisfies Rule;
