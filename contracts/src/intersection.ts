import { z } from 'zod';
import { derivePhaseConflicts } from './conflicts.ts';
import { ControllerConfig } from './controller-config.ts';
import { checkPlan } from './plan-rules.ts';
import { PhaseTiming } from './timing.ts';

export const turns = ['left', 'through', 'right', 'uturn'] as const;
export const Turn = z.enum(turns);
export type Turn = z.infer<typeof Turn>;

export const PhaseNumber = z.number().int().min(1).max(16).meta({ description: 'NEMA phase number 1..16' });

export const DetectionZone = z
  .strictObject({
    nearM: z.number().min(0).max(500).default(0).meta({ description: 'Zone start, metres upstream of the stop line' }),
    farM: z.number().min(1).max(500).default(60).meta({ description: 'Zone end, metres upstream of the stop line' }),
    imagePolygonPx: z
      .array(z.tuple([z.number(), z.number()]))
      .min(3)
      .optional()
      .meta({ description: 'Lane zone in the camera image (pixels), drawn at commissioning' }),
  })
  .refine((zone) => zone.farM > zone.nearM, { message: 'farM must be greater than nearM', path: ['farM'] })
  .meta({ title: 'DetectionZone', description: 'Where a lane is measured by its detector or camera' });
export type DetectionZone = z.infer<typeof DetectionZone>;

export const Lane = z
  .strictObject({
    index: z.number().int().min(0).max(7).meta({ description: '0 = kerb-side (rightmost) lane' }),
    turns: z.array(Turn).min(1).meta({ description: 'Turns allowed from this lane; several = shared lane' }),
    widthM: z.number().min(2).max(6).default(3.5),
    zone: DetectionZone.default({ nearM: 0, farM: 60 }),
  })
  .meta({ title: 'Lane', description: 'One inbound lane of an approach' });
export type Lane = z.infer<typeof Lane>;

export const Approach = z
  .strictObject({
    id: z.string().min(1).meta({ description: 'Leg name, e.g. N, E, S, W' }),
    bearingDeg: z.number().min(0).lt(360).meta({ description: 'Direction from the junction centre out along the leg (0 = north, clockwise)' }),
    inboundEdgeId: z.string().nullable().meta({ description: 'Edge bringing traffic in on this leg; null for an exit-only leg' }),
    outboundEdgeId: z.string().nullable().meta({ description: 'Edge taking traffic out on this leg; null for an entry-only leg' }),
    lanes: z.array(Lane).meta({ description: 'Inbound lanes, kerb side first' }),
  })
  .meta({ title: 'Approach', description: 'One leg of an intersection' });
export type Approach = z.infer<typeof Approach>;

export const Movement = z
  .strictObject({
    id: z.string().min(1),
    from: z.string().meta({ description: 'Approach id the movement starts from' }),
    to: z.string().meta({ description: 'Approach id the movement leaves by' }),
    turn: Turn,
    phase: PhaseNumber.meta({ description: 'Phase that gives this movement its green' }),
    permissive: z.boolean().default(false).meta({ description: 'Yields to conflicting traffic during its green (e.g. permissive left)' }),
  })
  .meta({ title: 'Movement', description: 'A path through the junction from one leg to another' });
export type Movement = z.infer<typeof Movement>;

export const Phase = z
  .strictObject({
    number: PhaseNumber,
    name: z.string().optional(),
    timing: PhaseTiming,
    pedestrian: z.boolean().default(false).meta({ description: 'Has a pedestrian crossing served with walk/clearance' }),
  })
  .meta({ title: 'Phase', description: 'A signal group and its timing' });
export type Phase = z.infer<typeof Phase>;

export const DualRingStructure = z
  .strictObject({
    kind: z.literal('dual-ring'),
    rings: z.array(z.array(PhaseNumber).min(1)).min(1).max(4).meta({ description: 'Phase order in each ring' }),
    barriers: z.array(z.array(PhaseNumber).min(1)).min(1).meta({ description: 'Barrier groups in order; rings cross barriers together' }),
  })
  .meta({ title: 'DualRingStructure', description: 'NEMA rings and barriers' });

export const StageStructure = z
  .strictObject({
    kind: z.literal('stages'),
    sequence: z.array(PhaseNumber).min(2).meta({ description: 'Stages (phases) served one at a time, in order' }),
  })
  .meta({ title: 'StageStructure', description: 'Simple stage sequence: one phase green at a time' });

export const PhaseStructure = z.discriminatedUnion('kind', [DualRingStructure, StageStructure]);
export type PhaseStructure = z.infer<typeof PhaseStructure>;

export const ConflictOverride = z
  .strictObject({
    phases: z.tuple([PhaseNumber, PhaseNumber]),
    conflict: z.boolean(),
    reason: z.string().min(1).meta({ description: 'Why the derived entry is overridden (kept for the audit)' }),
  })
  .meta({ title: 'ConflictOverride' });
