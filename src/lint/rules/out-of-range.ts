import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'out-of-range',
  severity: 'error',
  category: 'value',
  description: 'A number outside the range keepalived accepts for that keyword.',
});
