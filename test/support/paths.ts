// Where things are, for tests compiled to dist/test/...: the project root and fixtures.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file runs from dist/test/support/paths.js). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A file under test/fixtures/ (sources, not dist: fixtures are not compiled). */
export function fixture(...parts: string[]): string {
  return path.join(projectRoot, 'test', 'fixtures', ...parts);
}

/** The vipctl entry point, for tests that run the CLI as a user would. */
export const vipctlBin = path.join(projectRoot, 'bin', 'run.js');
