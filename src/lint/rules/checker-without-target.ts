import type { Rule } from '../types.js';

export default {
  id: 'checker-without-target',
  severity: 'error',
  category: 'lvs',
  description: 'A FILE_CHECK without track_file or a BFD_CHECK without name (keepalived skips the checker).',
  checkerTypes: ['FILE_CHECK', 'BFD_CHECK'],
  checkers({ report }) {
    return (checker, rs) => {
      const type = checker.type;
      if (type === 'FILE_CHECK' && checker.options.track_file === undefined) report(checker.at, `FILE_CHECK for real_server ${rs.address} has no track_file: keepalived ignores it`);
      if (type === 'BFD_CHECK' && checker.options.name === undefined) report(checker.at, `BFD_CHECK for real_server ${rs.address} has no name: keepalived skips it`);
    };
  },
} satisfies Rule;
