import type { Rule } from '../types.js';

export default {
  id: 'misc-check-without-path',
  severity: 'error',
  category: 'lvs',
  description: 'A MISC_CHECK without misc_path (keepalived skips the checker).',
  checkerTypes: ['MISC_CHECK'],
  checkers({ report }) {
    return (checker, rs) => {
      if (checker.type === 'MISC_CHECK' && !checker.miscPath) report(checker.at, `MISC_CHECK for real_server ${rs.address} has no misc_path: keepalived skips it, so the real server is never checked`);
    };
  },
} satisfies Rule;
