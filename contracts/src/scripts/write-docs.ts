// Writes docs/point-map.md from the point map (a test fails when it is stale).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pointMapMarkdown } from '../index.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'point-map.md'), pointMapMarkdown());
console.log('wrote docs/point-map.md');
