import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'invalid-value',
  severity: 'error',
  category: 'value',
  description: 'A value that is not one of the words the keyword accepts (case-sensitive where keepalived is).',
});
