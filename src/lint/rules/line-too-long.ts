import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'line-too-long',
  severity: 'error',
  category: 'syntax',
  description: 'A physical line of 1023 bytes or more, which keepalived splits into two lines.',
});
