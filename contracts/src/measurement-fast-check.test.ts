import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeasurementMessage, parseAgentMessage } from './agent-protocol.ts';
import { isValidMeasurementMessage } from './measurement-fast-check.ts';

const perClass = fc.record({ motorbike: fc.nat(50), car: fc.nat(50), bus: fc.nat(5), truck: fc.nat(5) });
const validLane = fc.record({
  intersectionId: fc.string({ minLength: 1, maxLength: 12 }),
  approachId: fc.string({ minLength: 1, maxLength: 12 }),
  laneIndex: fc.integer({ min: 0, max: 7 }),
  timeMs: fc.nat(),
  intervalS: fc.double({ min: 0.001, max: 900, noNaN: true }),
  count: fc.nat(100),
  countByClass: perClass,
  countPcu: fc.double({ min: 0, max: 100, noNaN: true }),
  occupancy: fc.double({ min: 0, max: 1, noNaN: true }),
  queueLengthM: fc.double({ min: 0, max: 500, noNaN: true }),
  queueVehicles: fc.nat(100),
  queuePcu: fc.double({ min: 0, max: 100, noNaN: true }),
  vehiclesInZone: fc.nat(100),
  presentByClass: perClass,
  densityVehPerKm: fc.double({ min: 0, max: 1000, noNaN: true }),
  densityPcuPerKm: fc.double({ min: 0, max: 1000, noNaN: true }),
  meanSpeedMps: fc.option(fc.double({ min: 0, max: 40, noNaN: true }), { nil: null }),
  zoneLengthM: fc.double({ min: 0.5, max: 200, noNaN: true }),
});
const validMessage = fc.record({ type: fc.constant('measurement' as const), seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), timeMs: fc.nat(), lanes: fc.array(validLane, { maxLength: 10 }) });

/** Values a broken or hostile agent might put anywhere. */
const oddValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(-1),
  fc.constant(0),
  fc.constant(0.5),
  fc.constant(1.5),
  fc.constant(901),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(2 ** 60),
  fc.constant(''),
  fc.constant('7'),
  fc.constant(true),
  fc.constant([]),
  fc.constant({}),
);

/** A valid message with one field somewhere replaced, removed or added (JSON round trip, as off the wire). */
const mutated = fc.tuple(validMessage, fc.nat(), fc.nat(), fc.constantFrom('replace', 'remove', 'add'), oddValue).map(([m, laneAt, keyAt, how, value]) => {
  const copy = JSON.parse(JSON.stringify(m)) as Record<string, unknown> & { lanes: Record<string, unknown>[] };
  const pickIn = (o: Record<string, unknown>): [Record<string, unknown>, string] => {
    const keys = Object.keys(o);
    const key = keys[keyAt % keys.length]!;
    const inner = o[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && keyAt % 3 === 0) return pickIn(inner as Record<string, unknown>);
    return [o, key];
  };
  const [target, key] = copy.lanes.length > 0 && laneAt % 4 !== 0 ? pickIn(copy.lanes[laneAt % copy.lanes.length]!) : pickIn(copy);
  if (how === 'replace') target[key] = value;
  else if (how === 'remove') delete target[key];
  else target.extra = value;
  return copy;
});

describe('fast measurement check (the centre hot path)', () => {
  it('accepts every valid measurement message (so the fast path is used)', () => {
    fc.assert(
      fc.property(validMessage, (m) => {
        const wire = JSON.parse(JSON.stringify(m));
        expect(MeasurementMessage.safeParse(wire).success).toBe(true);
        expect(isValidMeasurementMessage(wire)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts what the schema refuses; parseAgentMessage still names what is wrong', () => {
    let refused = 0;
    fc.assert(
      fc.property(mutated, (m) => {
        if (isValidMeasurementMessage(m)) expect(MeasurementMessage.safeParse(m).success).toBe(true);
        // off the wire (JSON drops undefined, turns NaN into null): refused ones name the sender
        const text = JSON.stringify(m);
        if (!MeasurementMessage.safeParse(JSON.parse(text)).success) {
          refused++;
          expect(() => parseAgentMessage(text, 'agent x')).toThrow(/agent x/);
        }
      }),
      { numRuns: 2000 },
    );
    // the mutations do produce invalid messages (the property above is not vacuous)
    expect(refused).toBeGreaterThan(500);
  });

  it('refuses non-plain objects, too many lanes and unsafe integers', () => {
    const lane = JSON.parse(JSON.stringify(fc.sample(validLane, { numRuns: 1, seed: 1 })[0]));
    expect(isValidMeasurementMessage({ type: 'measurement', seq: 1, timeMs: 0, lanes: Array.from({ length: 65 }, () => lane) })).toBe(false);
    expect(isValidMeasurementMessage({ type: 'measurement', seq: 2 ** 60, timeMs: 0, lanes: [] })).toBe(false);
    expect(isValidMeasurementMessage(Object.assign(Object.create({ inherited: 1 }), { type: 'measurement', seq: 1, timeMs: 0, lanes: [] }))).toBe(false);
    expect(isValidMeasurementMessage({ type: 'measurement', seq: 1, timeMs: 0, lanes: [lane] })).toBe(true);
  });
});
