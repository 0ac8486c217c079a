// `pnpm bench`: measures each budgeted quantity, prints it beside its budget, exits 1 when one is broken.
import { controllerKinds } from '@greenwave/contracts';
import { type Budget, loadBudgets, percentile, withinBudget } from './budgets.ts';
import { decisionTicksMs } from './decision-tick.ts';
import { fieldRoundTrips } from './field-roundtrip.ts';
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
const row = (measure: string, values: number[], b: Budget, note: string) => {
  const p50 = percentile(values, 0.5);
  const p99 = percentile(values, 0.99);
  rows.push({ measure, p50, p99, budget: b, ok: withinBudget(b, b.statistic === 'p50' ? p50 : p99), note });
};

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
