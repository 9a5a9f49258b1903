import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'deprecated-keyword',
  severity: 'warning',
  category: 'syntax',
  description: 'A keyword keepalived still reads but has deprecated; the message names its replacement.',
});
