import { defaultControllerConfig } from '@greenwave/contracts';
import { fourLegIntersection } from '@greenwave/simulator';
import { describe, expect, it } from 'vitest';
import { allLanes, signalShowing } from '../testing/inputs.ts';
import { densityAlgorithm } from './density.ts';
import { buildView } from './intersection-view.ts';
import { withRecall } from './recall.ts';

const view = buildView(fourLegIntersection({ phasing: 'two-stage' }));

describe('recall for an approach whose camera failed', () => {
  it('replaces only that approach’s lanes, with full demand', () => {
    const lanes = allLanes(view, { 'W/0': { queueVehicles: 3, queueLengthM: 20 } });
    const out = withRecall(view.intersection, lanes, new Set(['N']), 5000);
    expect(out.length).toBe(lanes.length);
    expect(out.find((l) => l.approachId === 'W' && l.laneIndex === 0)!.queueVehicles).toBe(3);
    const north = out.filter((l) => l.approachId === 'N');
    expect(north.length).toBe(view.intersection.approaches.find((a) => a.id === 'N')!.lanes.length);
    for (const l of north) expect(l).toMatchObject({ occupancy: 1, queueLengthM: l.zoneLengthM, timeMs: 5000 });
    // nothing on recall: the same lanes
    expect(withRecall(view.intersection, lanes, new Set(), 0)).toBe(lanes);
  });

  it('an approach with no measured demand is served once it is on recall (density control)', () => {
    const config = defaultControllerConfig('density');
    // the main street (W/E, stage 1) has traffic, the side street (N/S) nothing measured: its camera is down
    const busy = { 'W/0': { densityPcuPerKm: 80, occupancy: 0.5, vehiclesInZone: 6 }, 'E/0': { densityPcuPerKm: 80, occupancy: 0.5, vehiclesInZone: 6 } };
    const run = (recall: Set<string>) => {
      let state = densityAlgorithm.init(view, config);
      const served: number[] = [];
      for (let t = 0; t <= 180; t++) {
        const greens = served.length > 0 ? [served.at(-1)!] : [1];
        const lanes = withRecall(view.intersection, allLanes(view, busy, t * 1000), recall, t * 1000);
        const out = densityAlgorithm.decide(view, config, state, { timeMs: t * 1000, signal: signalShowing(view, greens, t * 1000), lanes, downstream: new Map() });
        state = out.state;
        const stage = out.request?.stage?.[0];
        if (stage !== undefined && stage !== served.at(-1)) served.push(stage);
      }
      return served;
    };
    const sidePhase = view.model.phases.find((p) => p !== 1)!;
    expect(run(new Set())).not.toContain(sidePhase);
    expect(run(new Set(['N', 'S']))).toContain(sidePhase);
  });
});
