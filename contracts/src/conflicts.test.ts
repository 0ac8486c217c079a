import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derivePhaseConflicts, legsOpposite, movementConflict } from './conflicts.ts';
import type { Approach, Movement } from './intersection.ts';

const bearing: Record<string, number> = { N: 0, E: 90, S: 180, W: 270 };
const bearingOf = (id: string) => bearing[id]!;
const m = (from: string, to: string) => ({ from, to });

describe('movement conflicts from geometry (right-hand traffic)', () => {
  it('a left turn crosses the opposing through movement', () => {
    expect(movementConflict(m('S', 'W'), m('N', 'S'), bearingOf)).toBe('cross');
  });
  it('a right turn does not meet the opposing through movement', () => {
    expect(movementConflict(m('S', 'E'), m('N', 'S'), bearingOf)).toBe('none');
  });
  it('opposing throughs and opposing lefts pass each other', () => {
    expect(movementConflict(m('W', 'E'), m('E', 'W'), bearingOf)).toBe('none');
    expect(movementConflict(m('E', 'S'), m('W', 'N'), bearingOf)).toBe('none');
  });
  it('crossing streets’ throughs cross; movements into the same leg merge; same origin never conflicts', () => {
    expect(movementConflict(m('W', 'E'), m('S', 'N'), bearingOf)).toBe('cross');
    expect(movementConflict(m('S', 'E'), m('W', 'E'), bearingOf)).toBe('merge');
    expect(movementConflict(m('S', 'W'), m('S', 'N'), bearingOf)).toBe('none');
  });
  it('is symmetric for any legs at any angles', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 35 }), { minLength: 3, maxLength: 6 }), fc.nat(), fc.nat(), fc.nat(), fc.nat(), (tens, a, b, c, d) => {
        const legs = tens.map((t) => t * 10);
        const pick = (i: number) => String(legs[i % legs.length]);
        const of = (id: string) => Number(id);
        const x = m(pick(a), pick(b));
        const y = m(pick(c), pick(d));
        expect(movementConflict(x, y, of)).toBe(movementConflict(y, x, of));
      }),
    );
  });
  it('knows which legs face each other', () => {
    expect(legsOpposite(0, 180)).toBe(true);
    expect(legsOpposite(90, 250)).toBe(true);
    expect(legsOpposite(0, 90)).toBe(false);
  });
});

describe('phase conflict table', () => {
  const approaches = ['N', 'E', 'S', 'W'].map((id) => ({ id, bearingDeg: bearing[id]!, inboundEdgeId: `${id}-in`, outboundEdgeId: `${id}-out`, lanes: [] })) as Approach[];
  const mv = (id: string, from: string, to: string, turn: Movement['turn'], phase: number, permissive = false): Movement => ({ id, from, to, turn, phase, permissive });
  // two stages: east-west (phase 1) with permissive lefts, north-south (phase 2)
  const movements = [
    mv('W-t', 'W', 'E', 'through', 1), mv('W-l', 'W', 'N', 'left', 1, true), mv('E-t', 'E', 'W', 'through', 1), mv('E-l', 'E', 'S', 'left', 1, true),
    mv('N-t', 'N', 'S', 'through', 2), mv('S-t', 'S', 'N', 'through', 2),
  ];
  it('derives that the two stages conflict, and why', () => {
    const table = derivePhaseConflicts([1, 2], approaches, movements);
    expect(table.conflicts(1, 2)).toBe(true);
    expect(table.reason(1, 2)).toMatch(/movements .* (cross|merge)/);
    expect(table.pairs()).toEqual([[1, 2]]);
  });
  it('a permissive left may share a phase with the opposing through, but a protected one may not run with it', () => {
    const protectedLeft = [mv('W-t', 'W', 'E', 'through', 2), mv('E-l', 'E', 'S', 'left', 1)];
    expect(derivePhaseConflicts([1, 2], approaches, protectedLeft).conflicts(1, 2)).toBe(true);
    const permissiveLeft = [mv('W-t', 'W', 'E', 'through', 2), mv('E-l', 'E', 'S', 'left', 1, true)];
    expect(derivePhaseConflicts([1, 2], approaches, permissiveLeft).conflicts(1, 2)).toBe(false);
  });
  it('overrides win over the derived entry', () => {
    const table = derivePhaseConflicts([1, 2], approaches, movements, [{ phases: [1, 2], conflict: false, reason: 'test' }]);
    expect(table.conflicts(1, 2)).toBe(false);
    const forced = derivePhaseConflicts([1, 2], approaches, [mv('W-t', 'W', 'E', 'through', 1), mv('E-t', 'E', 'W', 'through', 2)], [{ phases: [2, 1], conflict: true, reason: 'narrow bridge' }]);
    expect(forced.conflicts(1, 2)).toBe(true);
    expect(forced.reason(1, 2)).toBe('override: narrow bridge');
  });
});
