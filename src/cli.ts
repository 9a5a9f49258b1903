// The CLI's entry inside the bundle (scripts/build-cli.js): runs oclif from the project root.
import { execute } from '@oclif/core';

export async function main(): Promise<void> {
  await execute({ dir: import.meta.url });
}
