import { readFileSync } from 'node:fs';
import { FieldCity, RealtimeHost, Twin, freePortBlock, loadScenario } from '@greenwave/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commission, driverFor, reportMarkdown } from '../src/index.ts';

// The small town with every cabinet served over Modbus TCP or OPC UA, the twin running at 10x behind them.
describe('commissioning against emulated cabinets', () => {
  const { scenario, network } = loadScenario('small');
  let twin: Twin;
  let city: FieldCity;
  let host: RealtimeHost;

  beforeAll(async () => {
    // busier than the demo so that every lane of the chosen cabinets sees vehicles within the detector watch
    twin = new Twin({ scenario: { ...scenario, demand: { ...scenario.demand, peakVehiclesPerHour: 8000 } }, network, signalClock: 'external' });
    // traffic on every approach before the technician arrives
    for (let s = 0; s < 600; s++) {
      for (const j of twin.junctions) j.cabinet.advance(1000);
      twin.step();
    }
    const basePort = await freePortBlock();
    city = await FieldCity.start(twin, { protocol: 'mixed', basePort, testMode: true });
    host = new RealtimeHost(twin, 10);
    host.start();
  }, 60_000);
  afterAll(async () => {
    host?.stop();
    await city?.close();
  });

  // the cabinet whose quietest lane is busiest (a quiet lane may honestly see no vehicle during the watch)
  const quietest = (id: string) => Math.min(...twin.junctions.find((j) => j.id === id)!.approaches.flatMap((a) => a.lanes.map((l) => l.totalCount)));
  const device = (protocol: 'modbus' | 'opcua') => city.devices.filter((d) => d.protocol === protocol).sort((a, b) => quietest(b.id) - quietest(a.id))[0]!;
  const configOf = (id: string) => network.intersections.find((x) => x.id === id)!;
  const run = (id: string, target: string, phaseWalk: boolean, detectorWindowS = 120) =>
    commission({ intersection: configOf(id), driver: driverFor(target), target, operator: 'test technician', phaseWalk, detectorWindowS, pollMs: 20, toleranceS: 0.5 });

  it('passes on a healthy Modbus cabinet, phase walk included, and writes a readable report', async () => {
    const d = device('modbus');
    const report = await run(d.id, d.address, true);
    expect(report.checks.filter((c) => !c.pass).map((c) => c.details)).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual(['identity', 'points-in-range', 'timing-table', 'detectors', 'phase-walk']);
    expect(report.pass).toBe(true);
    const walk = report.checks.find((c) => c.id === 'phase-walk')!;
    expect(walk.details.join('\n')).toMatch(/phase 1: green \d+\.\d s, yellow \d\.\d s, red clearance \d\.\d s — as configured/);
    expect(report.operator).toBe('test technician');
    const md = reportMarkdown(report);
    expect(md).toContain(`# Commissioning report — ${d.name} (${d.id})`);
    expect(md).toContain('**Result: PASS**');
    expect(md).toMatch(/\| Phase walk \(test mode\) \| pass \|/);
  }, 120_000);

  it('passes on a healthy OPC UA cabinet', async () => {
    const d = device('opcua');
    const report = await run(d.id, d.address, true);
    expect(report.checks.filter((c) => !c.pass).map((c) => c.details)).toEqual([]);
  }, 120_000);

  it('fails, saying what differs, on a cabinet whose timing table was altered', async () => {
    const d = device('modbus');
    const cabinet = twin.junctions.find((j) => j.id === d.id)!.cabinet;
    const original = cabinet.model.timing[2]!;
    cabinet.updateTiming(2, { ...original, yellowS: original.yellowS + 1, maxGreenS: original.maxGreenS + 5 });
    try {
      const report = await run(d.id, d.address, false, 20);
      const timing = report.checks.find((c) => c.id === 'timing-table')!;
      expect(report.pass).toBe(false);
      expect(timing.pass).toBe(false);
      expect(timing.details).toContain(`phase 2 yellow: cabinet ${original.yellowS + 1} s, config ${original.yellowS} s`);
      expect(timing.details).toContain(`phase 2 max green: cabinet ${original.maxGreenS + 5} s, config ${original.maxGreenS} s`);
    } finally {
      cabinet.updateTiming(2, original);
    }
  }, 60_000);

  it('fails, naming the lane, on a cabinet with a dead detector', async () => {
    const d = device('modbus');
    d.points.deadDetectors.add(2);
    try {
      const report = await run(d.id, d.address, false, 60);
      const detectors = report.checks.find((c) => c.id === 'detectors')!;
      expect(detectors.pass).toBe(false);
      const channel = configOf(d.id).approaches.flatMap((a) => a.lanes.map((l) => `approach ${a.id} lane ${l.index}`))[1];
      expect(detectors.details.join('\n')).toContain(`detector 2 (${channel}): no vehicle counted or present in 60 s`);
    } finally {
      d.points.deadDetectors.delete(2);
    }
  }, 60_000);

  it('refuses the phase walk outside test mode and sends nothing', async () => {
    const d = device('opcua');
    const cabinet = twin.junctions.find((j) => j.id === d.id)!.cabinet;
    cabinet.testMode = false;
    const modeBefore = cabinet.unitMode;
    try {
      const report = await run(d.id, d.address, true, 30);
      const walk = report.checks.find((c) => c.id === 'phase-walk')!;
      expect(walk.pass).toBe(false);
      expect(walk.details[0]).toMatch(/refused: the cabinet is not in test mode.*nothing was sent/);
      expect(cabinet.unitMode).toBe(modeBefore);
      expect(report.pass).toBe(false);
    } finally {
      cabinet.testMode = true;
    }
  }, 60_000);
});

describe('commissioning reports', () => {
  it('render every check with its lines', () => {
    const md = reportMarkdown({
      intersectionId: 'x',
      intersectionName: 'X | Y',
      target: 'modbus://h:1',
      operator: 'a|n',
      startedAt: 't0',
      finishedAt: 't1',
      pointMapVersion: 1,
      cabinet: { vendor: 'v', firmware: 'f', intersectionId: 'x' },
      checks: [{ id: 'timing-table', title: 'Timing table', pass: false, details: ['phase 2 yellow: cabinet 4 s, config 3 s'], startedAt: 't0', finishedAt: 't1' }],
      pass: false,
    });
    expect(md).toContain('# Commissioning report — X | Y (x)');
    expect(md).toContain('| run by | a\\|n |');
    expect(md).toContain('## Timing table: FAIL');
    expect(md).toContain('- phase 2 yellow: cabinet 4 s, config 3 s');
    expect(readFileSync(new URL('../../docs/point-map.md', import.meta.url), 'utf8')).toContain('`control.stage`');
  });
});
