import type { Rule } from '../types.js';

export default {
  id: 'checker-without-target',
  severity: 'error',
  category: 'lvs',
  description: 'A FILE_CHECK without track_file or a BFD_CHECK without name (keepalived skips the checker).',
  virtualServers({ report }) {
    return (vs) => {
      for (const rs of vs.realServers) {
        for (const checker of rs.checkers) {
          if (checker.type === 'FILE_CHECK' && checker.options.track_file === undefined) report(checker.at, `FILE_CHECK for real_server ${rs.address} has no track_file: keepalived ignores it`);
          if (checker.type === 'BFD_CHECK' && checker.options.name === undefined) report(checker.at, `BFD_CHECK for real_server ${rs.address} has no name: keepalived skips it`);
        }
      }
    };
  },
} satisfies Rule;
