import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'unbalanced-braces',
  severity: 'error',
  category: 'syntax',
  description: "A block that is never closed, or a '}' that closes nothing.",
});
