import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'unterminated-quote',
  severity: 'warning',
  category: 'syntax',
  description: 'A double quote that is not closed on its line.',
});
