// `pnpm bench`: measures each budgeted quantity, prints it beside its budget, exits 1 when one is broken.
import { controllerKinds } from '@greenwave/contracts';
import { cpuHasIntegerDotProduct } from '@greenwave/vision';
import { type Budget, loadBudgets, percentile, withinBudget } from './budgets.ts';
import { type CentreIngestRun, centreIngest } from './centre-ingest.ts';
import { decisionTicksMs } from './decision-tick.ts';
import { detectorLatency } from './detector-latency.ts';
import { visionPipelineFrames } from './vision-pipeline.ts';
import { fieldRoundTrips } from './field-roundtrip.ts';
import { measurementToCabinet } from './measurement-to-cabinet.ts';
import { statusApi } from './status-api.ts';
import { measureTraciSpeed } from './traci-speed.ts';
import { runTwinHour } from './twin-speed.ts';

interface Row {
  measure: string;
  p50: number;
  p99: number;
  budget: Budget;
  ok: boolean;
  note: string;
}

const budgets = new Map(loadBudgets().map((b) => [b.id, b]));
const budget = (id: string) => {
  const b = budgets.get(id);
  if (!b) throw new Error(`bench/budgets.json has no budget "${id}"`);
  return b;
};
const rows: Row[] = [];
/** A row from statistics computed elsewhere (e.g. autocannon's histograms). */
const rowOf = (measure: string, p50: number, p99: number, b: Budget, note: string) => {
  rows.push({ measure, p50, p99, budget: b, ok: withinBudget(b, b.statistic === 'p50' ? p50 : p99), note });
};
const row = (measure: string, values: number[], b: Budget, note: string) => rowOf(measure, percentile(values, 0.5), percentile(values, 0.99), b, note);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const only = process.argv.slice(2).find((a) => a.startsWith('--only='))?.slice('--only='.length);
const want = (id: string) => !only || only.split(',').includes(id);

if (want('twin-hour')) {
  const runs = [];
  for (let i = 1; i <= 3; i++) {
    process.stdout.write(`twin: simulating the city's peak hour, run ${i}/3... `);
    const run = runTwinHour();
    runs.push(run);
    console.log(`${run.wallS.toFixed(2)} s, ${(run.vehicleUpdates / run.wallS / 1e6).toFixed(2)} M vehicle-updates/s, ${run.vehiclesEntered.toLocaleString('en-US')} vehicles`);
  }
  const last = runs.at(-1)!;
  row('twin: 1 h, ' + `${last.intersections} intersections, ${last.vehiclesEntered.toLocaleString('en-US')} vehicles (s)`, runs.map((r) => r.wallS), budget('twin-hour'),
    `${(percentile(runs.map((r) => r.vehicleUpdates / r.wallS), 0.5) / 1e6).toFixed(2)} M vehicle-updates/s`);
}
if (want('decision-tick')) {
  const all: number[] = [];
  const perKind: string[] = [];
  for (const kind of controllerKinds) {
    process.stdout.write(`decision tick: ${kind}, 200 intersections, 600 ticks at the peak... `);
    const samples = decisionTicksMs(kind);
    all.push(...samples);
    perKind.push(`${kind} ${percentile(samples, 0.99).toFixed(2)}`);
    console.log(`p50 ${percentile(samples, 0.5).toFixed(3)} ms, p99 ${percentile(samples, 0.99).toFixed(3)} ms`);
  }
  row('decision tick, 200 intersections (ms)', all, budget('decision-tick'), `p99 by controller: ${perKind.join(', ')}`);
}

if (want('traci-steps')) {
  process.stdout.write('TraCI: SUMO 20x10 grid, 200 lights under max-pressure, 900 steps... ');
  const speed = await measureTraciSpeed();
  console.log(`${speed.stepsPerSecond.toFixed(1)} steps/s`);
  row('TraCI: 200-light SUMO grid under greenwave (steps/s)', [speed.stepsPerSecond], budget('traci-steps'), `${speed.steps} steps after warm-up of the first minute`);
}

for (const protocol of ['modbus', 'opcua'] as const) {
  const id = `field-${protocol}-ack`;
  if (!want(id)) continue;
  process.stdout.write(`field link: 2,000 requests to an emulated cabinet over ${protocol === 'modbus' ? 'Modbus TCP' : 'OPC UA'}... `);
  const samples = await fieldRoundTrips(protocol);
  console.log(`p50 ${percentile(samples, 0.5).toFixed(2)} ms, p99 ${percentile(samples, 0.99).toFixed(2)} ms`);
  row(`request -> cabinet ack, ${protocol === 'modbus' ? 'Modbus TCP' : 'OPC UA'} (ms)`, samples, budget(id), 'stage + heartbeat written through the field driver, loopback');
}

