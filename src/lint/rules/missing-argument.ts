import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'missing-argument',
  severity: 'error',
  category: 'value',
  description: 'A keyword without the argument it needs (keepalived stops with exit status 2).',
});
