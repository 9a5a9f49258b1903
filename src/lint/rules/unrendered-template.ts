import { diagnosticRule } from '../types.js';

export default diagnosticRule({
  id: 'unrendered-template',
  severity: 'error',
  category: 'template',
  description: 'Jinja, ERB, ${VAR} or placeholder syntax left in the file: it was never rendered.',
});
