import { type FaultCode, type LaneMeasurement, type SignalStatus, emptyPerClass } from '@greenwave/contracts';
import type { IntersectionView } from '../algorithms/intersection-view.ts';
import type { ControlInput, DownstreamState } from '../algorithms/types.ts';

/** A lane measurement with everything zero except what the test sets. */
export function laneMeasurement(approachId: string, laneIndex: number, values: Partial<LaneMeasurement> = {}): LaneMeasurement {
  return {
    intersectionId: 'x1',
    approachId,
    laneIndex,
    timeMs: 0,
    intervalS: 1,
    count: 0,
    countByClass: emptyPerClass(),
    countPcu: 0,
    occupancy: 0,
    queueLengthM: 0,
    queueVehicles: 0,
    queuePcu: 0,
    vehiclesInZone: 0,
    presentByClass: emptyPerClass(),
    densityVehPerKm: 0,
    densityPcuPerKm: 0,
    meanSpeedMps: null,
    zoneLengthM: 60,
    ...values,
  };
}

/** Every inbound lane of the view, with per-lane values from `values` keyed `approach/lane`. */
export function allLanes(view: IntersectionView, values: Record<string, Partial<LaneMeasurement>> = {}, timeMs = 0): LaneMeasurement[] {
  const out: LaneMeasurement[] = [];
  for (const approach of view.intersection.approaches) {
    for (const lane of approach.lanes) out.push(laneMeasurement(approach.id, lane.index, { timeMs, ...values[`${approach.id}/${lane.index}`] }));
  }
  return out;
}

export function signalShowing(view: IntersectionView, greens: number[], timeMs: number): SignalStatus {
  return {
    intersectionId: view.intersection.id,
    timeMs,
    mode: 'centre',
    flashing: false,
    faultCode: 0 as FaultCode,
    faultDetail: '',
    phases: view.model.phases.map((phase) => ({ phase, interval: greens.includes(phase) ? 'green' : 'red', elapsedMs: 0, minGreenDone: true, walk: false })),
    greens,
    plan: null,
    sinceHeartbeatS: 0,
  };
}

export function input(view: IntersectionView, greens: number[], timeMs: number, lanes: Record<string, Partial<LaneMeasurement>> = {}, downstream: Record<string, DownstreamState> = {}): ControlInput {
  return { timeMs, signal: signalShowing(view, greens, timeMs), lanes: allLanes(view, lanes, timeMs), downstream: new Map(Object.entries(downstream)) };
}
