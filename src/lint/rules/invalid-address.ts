import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'invalid-address',
  severity: 'error',
  category: 'value',
  description: 'An IP address, prefix or range keepalived cannot parse.',
});
