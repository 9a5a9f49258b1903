import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'byte-order-mark',
  severity: 'error',
  category: 'syntax',
  description: 'The file starts with a UTF-8 byte-order mark, which keepalived reads as part of the first keyword.',
});
