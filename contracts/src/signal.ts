import { z } from 'zod';
import { FixedPlan, PhaseNumber } from './intersection.ts';
import { checkPlan } from './plan-rules.ts';
import { mayRunTogether, type PhaseModel } from './phase-model.ts';

export const unitModes = ['off', 'fixed', 'actuated', 'centre', 'flash'] as const;
export const UnitMode = z.enum(unitModes).meta({
  description: 'off: dark; fixed: stored plan; actuated: local gap/max-out; centre: follows centre requests; flash',
});
export type UnitMode = z.infer<typeof UnitMode>;

export const phaseIntervals = ['green', 'yellow', 'red-clearance', 'red'] as const;
export type PhaseInterval = (typeof phaseIntervals)[number];

/** Why a cabinet is flashing (latched until reset, as an MMU does). */
export const FaultCode = {
  NONE: 0,
  /** A request asked for phases that conflict to be green together. */
  CONFLICT_REQUEST: 1,
  /** The monitor saw conflicting greens/yellows on the outputs. */
  CONFLICT_OUTPUT: 2,
  /** Flash was requested by an operator. */
  MANUAL_FLASH: 3,
  /** An interval was shorter than its configured minimum. */
  TIMING_VIOLATION: 4,
} as const;
export type FaultCode = (typeof FaultCode)[keyof typeof FaultCode];

const phaseList = (description: string) => z.array(PhaseNumber).max(16).optional().meta({ description });

/**
 * NTCIP-1202-style requests to a cabinet. Each field present replaces that control group; absent fields keep their
 * value. The cabinet applies them within its own safety rules (min green, clearances, conflicts).
 */
export const CabinetRequest = z
  .strictObject({
    mode: UnitMode.optional(),
    hold: phaseList('Keep these phases green (no termination while held)'),
    forceOff: phaseList('End these phases’ green as soon as minimum green allows'),
    vehicleCall: phaseList('Place a vehicle call on these phases'),
    pedCall: phaseList('Place a pedestrian call on these phases'),
    omit: phaseList('Skip these phases while omitted'),
    stage: phaseList('Serve exactly these phases next (one per ring); [] clears'),
    plan: FixedPlan.optional().meta({ description: 'Fixed-time plan to run in fixed mode' }),
    reset: z.boolean().optional().meta({ description: 'Clear a latched flash (technician reset)' }),
    heartbeat: z.boolean().optional().meta({ description: 'Keeps the centre watchdog alive' }),
  })
  .meta({ title: 'CabinetRequest', description: 'What the centre or agent asks of a cabinet' });
export type CabinetRequest = z.infer<typeof CabinetRequest>;

export type RequestProblemCode =
  | 'unknown-phase'
  | 'conflicting-stage'
  | 'stage-same-ring'
  | 'stage-across-barrier'
  | 'hold-and-force-off'
  | 'invalid-plan';

export interface RequestProblem {
  code: RequestProblemCode;
  message: string;
}

export interface RequestCheck {
  problems: RequestProblem[];
  /** A conflicting-green attempt: a cabinet latches flash on it rather than just refusing. */
  conflictingGreens: boolean;
}

const requestGroups = ['hold', 'forceOff', 'vehicleCall', 'pedCall', 'omit', 'stage'] as const;

/**
 * The rules a cabinet applies to a request, shared by the cabinet model (which refuses or flashes) and the centre's
 * safety supervisor (which never lets such a request leave). One implementation, so the two can never disagree.
 */
export function checkCabinetRequest(model: PhaseModel, request: CabinetRequest): RequestCheck {
  const problems: RequestProblem[] = [];
  const known = { has: (phase: number) => model.timing[phase] !== undefined };
  for (const group of requestGroups) {
    const phases = request[group];
    if (phases === undefined) continue;
    for (const phase of phases) {
      if (!known.has(phase)) {
        problems.push({ code: 'unknown-phase', message: `${group}: phase ${phase} does not exist at ${model.intersectionId} (phases ${model.phases.join(', ')})` });
      }
    }
  }
  if (request.hold && request.forceOff) for (const phase of request.hold) {
    if (request.forceOff.includes(phase)) problems.push({ code: 'hold-and-force-off', message: `phase ${phase} is both held and forced off` });
  }
  let conflictingGreens = false;
  const stage = request.stage === undefined ? [] : request.stage.filter((p) => known.has(p));
  for (let i = 0; i < stage.length; i++) {
    for (let j = i + 1; j < stage.length; j++) {
      const a = stage[i]!;
      const b = stage[j]!;
      if (a === b) continue;
      if (model.conflicts.conflicts(a, b)) {
        conflictingGreens = true;
        problems.push({ code: 'conflicting-stage', message: `stage asks phases ${a} and ${b} to be green together but they conflict (${model.conflicts.reason(a, b)})` });
      } else if (model.ringOf[a] === model.ringOf[b]) {
        problems.push({ code: 'stage-same-ring', message: `stage names phases ${a} and ${b} of the same ring; a ring times one phase at a time` });
      } else if (!mayRunTogether(model, a, b)) {
        problems.push({ code: 'stage-across-barrier', message: `stage names phases ${a} and ${b} on different sides of a barrier` });
      }
    }
  }
  if (request.plan) {
    const barriers: number[][] = [];
    if (model.rings.length > 1) {
      for (let b = 0; b < model.barrierCount; b++) barriers.push(model.phases.filter((p) => model.barrierOf[p] === b));
    }
    for (const problem of checkPlan(request.plan, { timingOf: (p) => model.timing[p], rings: model.rings, barriers })) {
      problems.push({ code: 'invalid-plan', message: `plan.${problem.path.join('.')}: ${problem.message} (got ${JSON.stringify(problem.value)})` });
    }
  }
  return { problems, conflictingGreens };
}

/** State of one phase as a cabinet reports it. */
export interface PhaseStatus {
  phase: number;
  interval: PhaseInterval;
  /** Time spent in the current interval (ms). */
  elapsedMs: number;
  /** For a green phase: whether min green has been served. */
  minGreenDone: boolean;
  walk: boolean;
}

/** A cabinet's reported state. */
export interface SignalStatus {
  intersectionId: string;
  timeMs: number;
  mode: UnitMode;
  flashing: boolean;
  faultCode: FaultCode;
  faultDetail: string;
  phases: PhaseStatus[];
  greens: number[];
  /** Plan currently in force in fixed mode (null otherwise). */
  plan: FixedPlan | null;
  /** Seconds since the centre's last heartbeat. */
  sinceHeartbeatS: number;
}
