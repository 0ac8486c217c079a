/**
 * Probe: how well the default detector (NanoDet, COCO) finds the vehicles of synthetic camera frames rendered from a
 * twin run. Not a test: a measurement to judge the synthetic frames' realism (and the detector on them).
 *
 *   tsx vision/src/scripts/probe-synthetic-recall.ts [--scenario small] [--frames 50] [--warmup 420] [--every 4]
 *       [--score 0.3] [--min-visibility 0.6] [--min-height 12] [--out /tmp/probe]
 *
 * Recall per class: a truth vehicle at least `min-visibility` visible and `min-height` px tall counts as found when a
 * detection (any vehicle class) overlaps it with IoU >= 0.5 (greedy, best IoU first); "class ok" also needs the
 * detector's class to match. Detections overlapping no truth box (IoU < 0.3 with every vehicle, even hidden ones)
 * count as false positives.
 *
 * Dev tool: it reads the twin from the simulator package's sources in this checkout (vision does not depend on the
 * simulator).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { ApproachView } from '@greenwave/contracts';
import type * as Simulator from '../../../simulator/src/index.ts';
import type * as ApproachViewModule from '../../../simulator/src/twin/approach-view.ts';
import { createDetector } from '../detect/create-detector.ts';
import type { Box, Detection } from '../detect/detection.ts';
import { intersectionOverUnion } from '../detect/nms.ts';
import { defaultSyntheticCamera, type SyntheticCamera } from '../synthetic/camera.ts';
import { type TruthObject, renderApproach } from '../synthetic/render-approach.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'small' },
    frames: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '420' },
    every: { type: 'string', default: '4' },
    cameras: { type: 'string', default: '5' },
    score: { type: 'string', default: '0.3' },
    'min-visibility': { type: 'string', default: '0.6' },
    'min-height': { type: 'string', default: '12' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    /** Save crops of missed vehicles of this class into --out. */
    misses: { type: 'string' },
  },
});

const sim = (await import(new URL('../../../simulator/src/index.ts', import.meta.url).href)) as typeof Simulator;
const { viewApproach } = (await import(new URL('../../../simulator/src/twin/approach-view.ts', import.meta.url).href)) as typeof ApproachViewModule;

const frames = Number(values.frames);
const minVisibility = Number(values['min-visibility']);
const minHeight = Number(values['min-height']);
const seed = Number(values.seed);
const { scenario, network } = sim.loadScenario(values.scenario!);
const twin = new sim.Twin({ scenario, network });
for (let s = 0; s < Number(values.warmup); s++) twin.step();

// the busiest approaches (vehicles within 60 m of the stop line)
const candidates = twin.junctions.flatMap((junction) =>
  junction.approaches.map((approach) => {
    const view = viewApproach(junction, approach.id, twin.simS, { maxDistanceM: 60 });
    return { junction, approachId: approach.id, busy: view.vehicles.length };
  }),
);
candidates.sort((a, b) => b.busy - a.busy);
const chosen = candidates.slice(0, Number(values.cameras));
const cameras = new Map<string, SyntheticCamera>();
console.log(`after ${twin.simS} s: cameras on ${chosen.map((c) => `${c.junction.id}/${c.approachId} (${c.busy})`).join(', ')}`);

const scoreThreshold = Number(values.score);
// detect lower to see how close the misses come
const detector = await createDetector({ kind: 'nanodet', scoreThreshold: Math.min(0.1, scoreThreshold), intraOpNumThreads: 1 });
const nearMisses: Record<string, number[]> = {};
const classes = ['motorbike', 'car', 'bus', 'truck'] as const;
interface ClassStats {
  eligible: number;
  found: number;
  classOk: number;
  /** Not found as a vehicle but a person box matches it (a rider without the motorbike). */
  asPerson: number;
  /** [found, eligible] by box height: 12-24, 24-48, 48+ px. */
  bySize: [number, number][];
}
const stats = Object.fromEntries(classes.map((c) => [c, { eligible: 0, found: 0, classOk: 0, asPerson: 0, bySize: [[0, 0], [0, 0], [0, 0]] }])) as Record<(typeof classes)[number], ClassStats>;
const sizeBucket = (t: TruthObject) => {
  const h = t.box[3] - t.box[1];
  return h < 24 ? 0 : h < 48 ? 1 : 2;
};
let falsePositives = 0;
let detectionsTotal = 0;
const renderMs: number[] = [];
const confusion = new Map<string, number>();
if (values.out) mkdirSync(values.out, { recursive: true });

