import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'unknown-keyword',
  severity: 'error',
  category: 'syntax',
  description: 'A keyword keepalived does not know in this block (keywords are case-sensitive).',
});
