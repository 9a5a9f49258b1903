import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'comment-in-value',
  severity: 'warning',
  category: 'syntax',
  description: "A '#' or '!' glued to a value starts a comment and silently cuts the value.",
});
