import { type ControllerConfigInput, type Intersection, Network, type RoadClass, type Scenario, type ScenarioInput, Scenario as ScenarioSchema, parseWith } from '@greenwave/contracts';
import { type LegSpec, type Phasing, buildIntersection } from '../network/intersection-builder.ts';

/** A four-leg junction with N/E/S/W legs, for tests and examples. Main street runs east-west. */
export function fourLegIntersection(options: {
  id?: string;
  phasing?: Phasing;
  mainLanes?: number;
  sideLanes?: number;
  mainClass?: RoadClass;
  sideClass?: RoadClass;
  control?: ControllerConfigInput;
  cycleS?: number;
} = {}): Intersection {
  const id = options.id ?? 'x1';
  const leg = (name: string, bearingDeg: number, lanes: number, roadClass: RoadClass): LegSpec => ({
    id: name,
    bearingDeg,
    inboundEdgeId: `${id}-${name}-in`,
    outboundEdgeId: `${id}-${name}-out`,
    inboundLanes: lanes,
    roadClass,
  });
  const main = options.mainLanes ?? 2;
  const side = options.sideLanes ?? 1;
  const mainClass = options.mainClass ?? 'arterial';
  const sideClass = options.sideClass ?? 'local';
  return buildIntersection({
    id,
    name: `Test junction ${id}`,
    legs: [leg('N', 0, side, sideClass), leg('E', 90, main, mainClass), leg('S', 180, side, sideClass), leg('W', 270, main, mainClass)],
    mainLegs: ['W', 'E'],
    phasing: options.phasing ?? 'nema8',
    ...(options.control ? { control: options.control } : {}),
    ...(options.cycleS ? { cycleS: options.cycleS } : {}),
  });
}

/** A junction of a two-way main street with a one-way side street entering from the north only. */
export function oneWaySideIntersection(id = 'x2'): Intersection {
  return buildIntersection({
    id,
    name: `One-way side ${id}`,
    legs: [
      { id: 'N', bearingDeg: 0, inboundEdgeId: `${id}-N-in`, outboundEdgeId: null, inboundLanes: 1, roadClass: 'local' },
      { id: 'E', bearingDeg: 90, inboundEdgeId: `${id}-E-in`, outboundEdgeId: `${id}-E-out`, inboundLanes: 2, roadClass: 'arterial' },
      { id: 'S', bearingDeg: 180, inboundEdgeId: null, outboundEdgeId: `${id}-S-out`, inboundLanes: 0, roadClass: 'local' },
      { id: 'W', bearingDeg: 270, inboundEdgeId: `${id}-W-in`, outboundEdgeId: `${id}-W-out`, inboundLanes: 2, roadClass: 'arterial' },
    ],
    mainLegs: ['W', 'E'],
    phasing: 'nema8',
  });
}

/**
 * A network of one four-leg junction with boundary links of `legM` metres on every leg. Edge ids:
 * `in-N`, `out-N`, ... Main street runs east-west.
 */
export function singleJunctionNetwork(options: { legM?: number; mainLanes?: number; sideLanes?: number; phasing?: Phasing } = {}): Network {
  const legM = options.legM ?? 400;
  const main = options.mainLanes ?? 2;
  const side = options.sideLanes ?? 1;
  const legs = [
    { id: 'N', x: 0, y: legM, lanes: side, cls: 'local' as RoadClass },
    { id: 'E', x: legM, y: 0, lanes: main, cls: 'arterial' as RoadClass },
    { id: 'S', x: 0, y: -legM, lanes: side, cls: 'local' as RoadClass },
    { id: 'W', x: -legM, y: 0, lanes: main, cls: 'arterial' as RoadClass },
  ];
  const nodes = [{ id: 'J', kind: 'signalised' as const, xM: 0, yM: 0, name: 'Test junction' }, ...legs.map((l) => ({ id: `b-${l.id}`, kind: 'boundary' as const, xM: l.x, yM: l.y }))];
  const edges = legs.flatMap((l) => [
    { id: `in-${l.id}`, name: `${l.id} street`, from: `b-${l.id}`, to: 'J', lengthM: legM, lanes: l.lanes, speedLimitMps: 13.9, roadClass: l.cls, zone: false },
    { id: `out-${l.id}`, name: `${l.id} street`, from: 'J', to: `b-${l.id}`, lengthM: legM, lanes: l.lanes, speedLimitMps: 13.9, roadClass: l.cls, zone: false },
  ]);
  const bearing: Record<string, number> = { N: 0, E: 90, S: 180, W: 270 };
  const junction = buildIntersection({
    id: 'J',
    name: 'Test junction',
    legs: legs.map((l) => ({ id: l.id, bearingDeg: bearing[l.id]!, inboundEdgeId: `in-${l.id}`, outboundEdgeId: `out-${l.id}`, inboundLanes: l.lanes, roadClass: l.cls })),
    mainLegs: ['W', 'E'],
    phasing: options.phasing ?? 'two-stage',
  });
  return parseWith(Network, { name: 'single-junction', nodes, edges, intersections: [junction] }, 'single junction fixture');
}

/** A scenario with no generated demand, for tests that inject their own vehicles. */
export function quietScenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  return ScenarioSchema.parse({
    name: 'test',
    seed: 7,
    network: { kind: 'file', path: 'unused.json' },
    startTime: '07:00',
    warmupS: 0,
    demand: { peakVehiclesPerHour: 0, profile: [{ time: '00:00', factor: 1 }], classMix: { motorbike: 0, car: 1, bus: 0, truck: 0 } },
    control: { default: { kind: 'fixed' } },
    ...overrides,
  });
}