if (want('detector')) {
  // the budget applies to the model the cameras run here (precision auto: int8 where the CPU has integer dot
  // products); the other precision is measured beside it for the note
  const deployed = cpuHasIntegerDotProduct() ? 'int8' : 'float32';
  const other = deployed === 'int8' ? 'float32' : 'int8';
  const ms = (values: number[]) => `p50 ${percentile(values, 0.5).toFixed(1)} ms, p99 ${percentile(values, 0.99).toFixed(1)} ms`;
  for (const [label, size] of [['416 px', undefined], ['576x320 (16:9 cameras)', [576, 320]]] as const) {
    process.stdout.write(`vehicle detector: NanoDet ${label}, 1 thread, 300 frames of a photograph, ${deployed} (this CPU's default) then ${other}... `);
    const run = await detectorLatency(300, 20, size ? [...size] : undefined, deployed);
    const beside = await detectorLatency(300, 20, size ? [...size] : undefined, other);
    console.log(`inference ${ms(run.inferenceMs)}; ${other} ${ms(beside.inferenceMs)}`);
    row(`vehicle detector inference, ${label}, ${deployed}, 1 thread (ms)`, run.inferenceMs, budget('detector-inference'), `${run.frameSize} frame; with scaling, decode and NMS ${ms(run.totalMs)}; ${other} inference ${ms(beside.inferenceMs)}`);
  }
}

if (want('vision-pipeline')) {
  process.stdout.write('camera pipeline: synthetic cameras on a busy junction, 10 s at 5 frames/s each... ');
  const run = await visionPipelineFrames();
  const perCore = run.frameMs.map((ms) => 1000 / ms);
  console.log(`${run.frameMs.length} frames from ${run.cameras} cameras: p50 ${percentile(run.frameMs, 0.5).toFixed(1)} ms/frame = ${(1000 / percentile(run.frameMs, 0.5)).toFixed(1)} frames/s per core`);
  row('camera pipeline: detect + track + measure per core (frames/s)', perCore, budget('vision-pipeline'), `${run.frameMs.length} frames, ${percentile(run.frameMs, 0.5).toFixed(1)} ms p50 / ${percentile(run.frameMs, 0.99).toFixed(1)} ms p99 per frame; the p99 column is the fastest frames`);
}

if (want('measurement-to-cabinet')) {
  process.stdout.write('measurement -> cabinet: small town deployed on loopback (cabinets over Modbus TCP + OPC UA, centre, agents), 40 s: ');
  const run = await measurementToCabinet({ durationS: 40, onProgress: (s) => process.stdout.write(s % 5 === 0 ? `${s} s ` : '') });
  const q = (v: number[]) => `p50 ${percentile(v, 0.5).toFixed(2)} ms, p99 ${percentile(v, 0.99).toFixed(2)} ms (${v.length})`;
  console.log(`... ${q(run.samples)}; Modbus ${q(run.byProtocol.modbus)}, OPC UA ${q(run.byProtocol.opcua)}`);
  row('measurement sent -> cabinet acknowledged its decision (ms)', run.samples, budget('measurement-to-cabinet'),
    `${run.samples.length} decisions from ${run.agents} agents in ${run.measuredS.toFixed(0)} s; p99 Modbus ${percentile(run.byProtocol.modbus, 0.99).toFixed(1)}, OPC UA ${percentile(run.byProtocol.opcua, 0.99).toFixed(1)}${run.localSwitches ? `; ${run.localSwitches} centre losses` : ''}`);
}

