import { HiResEvent, type HiResEventCode } from '@greenwave/contracts';
import type { CabinetStatusReading } from '../drivers/field-driver.ts';

type Interval = 'green' | 'yellow' | 'red-clearance' | 'red';

export interface DerivedEvent {
  code: HiResEventCode;
  param: number;
}

function intervalOf(r: Pick<CabinetStatusReading, 'greens' | 'yellows' | 'redClearances'>, phase: number): Interval {
  if (r.greens.includes(phase)) return 'green';
  if (r.yellows.includes(phase)) return 'yellow';
  if (r.redClearances.includes(phase)) return 'red-clearance';
  return 'red';
}

/** The Indiana events a change of a phase's interval stands for, in the order they happened. */
const TRANSITIONS: Record<Interval, Partial<Record<Interval, HiResEventCode[]>>> = {
  red: { green: [HiResEvent.PHASE_BEGIN_GREEN], yellow: [HiResEvent.PHASE_BEGIN_YELLOW], 'red-clearance': [HiResEvent.PHASE_BEGIN_RED_CLEARANCE] },
  green: {
    yellow: [HiResEvent.PHASE_GREEN_TERMINATION, HiResEvent.PHASE_BEGIN_YELLOW],
    'red-clearance': [HiResEvent.PHASE_GREEN_TERMINATION, HiResEvent.PHASE_BEGIN_YELLOW, HiResEvent.PHASE_END_YELLOW, HiResEvent.PHASE_BEGIN_RED_CLEARANCE],
    red: [HiResEvent.PHASE_GREEN_TERMINATION, HiResEvent.PHASE_BEGIN_YELLOW, HiResEvent.PHASE_END_YELLOW, HiResEvent.PHASE_BEGIN_RED_CLEARANCE, HiResEvent.PHASE_END_RED_CLEARANCE],
  },
  yellow: { 'red-clearance': [HiResEvent.PHASE_END_YELLOW, HiResEvent.PHASE_BEGIN_RED_CLEARANCE], red: [HiResEvent.PHASE_END_YELLOW, HiResEvent.PHASE_BEGIN_RED_CLEARANCE, HiResEvent.PHASE_END_RED_CLEARANCE], green: [HiResEvent.PHASE_END_YELLOW, HiResEvent.PHASE_BEGIN_GREEN] },
  'red-clearance': { red: [HiResEvent.PHASE_END_RED_CLEARANCE], green: [HiResEvent.PHASE_END_RED_CLEARANCE, HiResEvent.PHASE_BEGIN_GREEN] },
};

/**
 * Hi-res events from two successive cabinet status readings (phase intervals and unit flash), as ATSPM expects them.
 * Polling loses nothing that lasts longer than the poll period; intervals skipped between two polls are filled in, in
 * their natural order (green → yellow → red clearance → red), at the time of the later poll. Pure.
 */
export function signalEvents(before: CabinetStatusReading | null, after: CabinetStatusReading, phases: readonly number[]): DerivedEvent[] {
  const out: DerivedEvent[] = [];
  if (before === null) {
    // first reading: the greens on now begin here, for the log's sake
    for (const p of after.greens) out.push({ code: HiResEvent.PHASE_BEGIN_GREEN, param: p });
    return out;
  }
  for (const p of phases) {
    const was = intervalOf(before, p);
    const is = intervalOf(after, p);
    if (was === is) continue;
    for (const code of TRANSITIONS[was][is] ?? []) out.push({ code, param: p });
  }
  const flashWas = before.unitMode === 'flash' || before.flashLatched;
  const flashIs = after.unitMode === 'flash' || after.flashLatched;
  if (flashWas !== flashIs) out.push({ code: HiResEvent.UNIT_FLASH_STATUS, param: flashIs ? 1 : 0 });
  return out;
}
