/**
 * Measures detector latency on one image, decoded once and fed as a raw RGB frame (as a camera pipeline does).
 *   tsx vision/src/scripts/measure-detector.ts [--image PATH] [--runs 200] [--threads 1] [--warmup 10] [--input WxH] [--precision float32|int8]
 * Prints p50 / p99 / max for preprocessing, inference, postprocessing and the whole call (wall clock), and the
 * process CPU time per call: on a busy machine the wall clock includes waiting for a core, the CPU time does not.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createDetector } from '../detect/create-detector.ts';
import type { DetectionTimings } from '../detect/detector.ts';

const { values } = parseArgs({
  options: {
    image: { type: 'string', default: '/usr/share/doc/opencv-doc/opencv4/html/pexels_double_decker_bus.jpg' },
    runs: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '10' },
    threads: { type: 'string', default: '1' },
    input: { type: 'string', default: '416x416' },
    precision: { type: 'string', default: 'float32' },
  },
});

const runs = Number(values.runs);
const warmup = Number(values.warmup);
const threads = Number(values.threads);
// libvips (resize) on one thread too, so the numbers are per core
sharp.concurrency(1);

const { data, info } = await sharp(values.image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const frame = { data, width: info.width, height: info.height };
const size = /^(\d+)x(\d+)$/.exec(values.input);
if (size === null || (values.precision !== 'float32' && values.precision !== 'int8')) {
  console.error('measure-detector: --input WIDTHxHEIGHT (e.g. 576x320), --precision float32 or int8');
  process.exit(2);
}
const inputSize: [number, number] = [Number(size[1]), Number(size[2])];
const detector = await createDetector({ kind: 'nanodet', intraOpNumThreads: threads, inputSize, precision: values.precision });
const samples: Array<DetectionTimings & { totalMs: number; cpuMs: number }> = [];
for (let run = 0; run < warmup + runs; run += 1) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await detector.run(frame);
  const cpu = process.cpuUsage(cpuBefore);
  const totalMs = performance.now() - started;
  if (run >= warmup) samples.push({ ...result.timings, totalMs, cpuMs: (cpu.user + cpu.system) / 1000 });
}
await detector.close();

const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
const rows = (['preprocessMs', 'inferenceMs', 'postprocessMs', 'totalMs', 'cpuMs'] as const).map((key) => {
  const sorted = samples.map((sample) => sample[key]).sort((a, b) => a - b);
  return { stage: key.replace('Ms', ''), p50: percentile(sorted, 0.5).toFixed(2), p99: percentile(sorted, 0.99).toFixed(2), max: (sorted.at(-1) as number).toFixed(2) };
});
console.log(`NanoDet ${values.input} ${values.precision}, ${threads} intra-op thread(s), ${runs} runs after ${warmup} warm-up, frame ${info.width}x${info.height} raw RGB`);
console.log(`load average at the end: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
console.table(rows);
