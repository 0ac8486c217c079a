import { DanangGeneratorParams } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import { generateDanangCity } from '../network/city-generator.ts';
import { loadScenario } from '../scenario-loader.ts';
import { Twin } from './twin.ts';

function fingerprint(twin: Twin): string {
  let h = 0;
  for (const v of twin.vehicles()) h = (Math.imul(h, 31) + Math.round(v.pos * 1000) + v.id * 7 + Math.round(v.speed * 1000)) | 0;
  return `${twin.inNetwork}:${twin.totals.completed}:${twin.totals.timeLossS.toFixed(6)}:${h}`;
}

function run(seed: number, steps: number): string {
  const { scenario } = loadScenario('danang');
  const network = generateDanangCity(DanangGeneratorParams.parse({ columns: 8, rows: 5 }), seed);
  const twin = new Twin({ scenario: { ...scenario, seed, warmupS: 0, demand: { ...scenario.demand, peakVehiclesPerHour: 6000 } }, network });
  twin.startWindow(steps);
  for (let s = 0; s < steps; s++) twin.step();
  return fingerprint(twin);
}

describe('determinism', () => {
  it('keeps ground truth per trip and per intersection', () => {
    const { scenario } = loadScenario('danang');
    const network = generateDanangCity(DanangGeneratorParams.parse({ columns: 4, rows: 3 }), 1);
    const twin = new Twin({ scenario: { ...scenario, warmupS: 0, demand: { ...scenario.demand, peakVehiclesPerHour: 3000 } }, network, keepTrips: true });
    twin.startWindow(600);
    for (let s = 0; s < 900; s++) twin.step();
    const truth = twin.intersectionTruth();
    expect(truth).toHaveLength(12);
    const served = truth.reduce((sum, x) => sum + x.throughput, 0);
    expect(served).toBeGreaterThan(twin.totals.completed);
    expect(truth.reduce((sum, x) => sum + x.delayVehS, 0)).toBeGreaterThan(0);
    expect(twin.finished.length).toBe(twin.totals.completed);
    for (const trip of twin.finished) {
      expect(trip.travelTimeS).toBeGreaterThan(trip.timeLossS);
      expect(trip.arrivalS).toBeGreaterThan(trip.departS);
    }
    expect(twin.allTrips.completed).toBeGreaterThanOrEqual(twin.totals.completed);
  });

  it('the same seed gives identical results, a different seed different ones', () => {
    const a = run(11, 500);
    expect(run(11, 500)).toBe(a);
    expect(run(12, 500)).not.toBe(a);
    expect(Number(a.split(':')[1])).toBeGreaterThan(0);
  });
});
