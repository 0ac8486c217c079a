import type { PhaseModel, PhaseStatus, SignalStatus } from '@greenwave/contracts';
import type { CabinetStatusReading } from '../drivers/field-driver.ts';

/** A status read over the field link, in the form controllers take. */
export function signalFromReading(model: PhaseModel, reading: CabinetStatusReading): SignalStatus {
  const interval = (p: number): PhaseStatus['interval'] =>
    reading.greens.includes(p) ? 'green' : reading.yellows.includes(p) ? 'yellow' : reading.redClearances.includes(p) ? 'red-clearance' : 'red';
  return {
    intersectionId: model.intersectionId,
    timeMs: Math.round(reading.clockS * 1000),
    mode: reading.unitMode,
    flashing: reading.unitMode === 'flash',
    faultCode: reading.faultCode as SignalStatus['faultCode'],
    faultDetail: '',
    phases: model.phases.map((p) => ({ phase: p, interval: interval(p), elapsedMs: 0, minGreenDone: false, walk: reading.walks.includes(p) })),
    greens: [...reading.greens],
    plan: null,
    sinceHeartbeatS: reading.sinceHeartbeatS,
  };
}