if (want('status-api')) {
  for (const path of ['one', 'list'] as const) {
    const what = path === 'one' ? 'GET /api/intersections/:id (one intersection)' : 'GET /api/intersections (all 200)';
    process.stdout.write(`status API: ${what}, 200 intersections live, 10 connections: `);
    const run = await statusApi({ path, connections: 10, durationS: 5, warmupS: 1, onProgress: (phase) => process.stdout.write(`${phase}... `) });
    console.log(`${fmt(run.requestsPerS.mean)} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, ${fmt(run.requests)} requests${run.non2xx + run.errors ? `, ${run.non2xx} non-2xx, ${run.errors} errors` : ''}`);
    const id = path === 'one' ? 'status-api' : 'status-api-list';
    rowOf(`status API: ${what}, 10 connections (req/s)`, run.requestsPerS.p50, run.requestsPerS.p99, budget(id),
      `autocannon's per-second samples over 5 s (mean ${fmt(run.requestsPerS.mean)}, min ${fmt(run.requestsPerS.min)}); ${fmt(run.bodyBytes / 1024, 1)} KB answers, ${run.online}/${run.intersections} agents online`);
    rowOf(`status API: ${what} latency (ms)`, run.latencyMs.p50, run.latencyMs.p99, budget(`${id}-latency`), `max ${run.latencyMs.max} ms; autocannon in a worker thread, centre on this one`);
  }
}

// the disk- and CPU-heavy ingest runs last, so its after-effects (dirty pages, a grown heap) touch no other latency
if (want('centre-ingest')) {
  const runs: CentreIngestRun[] = [];
  for (let i = 1; i <= 3; i++) {
    process.stdout.write(`centre ingest: 200 agents (worker thread) into a centre on SQLite, run ${i}/3: `);
    const run = await centreIngest({ backlog: 300, window: 200, pacedRatePerS: 10_000, pacedS: 5, onProgress: (phase) => process.stdout.write(`${phase}... `) });
    runs.push(run);
    const q = (v: number[]) => `ack p50 ${fmt(percentile(v, 0.5), 1)} ms, p99 ${fmt(percentile(v, 0.99), 1)} ms`;
    console.log(`replay ${fmt(run.replay.messages)} in ${run.replay.wallS.toFixed(2)} s = ${fmt(run.replay.ratePerS)} msg/s (${q(run.replay.ackLatencyMs)}); paced ${fmt(run.paced.ratePerS)} msg/s for ${run.paced.wallS.toFixed(1)} s, ${q(run.paced.ackLatencyMs)}; ${run.batches} commits${run.resends ? `, ${run.resends} resends` : ''}`);
  }
  const last = runs.at(-1)!;
  row(`centre ingest: ${last.agents} agents replay ${fmt(last.replay.messages / last.agents)} measurements each (msg/s)`, runs.map((r) => r.replay.ratePerS), budget('centre-ingest'),
    `${fmt(last.replay.messages)} messages of ~${fmt(last.meanBytes / 1024, 1)} KB per run, window 200 per agent; ${runs.map((r) => `${r.replay.wallS.toFixed(2)} s`).join(', ')} wall; ack p99 ${runs.map((r) => fmt(percentile(r.replay.ackLatencyMs, 0.99))).join(', ')} ms (queueing: ${fmt(last.agents * 200)} in flight)`);
  row(`centre ingest: ${fmt(last.paced.messages / last.paced.wallS)} msg/s steady, sent -> acknowledged (ms)`, runs.flatMap((r) => r.paced.ackLatencyMs), budget('centre-ingest-ack'),
    `${fmt(runs.reduce((n, r) => n + r.paced.messages, 0))} messages over 3 runs, spread over the 200 agents every 10 ms; group commit ${fmt(percentile(runs.flatMap((r) => r.commitMs), 0.99), 1)} ms p99 per batch`);
}

console.log('');
const header = ['measure', 'p50', 'p99', 'budget', 'result'];
const digits = (b: Budget) => (b.unit === 'ms' ? 3 : b.unit === 's' ? 2 : 1);
const body = rows.map((r) => [r.measure, r.p50.toFixed(digits(r.budget)), r.p99.toFixed(digits(r.budget)), `${r.budget.statistic} ${r.budget.max !== undefined ? '<=' : '>='} ${r.budget.max ?? r.budget.min} ${r.budget.unit}`, r.ok ? 'ok' : 'OVER BUDGET']);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
console.log(header.map((h, i) => h.padEnd(widths[i]!)).join('  '));
console.log(widths.map((w) => '─'.repeat(w)).join('  '));
for (const b of body) console.log(b.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '));
for (const r of rows) if (r.note) console.log(`  ${r.measure}: ${r.note}`);
const broken = rows.filter((r) => !r.ok);
if (broken.length > 0) {
  console.log(`\n${broken.length} budget(s) broken: ${broken.map((r) => r.budget.id).join(', ')}`);
  process.exitCode = 1;
}
