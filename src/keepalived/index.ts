// The keepalived.conf reader for the rest of vipctl (vrrp run, the IPVS apply, the linter):
//   const { config, diagnostics } = loadConfig('/etc/keepalived/keepalived.conf', { configId: 'lb1' });
// `config` is the typed model with keepalived 2.2.7's defaults; `diagnostics` are the problems
// found while reading (the linter turns them into findings; other consumers may refuse errors).
export { loadConfig, type LoadedConfig, type LoadOptions } from './load.js';
export type * from './model.js';
export type { Diagnostic, Position, Severity } from './diagnostics.js';
export { DEFAULT_KEEPALIVED_VERSION, availableVersions, loadSchema, type KeywordSpec, type Schema } from './schema.js';
export { defaultConfigId } from './reader.js';
