// Copies data files that live beside the TypeScript sources (JSON schemas, fixtures the
// code reads at run time) into dist/, where the compiled code looks for them.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function copyTree(from, to) {
  for (const entry of readdirSync(from)) {
    const source = path.join(from, entry);
    const target = path.join(to, entry);
    if (statSync(source).isDirectory()) copyTree(source, target);
    else if (/\.(json|txt)$/.test(entry)) {
      mkdirSync(to, { recursive: true });
      cpSync(source, target);
    }
  }
}

copyTree(path.join(root, 'src'), path.join(root, 'dist', 'src'));
