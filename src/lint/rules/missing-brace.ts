import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'missing-brace',
  severity: 'error',
  category: 'syntax',
  description: "A block keyword not followed by '{'.",
});
