// Writes contracts/schemas/*.json from the zod schemas (a test fails when they are stale).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemas } from '../index.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(jsonSchemas())) {
  writeFileSync(join(dir, file), text);
  console.log(`wrote contracts/schemas/${file}`);
}
