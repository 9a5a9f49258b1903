import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'unexpected-brace',
  severity: 'error',
  category: 'syntax',
  description: "A '{' where no block can open (keepalived ignores it and mis-nests what follows).",
});