let frame = 0;
while (frame < frames) {
  for (let s = 0; s < Number(values.every); s++) twin.step();
  for (const c of chosen) {
    if (frame >= frames) break;
    const view: ApproachView = viewApproach(c.junction, c.approachId, twin.simS, { maxDistanceM: 250 });
    const key = `${c.junction.id}/${c.approachId}`;
    let camera = cameras.get(key);
    if (!camera) cameras.set(key, (camera = defaultSyntheticCamera(view)));
    const started = performance.now();
    const rendered = await renderApproach(view, camera, { seed });
    renderMs.push(performance.now() - started);
    const all = await detector.detect(rendered.frame);
    const detections = all.filter((d) => d.score >= scoreThreshold);
    const vehicles = detections.filter((d) => d.class !== 'person');
    detectionsTotal += vehicles.length;
    const eligible = rendered.truth.filter((t) => t.visibility >= minVisibility && t.box[3] - t.box[1] >= minHeight);
    const matched = match(eligible, vehicles);
    const missed = eligible.filter((t) => !matched.has(t));
    for (const t of missed) {
      const best = Math.max(0, ...all.filter((d) => d.class !== 'person' && intersectionOverUnion(t.box, d.box) >= 0.5).map((d) => d.score));
      (nearMisses[t.class] ??= []).push(Math.round(best * 100) / 100);
    }
    const persons = match(missed, detections.filter((d) => d.class === 'person'), 0.3);
    for (const t of eligible) {
      const s = stats[t.class];
      s.eligible++;
      const bucket = s.bySize[sizeBucket(t)]!;
      bucket[1]++;
      if (persons.has(t)) s.asPerson++;
      const d = matched.get(t);
      if (d) {
        s.found++;
        bucket[0]++;
        if (d.class === t.class) s.classOk++;
        else confusion.set(`${t.class}->${d.class}`, (confusion.get(`${t.class}->${d.class}`) ?? 0) + 1);
      }
    }
    for (const d of vehicles) if (!rendered.truth.some((t) => intersectionOverUnion(t.box, d.box) >= 0.3)) falsePositives++;
    if (values.out && values.misses) {
      for (const t of eligible) {
        if (t.class !== values.misses || matched.has(t)) continue;
        await saveCrop(join(values.out, `miss-${values.misses}-${String(frame).padStart(3, '0')}-${t.id}.png`), rendered.frame, t.box);
      }
    }
    if (values.out && frame < 12) await drawDebug(join(values.out, `frame-${String(frame).padStart(3, '0')}.png`), rendered.frame, eligible, rendered.truth, detections, matched);
    frame++;
  }
}
await detector.close();

renderMs.sort((a, b) => a - b);
console.log(`${frames} frames, render p50 ${renderMs[Math.floor(renderMs.length / 2)]!.toFixed(1)} ms, p90 ${renderMs[Math.floor(renderMs.length * 0.9)]!.toFixed(1)} ms`);
console.log(`eligible: visibility >= ${minVisibility}, box height >= ${minHeight} px; detector score >= ${values.score}, IoU >= 0.5`);
for (const c of classes) {
  const s = stats[c];
  if (s.eligible === 0) continue;
  const sizes = s.bySize.map(([f, e], i) => `${['12-24', '24-48', '48+'][i]} px ${e === 0 ? '-' : (f / e).toFixed(2)} of ${e}`).join(', ');
  console.log(`${c.padEnd(9)} ${String(s.eligible).padStart(5)} objects  recall ${(s.found / s.eligible).toFixed(3)}  with the right class ${(s.classOk / s.eligible).toFixed(3)}  (${sizes}); missed but a person box on it: ${s.asPerson}`);
}
console.log(`vehicle detections ${detectionsTotal}, false positives (IoU < 0.3 with every vehicle) ${falsePositives}`);
for (const [c, scores] of Object.entries(nearMisses)) {
  const below = [0.1, 0.2, 0.25].map((x) => `${scores.filter((v) => v >= x).length} at >= ${x}`).join(', ');
  console.log(`missed ${c}: ${scores.length}; best vehicle score on them: ${below}`);
}
if (confusion.size > 0) console.log('class confusions:', Object.fromEntries(confusion));

/** Greedy one-to-one matching by IoU >= minIou, best pairs first. */
function match(truth: readonly TruthObject[], detections: readonly Detection[], minIou = 0.5): Map<TruthObject, Detection> {
  const pairs: { t: TruthObject; d: Detection; iou: number }[] = [];
  for (const t of truth) for (const d of detections) {
    const iou = intersectionOverUnion(t.box, d.box);
    if (iou >= minIou) pairs.push({ t, d, iou });
  }
  pairs.sort((a, b) => b.iou - a.iou);
  const out = new Map<TruthObject, Detection>();
  const used = new Set<Detection>();
  for (const p of pairs) {
    if (out.has(p.t) || used.has(p.d)) continue;
    out.set(p.t, p.d);
    used.add(p.d);
  }
  return out;
}

async function drawDebug(file: string, image: { data: Buffer; width: number; height: number }, eligible: TruthObject[], truth: TruthObject[], detections: Detection[], matched: Map<TruthObject, Detection>): Promise<void> {
  const rect = (b: Box, colour: string, dash = '') =>
    `<rect x="${b[0]}" y="${b[1]}" width="${b[2] - b[0]}" height="${b[3] - b[1]}" fill="none" stroke="${colour}" stroke-width="1" ${dash ? `stroke-dasharray="${dash}"` : ''}/>`;
  const parts = [
    ...truth.filter((t) => !eligible.includes(t)).map((t) => rect(t.box, '#888888', '2,2')),
    ...eligible.map((t) => rect(t.box, matched.has(t) ? '#00ff00' : '#ff0000')),
    ...detections.map((d) => rect(d.box, d.class === 'person' ? '#ff00ff' : '#ffff00', '4,2')),
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">${parts.join('')}</svg>`;
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toFile(file);
}

async function saveCrop(file: string, image: { data: Buffer; width: number; height: number }, box: Box): Promise<void> {
  const pad = 0.5 * Math.max(box[2] - box[0], box[3] - box[1]);
  const left = Math.max(0, Math.floor(box[0] - pad));
  const top = Math.max(0, Math.floor(box[1] - pad));
  const width = Math.min(image.width, Math.ceil(box[2] + pad)) - left;
  const height = Math.min(image.height, Math.ceil(box[3] + pad)) - top;
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize({ width: width * 4, height: height * 4, kernel: 'nearest' })
    .png()
    .toFile(file);
}