export type ConflictOverride = z.infer<typeof ConflictOverride>;

export const PhaseSplit = z.strictObject({
  phase: PhaseNumber,
  splitS: z.number().positive().max(300).meta({ description: 'Green + yellow + red clearance of the phase (s)' }),
});

export const FixedPlan = z
  .strictObject({
    cycleS: z.number().min(20).max(300),
    offsetS: z.number().min(0).max(300).default(0),
    splits: z.array(PhaseSplit).min(1),
  })
  .meta({ title: 'FixedPlan', description: 'A fixed-time plan: cycle, offset and split per phase' });
export type FixedPlan = z.infer<typeof FixedPlan>;

const IntersectionShape = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  location: z.strictObject({ xM: z.number(), yM: z.number() }).optional(),
  approaches: z.array(Approach).min(2),
  movements: z.array(Movement).min(1),
  phases: z.array(Phase).min(2),
  structure: PhaseStructure,
  conflictOverrides: z.array(ConflictOverride).default([]),
  fallbackPlan: FixedPlan.meta({ description: 'Stored fixed-time plan the cabinet runs when the centre is silent' }),
  control: ControllerConfig.optional().meta({ description: 'Controller for this intersection; the scenario default when absent' }),
});

export const Intersection = IntersectionShape.superRefine((x, ctx) => verifyIntersection(x, ctx)).meta({
  title: 'Intersection',
  description: 'A signalised intersection: legs, lanes, movements, phases, timing and plan',
});
export type Intersection = z.infer<typeof Intersection>;
export type IntersectionInput = z.input<typeof Intersection>;

type Ctx = z.RefinementCtx;
type Shape = z.infer<typeof IntersectionShape>;

function issue(ctx: Ctx, path: (string | number)[], message: string, input: unknown): void {
  ctx.addIssue({ code: 'custom', path, message, input });
}

/** Phases of a structure as groups that may time concurrently: rings of each barrier group. */
export function structurePhases(structure: PhaseStructure): number[] {
  return structure.kind === 'stages' ? [...structure.sequence] : structure.rings.flat();
}

/** Cross-field rules of an intersection (the schema alone cannot express them). */
function verifyIntersection(x: Shape, ctx: Ctx): void {
  const approachIds = new Set<string>();
  x.approaches.forEach((approach, a) => {
    if (approachIds.has(approach.id)) issue(ctx, ['approaches', a, 'id'], 'duplicate approach id', approach.id);
    approachIds.add(approach.id);
    approach.lanes.forEach((lane, l) => {
      if (lane.index !== l) issue(ctx, ['approaches', a, 'lanes', l, 'index'], `lane indexes must be 0..n-1 in order, expected ${l}`, lane.index);
    });
    if (approach.inboundEdgeId === null && approach.lanes.length > 0) {
      issue(ctx, ['approaches', a, 'lanes'], 'an exit-only leg (inboundEdgeId null) has no inbound lanes', approach.lanes.length);
    }
    if (approach.inboundEdgeId !== null && approach.lanes.length === 0) {
      issue(ctx, ['approaches', a, 'lanes'], 'an inbound leg needs at least one lane', approach.lanes);
    }
  });

  const phaseNumbers = new Set<number>();
  x.phases.forEach((phase, p) => {
    if (phaseNumbers.has(phase.number)) issue(ctx, ['phases', p, 'number'], 'duplicate phase number', phase.number);
    phaseNumbers.add(phase.number);
  });

  const movementIds = new Set<string>();
  const servedPhases = new Set<number>();
  x.movements.forEach((movement, m) => {
    if (movementIds.has(movement.id)) issue(ctx, ['movements', m, 'id'], 'duplicate movement id', movement.id);
    movementIds.add(movement.id);
    const from = x.approaches.find((a) => a.id === movement.from);
    const to = x.approaches.find((a) => a.id === movement.to);
    if (!from) issue(ctx, ['movements', m, 'from'], `no approach with this id (have ${[...approachIds].join(', ')})`, movement.from);
    else if (from.inboundEdgeId === null) issue(ctx, ['movements', m, 'from'], 'approach has no inbound edge', movement.from);
    else if (!from.lanes.some((lane) => lane.turns.includes(movement.turn))) {
      issue(ctx, ['movements', m, 'turn'], `no lane of approach ${movement.from} allows this turn`, movement.turn);
    }
    if (!to) issue(ctx, ['movements', m, 'to'], `no approach with this id (have ${[...approachIds].join(', ')})`, movement.to);
    else if (to.outboundEdgeId === null) issue(ctx, ['movements', m, 'to'], 'approach has no outbound edge', movement.to);
    if (!phaseNumbers.has(movement.phase)) issue(ctx, ['movements', m, 'phase'], 'no phase with this number', movement.phase);
    servedPhases.add(movement.phase);
  });
  x.approaches.forEach((approach, a) =>
    approach.lanes.forEach((lane, l) =>
      lane.turns.forEach((turn, t) => {
        if (!x.movements.some((mv) => mv.from === approach.id && mv.turn === turn)) {
          issue(ctx, ['approaches', a, 'lanes', l, 'turns', t], `no movement from ${approach.id} with this turn`, turn);
        }
      }),
    ),
  );

  // every phase appears exactly once in the structure
  const inStructure = structurePhases(x.structure);
  const seen = new Set<number>();
  inStructure.forEach((phase) => {
    if (seen.has(phase)) issue(ctx, ['structure'], 'phase appears more than once', phase);
    seen.add(phase);
    if (!phaseNumbers.has(phase)) issue(ctx, ['structure'], 'structure names a phase that is not defined', phase);
  });
  x.phases.forEach((phase, p) => {
    if (!seen.has(phase.number)) issue(ctx, ['phases', p, 'number'], 'phase is not in the ring/stage structure', phase.number);
    if (!servedPhases.has(phase.number) && !phase.pedestrian) {
      issue(ctx, ['phases', p, 'number'], 'phase serves no movement and no pedestrians', phase.number);
    }
  });
  if (x.structure.kind === 'dual-ring') verifyBarriers(x.structure, ctx);

  x.conflictOverrides.forEach((override, o) => {
    override.phases.forEach((phase, i) => {
      if (!phaseNumbers.has(phase)) issue(ctx, ['conflictOverrides', o, 'phases', i], 'no phase with this number', phase);
    });
  });

  verifyPlan(x, ctx);
  verifyConcurrency(x, ctx);
}

