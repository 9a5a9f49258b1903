#!/usr/bin/env node
// vipctl's entry point. Commands load lazily from the oclif manifest.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
