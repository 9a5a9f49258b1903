import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'removed-keyword',
  severity: 'error',
  category: 'syntax',
  description: 'A keyword keepalived no longer accepts; the message names its replacement.',
});
