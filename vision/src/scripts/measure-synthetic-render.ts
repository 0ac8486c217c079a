/**
 * Measures synthetic frame rendering on a busy approach (by default 3 lanes queued back 70 m, ~80% motorbikes two
 * abreast: ~85 vehicles in view).
 *   tsx vision/src/scripts/measure-synthetic-render.ts [--runs 100] [--width 640] [--height 360] [--jpeg 80]
 *       [--lanes 3] [--queue 70]   (queue length in m on every lane)
 * Prints p50 / p90 of drawing (street, shadows, vehicles, truth), degrading (blur, noise, JPEG) and the whole call.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { busyApproach } from '../synthetic/busy-approach.ts';
import { defaultSyntheticCamera } from '../synthetic/camera.ts';
import { renderApproach } from '../synthetic/render-approach.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '360' },
    jpeg: { type: 'string', default: '80' },
    lanes: { type: 'string', default: '3' },
    queue: { type: 'string', default: '70' },
  },
});
sharp.concurrency(1);

const runs = Number(values.runs);
const width = Number(values.width);
const height = Number(values.height);
const lanes = Number(values.lanes);
const queueM = Number(values.queue);
const camera = defaultSyntheticCamera(busyApproach(0, lanes, queueM), { width, height });
const draw: number[] = [];
const degrade: number[] = [];
const total: number[] = [];
const cpu: number[] = [];
let truthCount = 0;
for (let run = 0; run < runs + 5; run++) {
  const view = busyApproach(run, lanes, queueM);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const frame = await renderApproach(view, camera, { seed: 1, jpegQuality: Number(values.jpeg) });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpuStarted);
  if (run < 5) continue; // warm-up (the first frame also draws the street background)
  draw.push(frame.timings.drawMs);
  degrade.push(frame.timings.degradeMs);
  total.push(ms);
  cpu.push((used.user + used.system) / 1000);
  truthCount += frame.truth.length;
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
console.log(`${width}x${height}, ${busyApproach(0, lanes, queueM).vehicles.length} vehicles on the approach, ${(truthCount / runs).toFixed(0)} in view per frame, ${runs} frames`);
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
console.table([
  { stage: 'draw', p50: pct(draw, 0.5), p90: pct(draw, 0.9) },
  { stage: 'degrade', p50: pct(degrade, 0.5), p90: pct(degrade, 0.9) },
  { stage: 'total', p50: pct(total, 0.5), p90: pct(total, 0.9) },
  { stage: 'total CPU time', p50: pct(cpu, 0.5), p90: pct(cpu, 0.9) },
]);
