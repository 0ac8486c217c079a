import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { Intersection, type IntersectionInput } from './intersection.ts';
import { buildPhaseModel } from './phase-model.ts';
import { checkCabinetRequest } from './signal.ts';
import { parseWith } from './validate.ts';

const timing = { minGreenS: 7, passageS: 2, maxGreenS: 40, yellowS: 3, redClearanceS: 2 };
const leg = (id: string, bearingDeg: number) => ({ id, bearingDeg, inboundEdgeId: `${id}-in`, outboundEdgeId: `${id}-out`, lanes: [{ index: 0, turns: ['through' as const] }] });

/** A crossing of two one-lane two-way streets, dual ring: 2 and 6 east-west, 4 and 8 north-south. */
function base(): IntersectionInput {
  return {
    id: 'x',
    name: 'Test',
    approaches: [leg('N', 0), leg('E', 90), leg('S', 180), leg('W', 270)],
    movements: [
      { id: 'W-t', from: 'W', to: 'E', turn: 'through', phase: 2 },
      { id: 'E-t', from: 'E', to: 'W', turn: 'through', phase: 6 },
      { id: 'N-t', from: 'N', to: 'S', turn: 'through', phase: 4 },
      { id: 'S-t', from: 'S', to: 'N', turn: 'through', phase: 8 },
    ],
    phases: [2, 4, 6, 8].map((number) => ({ number, timing })),
    structure: { kind: 'dual-ring', rings: [[2, 4], [6, 8]], barriers: [[2, 6], [4, 8]] },
    fallbackPlan: { cycleS: 60, offsetS: 0, splits: [{ phase: 2, splitS: 30 }, { phase: 6, splitS: 30 }, { phase: 4, splitS: 30 }, { phase: 8, splitS: 30 }] },
  };
}

function problems(input: unknown): string[] {
  try {
    parseWith(Intersection, input, 'x.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('intersection config', () => {
  it('accepts a consistent crossing and compiles its phase model', () => {
    expect(problems(base())).toEqual([]);
    const model = buildPhaseModel(parseWith(Intersection, base(), 'x.yaml'));
    expect(model.stages).toEqual([[2, 6], [4, 8]]);
    expect(model.conflicts.conflicts(2, 4)).toBe(true);
    expect(model.conflicts.conflicts(2, 6)).toBe(false);
  });

  it('refuses rings that would time conflicting phases together', () => {
    const x = base();
    x.structure = { kind: 'dual-ring', rings: [[2, 4], [8, 6]], barriers: [[2, 8], [4, 6]] };
    x.fallbackPlan.splits = [{ phase: 2, splitS: 30 }, { phase: 8, splitS: 30 }, { phase: 4, splitS: 30 }, { phase: 6, splitS: 30 }];
    expect(problems(x)).toContainEqual(expect.stringMatching(/structure.barriers: phases 2 and 8 would time together but conflict \(movements W-t and S-t cross\)/));
  });

  it('checks the fallback plan against min green, clearance and the cycle', () => {
    const x = base();
    x.fallbackPlan = { cycleS: 60, offsetS: 0, splits: [{ phase: 2, splitS: 11 }, { phase: 6, splitS: 30 }, { phase: 4, splitS: 49 }, { phase: 8, splitS: 30 }] };
    const found = problems(x);
    expect(found).toContainEqual('fallbackPlan.splits[0].splitS: shorter than min green + yellow + red clearance of phase 2 (12.0 s)');
    expect(found).toContainEqual('fallbackPlan.splits: rings reach barrier 1 at different times (11.0 vs 30.0 s)');
  });

  it('names movements, lanes and phases that do not fit together', () => {
    const x = base();
    x.movements[0] = { id: 'W-l', from: 'W', to: 'Q', turn: 'left', phase: 9 };
    const found = problems(x);
    expect(found).toContainEqual('movements[0].to: no approach with this id (have N, E, S, W)');
    expect(found).toContainEqual('movements[0].phase: no phase with this number');
    expect(found).toContainEqual('movements[0].turn: no lane of approach W allows this turn');
    expect(found).toContainEqual('approaches[3].lanes[0].turns[0]: no movement from W with this turn');
  });

  it('shares the cabinet request rules with the supervisor: conflicting stages, unknown phases, bad plans', () => {
    const model = buildPhaseModel(parseWith(Intersection, base(), 'x.yaml'));
    const conflicting = checkCabinetRequest(model, { stage: [2, 4] });
    expect(conflicting.conflictingGreens).toBe(true);
    expect(checkCabinetRequest(model, { stage: [2, 6] }).problems).toEqual([]);
    expect(checkCabinetRequest(model, { hold: [3] }).problems[0]?.code).toBe('unknown-phase');
    expect(checkCabinetRequest(model, { hold: [2], forceOff: [2] }).problems[0]?.code).toBe('hold-and-force-off');
    const badPlan = checkCabinetRequest(model, { plan: { cycleS: 50, offsetS: 0, splits: [{ phase: 2, splitS: 25 }, { phase: 4, splitS: 25 }, { phase: 6, splitS: 20 }, { phase: 8, splitS: 30 }] } });
    expect(badPlan.problems.map((p) => p.code)).toContain('invalid-plan');
  });
});
