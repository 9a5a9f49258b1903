import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'include-error',
  severity: 'error',
  category: 'syntax',
  description: 'An include that matches no file, cannot be read or loops.',
});
