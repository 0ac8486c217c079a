import { describe, expect, it } from 'vitest';
import { quietScenario, singleJunctionNetwork } from '../src/testing/fixtures.ts';
import { viewApproach } from '../src/twin/approach-view.ts';
import { Twin } from '../src/twin/twin.ts';
import { CLASS_NAMES } from '../src/twin/vehicle.ts';

describe('viewApproach', () => {
  function queuedTwin() {
    const twin = new Twin({ scenario: quietScenario({ motorbikeColumnsPerLane: 2 }), network: singleJunctionNetwork({ mainLanes: 2 }) });
    const cabinet = twin.junctions[0]!.cabinet;
    cabinet.request({ mode: 'centre', stage: [2] }); // main street red
    for (let i = 0; i < 6; i++) twin.inject(['in-W', 'out-E'], 'car', i * 2);
    for (let i = 0; i < 10; i++) twin.inject(['in-W', 'out-E'], 'motorbike', 14 + i);
    twin.inject(['in-W', 'out-E'], 'bus', 26);
    twin.inject(['in-W', 'out-N'], 'truck', 28);
    for (let s = 0; s < 120; s++) {
      cabinet.request({ heartbeat: true });
      twin.step();
    }
    return { twin, cabinet };
  }

  it("reports every vehicle on the approach with the twin's class, lane and distance to the stop line", () => {
    const { twin } = queuedTwin();
    const junction = twin.junctions[0]!;
    const view = viewApproach(junction, 'W', twin.simS);
    expect(view.intersectionId).toBe('J');
    expect(view.approachId).toBe('W');
    expect(view.timeS).toBe(120);
    expect(view.lanes).toEqual([{ index: 0, widthM: 3.5 }, { index: 1, widthM: 3.5 }]);
    expect(view.stopLineM).toBe(400);
    expect(view.exitLanes).toBe(2);
    const edge = twin.rt.edgeById.get('in-W')!;
    const onLanes = edge.lanes.flatMap((lane) => lane.vehicles.map((v) => ({ v, lane })));
    expect(onLanes.length).toBe(18);
    expect(view.vehicles.length).toBe(18);
    for (const { v, lane } of onLanes) {
      const seen = view.vehicles.find((x) => x.id === v.id)!;
      expect(seen).toBeDefined();
      expect(seen.class).toBe(CLASS_NAMES[v.classIndex]);
      expect(seen.laneIndex).toBe(lane.index);
      expect(seen.distanceM).toBeCloseTo(lane.lengthM - v.pos, 9);
      expect(seen.lengthM).toBe(v.lengthM);
      expect(seen.speedMps).toBe(v.speed);
      expect(seen.column).toBe(v.column);
      expect(seen.columns).toBe(2);
    }
    // a standing queue at the red light: the first vehicles stand at the stop line, none past it
    expect(Math.min(...view.vehicles.map((x) => x.distanceM))).toBeGreaterThanOrEqual(0);
    expect(Math.min(...view.vehicles.map((x) => x.distanceM))).toBeLessThan(1);
    const counts = Object.fromEntries(CLASS_NAMES.map((c) => [c, view.vehicles.filter((x) => x.class === c).length]));
    expect(counts).toEqual({ motorbike: 10, car: 6, bus: 1, truck: 1 });
    expect(view.vehicles.filter((x) => x.class === 'motorbike').every((x) => x.column >= 0)).toBe(true);
    expect(view.vehicles.filter((x) => x.class !== 'motorbike').every((x) => x.column === -1)).toBe(true);
    // sorted from the stop line upstream
    const d = view.vehicles.map((x) => x.distanceM);
    expect(d).toEqual([...d].sort((a, b) => a - b));
    // other approaches are empty; an unknown one is an error
    expect(viewApproach(junction, 'E', twin.simS).vehicles).toEqual([]);
    expect(() => viewApproach(junction, 'X', twin.simS)).toThrow(/no inbound approach "X"/);
    expect(viewApproach(junction, 'W', twin.simS, { maxDistanceM: 20 }).vehicles.every((x) => x.distanceM <= 20)).toBe(true);
  });

  it('keeps vehicles that just crossed the stop line, with negative distances, then drops them', () => {
    const { twin, cabinet } = queuedTwin();
    const junction = twin.junctions[0]!;
    cabinet.request({ stage: [1] });
    let sawPast = 0;
    const ids = new Set(viewApproach(junction, 'W', twin.simS).vehicles.map((v) => v.id));
    for (let s = 0; s < 20; s++) {
      cabinet.request({ heartbeat: true });
      twin.step();
      const view = viewApproach(junction, 'W', twin.simS);
      for (const v of view.vehicles) {
        expect(ids.has(v.id)).toBe(true);
        expect(v.distanceM).toBeGreaterThanOrEqual(-15);
        if (v.distanceM < 0) {
          sawPast++;
          // its position inside the junction agrees with the twin: lane pos + movement length = metres past the line
          const twinVehicle = twin.rt.edgeById.get('out-E')!.lanes.flatMap((l) => l.vehicles).concat(twin.rt.edgeById.get('out-N')!.lanes.flatMap((l) => l.vehicles)).find((x) => x.id === v.id)!;
          expect(twinVehicle.pos).toBeLessThan(0);
          expect(view.lanes.some((l) => l.index === v.laneIndex)).toBe(true);
        }
      }
    }
    expect(sawPast).toBeGreaterThan(0);
    // with pastStopLineM 0 nobody is past the line
    expect(viewApproach(junction, 'W', twin.simS, { pastStopLineM: 0 }).vehicles.every((v) => v.distanceM >= 0)).toBe(true);
  });
});
