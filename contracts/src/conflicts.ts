import type { Approach, ConflictOverride, Movement } from './intersection.ts';

/**
 * Movement conflicts derived from geometry, for right-hand traffic.
 *
 * Each leg is a point on a circle at its bearing; traffic enters on the right of the leg (bearing - ε) and leaves on
 * the other side (bearing + ε). A movement is the chord from its entry point to its exit point. Two movements cross
 * when their chords cross (the end points interleave) and merge when they leave by the same leg. This is the usual
 * topological rule and holds for any number of legs at any angles.
 */
export type MovementConflict = 'none' | 'cross' | 'merge';

const EPSILON_DEG = 1;

function norm(deg: number): number {
  return ((deg % 360) + 360) % 360;
}

/** True when `x` lies strictly inside the clockwise arc from `from` to `to`. */
function inArc(x: number, from: number, to: number): boolean {
  const span = norm(to - from);
  const at = norm(x - from);
  return at > 0 && at < span;
}

export function movementConflict(
  a: Pick<Movement, 'from' | 'to'>,
  b: Pick<Movement, 'from' | 'to'>,
  bearingOf: (approachId: string) => number,
): MovementConflict {
  if (a.from === b.from) return 'none';
  if (a.to === b.to) return 'merge';
  const a1 = bearingOf(a.from) - EPSILON_DEG;
  const a2 = bearingOf(a.to) + EPSILON_DEG;
  const b1 = bearingOf(b.from) - EPSILON_DEG;
  const b2 = bearingOf(b.to) + EPSILON_DEG;
  return inArc(b1, a1, a2) !== inArc(b2, a1, a2) ? 'cross' : 'none';
}

/** Legs roughly facing each other across the junction (so turning traffic may yield to the other). */
export function legsOpposite(bearingA: number, bearingB: number): boolean {
  const diff = Math.abs(norm(bearingA - bearingB) - 180);
  return diff <= 45;
}

export interface MovementPairConflict {
  a: string;
  b: string;
  kind: Exclude<MovementConflict, 'none'>;
  /** A permissive movement may run with the other and yield to it. */
  yieldable: boolean;
}

/** All conflicting movement pairs of an intersection. */
export function movementConflicts(approaches: readonly Approach[], movements: readonly Movement[]): MovementPairConflict[] {
  const bearing = new Map(approaches.map((a) => [a.id, a.bearingDeg]));
  const bearingOf = (id: string) => bearing.get(id) ?? 0;
  const out: MovementPairConflict[] = [];
  for (let i = 0; i < movements.length; i++) {
    for (let j = i + 1; j < movements.length; j++) {
      const a = movements[i]!;
      const b = movements[j]!;
      const kind = movementConflict(a, b, bearingOf);
      if (kind === 'none') continue;
      const yieldable = (a.permissive || b.permissive) && legsOpposite(bearingOf(a.from), bearingOf(b.from));
      out.push({ a: a.id, b: b.id, kind, yieldable });
    }
  }
  return out;
}

/** Symmetric phase conflict table: `conflict[a][b]` true when phases a and b may never show green together. */
export interface PhaseConflictTable {
  phases: number[];
  conflicts(a: number, b: number): boolean;
  /** Why a pair conflicts (movement pair or override), for error messages and the commissioning report. */
  reason(a: number, b: number): string | undefined;
  /** Every conflicting pair once, a < b. */
  pairs(): [number, number][];
}

export function derivePhaseConflicts(
  phases: readonly number[],
  approaches: readonly Approach[],
  movements: readonly Movement[],
  overrides: readonly ConflictOverride[] = [],
): PhaseConflictTable {
  const size = 17;
  const table: (string | undefined)[] = new Array(size * size).fill(undefined);
  const phaseOf = new Map(movements.map((m) => [m.id, m.phase]));
  for (const pair of movementConflicts(approaches, movements)) {
    if (pair.yieldable) continue;
    const pa = phaseOf.get(pair.a)!;
    const pb = phaseOf.get(pair.b)!;
    if (pa === pb) continue;
    const why = `movements ${pair.a} and ${pair.b} ${pair.kind === 'cross' ? 'cross' : 'merge'}`;
    table[pa * size + pb] ??= why;
    table[pb * size + pa] ??= why;
  }
  for (const override of overrides) {
    const [a, b] = override.phases;
    const value = override.conflict ? `override: ${override.reason}` : undefined;
    table[a * size + b] = value;
    table[b * size + a] = value;
  }
  const sorted = [...phases].sort((x, y) => x - y);
  return {
    phases: sorted,
    conflicts: (a, b) => a !== b && table[a * size + b] !== undefined,
    reason: (a, b) => table[a * size + b],
    pairs: () => {
      const out: [number, number][] = [];
      for (const a of sorted) for (const b of sorted) if (a < b && table[a * size + b] !== undefined) out.push([a, b]);
      return out;
    },
  };
}
