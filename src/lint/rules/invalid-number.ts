import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'invalid-number',
  severity: 'error',
  category: 'value',
  description: "A value that is not a decimal number where keepalived expects one (e.g. '150;').",
});