/** Phases that the rings would time together must not conflict: the MMU would put the cabinet in flash. */
function verifyConcurrency(x: Shape, ctx: Ctx): void {
  if (x.structure.kind !== 'dual-ring') return;
  const bearings = x.approaches.map((a) => a.bearingDeg).sort((a, b) => a - b);
  for (let i = 1; i < bearings.length; i++) {
    if (bearings[i]! - bearings[i - 1]! < 10) {
      issue(ctx, ['approaches'], 'two legs are less than 10° apart; conflicts cannot be derived', bearings);
      return;
    }
  }
  const table = derivePhaseConflicts(structurePhases(x.structure), x.approaches, x.movements, x.conflictOverrides);
  const barrierOf = new Map<number, number>();
  x.structure.barriers.forEach((group, b) => group.forEach((p) => barrierOf.set(p, b)));
  const rings = x.structure.rings;
  for (let r1 = 0; r1 < rings.length; r1++) {
    for (let r2 = r1 + 1; r2 < rings.length; r2++) {
      for (const a of rings[r1]!) {
        for (const b of rings[r2]!) {
          if (barrierOf.get(a) === barrierOf.get(b) && table.conflicts(a, b)) {
            issue(ctx, ['structure', 'barriers'], `phases ${a} and ${b} would time together but conflict (${table.reason(a, b)})`, [a, b]);
          }
        }
      }
    }
  }
}

function verifyBarriers(structure: z.infer<typeof DualRingStructure>, ctx: Ctx): void {
  const barrierOf = new Map<number, number>();
  structure.barriers.forEach((group, b) => group.forEach((phase) => barrierOf.set(phase, b)));
  structure.rings.forEach((ring, r) => {
    let lastBarrier = -1;
    ring.forEach((phase, i) => {
      const barrier = barrierOf.get(phase);
      if (barrier === undefined) {
        issue(ctx, ['structure', 'rings', r, i], 'phase is in no barrier group', phase);
        return;
      }
      if (barrier < lastBarrier) issue(ctx, ['structure', 'rings', r, i], 'ring order must follow barrier order', phase);
      lastBarrier = barrier;
    });
  });
  const ringPhases = new Set(structure.rings.flat());
  structure.barriers.forEach((group, b) =>
    group.forEach((phase, i) => {
      if (!ringPhases.has(phase)) issue(ctx, ['structure', 'barriers', b, i], 'barrier names a phase in no ring', phase);
    }),
  );
}

function verifyPlan(x: Shape, ctx: Ctx): void {
  const problems = checkPlan(x.fallbackPlan, {
    timingOf: (phase) => x.phases.find((p) => p.number === phase)?.timing,
    rings: x.structure.kind === 'stages' ? [x.structure.sequence] : x.structure.rings,
    barriers: x.structure.kind === 'stages' ? [] : x.structure.barriers,
  });
  for (const problem of problems) issue(ctx, ['fallbackPlan', ...problem.path], problem.message, problem.value);
}
