import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'misplaced-keyword',
  severity: 'error',
  category: 'syntax',
  description: 'A keyword that exists, but in another block.',
});
