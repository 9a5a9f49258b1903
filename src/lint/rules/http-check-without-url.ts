import type { Rule } from '../types.js';

// keepalived 2.2.7 -t crashes (SIGSEGV, exit 139) on this; the daemon ignores the checker.
export default {
  id: 'http-check-without-url',
  severity: 'error',
  category: 'lvs',
  description: 'An HTTP_GET or SSL_GET checker without any url block.',
  checkerTypes: ['HTTP_GET', 'SSL_GET'],
  checkers({ report }) {
    return (checker, rs) => {
      const type = checker.type;
      if ((type === 'HTTP_GET' || type === 'SSL_GET') && checker.urls.length === 0) {
        report(checker.at, `${type} for real_server ${rs.address} has no url { path ... }: the checker is ignored (and keepalived 2.2.7 -t crashes on it)`);
      }
    };
  },
} satisfies Rule;
