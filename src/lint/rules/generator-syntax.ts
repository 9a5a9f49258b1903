import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'generator-syntax',
  severity: 'error',
  category: 'syntax',
  description: 'A ~SEQ / ~SEQx / ~LST generator with malformed arguments.',
});
