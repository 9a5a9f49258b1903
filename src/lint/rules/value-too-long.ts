import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'value-too-long',
  severity: 'warning',
  category: 'value',
  description: 'A value longer than keepalived uses (auth_pass: only the first 8 characters count).',
});
