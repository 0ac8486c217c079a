import { z } from 'zod';
import { ControllerConfig } from './controller-config.ts';
import { ClassMix, VehicleClassParams } from './vehicle-classes.ts';

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time of day HH:MM (00:00..23:59)' });

/** `HH:MM` -> seconds after midnight */
export function clockToSeconds(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return (h ?? 0) * 3600 + (m ?? 0) * 60;
}

export function secondsToClock(seconds: number): string {
  const s = ((Math.floor(seconds) % 86400) + 86400) % 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

export const DanangGeneratorParams = z
  .strictObject({
    columns: z.number().int().min(2).max(40).default(20).meta({ description: 'Streets running north-south' }),
    rows: z.number().int().min(2).max(40).default(10).meta({ description: 'Streets running east-west' }),
    minBlockM: z.number().min(60).max(1000).default(140),
    maxBlockM: z.number().min(60).max(2000).default(420),
    arterialEvery: z.number().int().min(2).max(10).default(4).meta({ description: 'Every n-th street is an arterial' }),
    oneWayShare: z.number().min(0).max(0.6).default(0.2).meta({ description: 'Share of local streets that are one-way' }),
    boundaryLinkM: z.number().min(100).max(2000).default(300),
  })
  .refine((p) => p.maxBlockM >= p.minBlockM, { message: 'maxBlockM must be at least minBlockM', path: ['maxBlockM'] })
  .meta({ title: 'DanangGeneratorParams', description: 'Parameters of the generated Da Nang-like city' });
export type DanangGeneratorParams = z.infer<typeof DanangGeneratorParams>;

export const ScenarioNetwork = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('danang'), params: DanangGeneratorParams.default(DanangGeneratorParams.parse({})) }),
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1).meta({ description: 'Network JSON/YAML, relative to the scenario file' }) }),
]);

export const DemandProfilePoint = z.strictObject({
  time: clockTime,
  factor: z.number().min(0).max(3).meta({ description: 'Multiplier of peakVehiclesPerHour at this time' }),
});

export const Demand = z
  .strictObject({
    peakVehiclesPerHour: z.number().min(0).max(500_000).meta({ description: 'Trips generated per hour at factor 1' }),
    profile: z
      .array(DemandProfilePoint)
      .min(1)
      .meta({ description: 'Piecewise-linear time-of-day profile; wraps at midnight' }),
    classMix: ClassMix,
    weights: z
      .strictObject({
        arterialEntry: z.number().min(0).default(4),
        collectorEntry: z.number().min(0).default(2),
        localEntry: z.number().min(0).default(1),
        zone: z.number().min(0).default(1.5),
      })
      .default({ arterialEntry: 4, collectorEntry: 2, localEntry: 1, zone: 1.5 })
      .meta({ description: 'Relative weight of origins and destinations by kind' }),
    minTripM: z.number().min(0).default(600).meta({ description: 'Origin and destination at least this far apart (straight line)' }),
    meanTripM: z.number().min(100).max(100_000).default(2500).meta({ description: 'Gravity: trips longer than minTripM by d are kept with probability exp(-d / meanTripM)' }),
    routeVariants: z.number().int().min(1).max(16).default(4).meta({ description: 'Route tables drivers pick from; more spread traffic over parallel streets' }),
    routeSpread: z.number().min(0).max(1).default(0.25).meta({ description: 'Each variant perturbs edge times by up to ± this share' }),
  })
  .superRefine((demand, ctx) => {
    for (let i = 1; i < demand.profile.length; i++) {
      if (clockToSeconds(demand.profile[i]!.time) <= clockToSeconds(demand.profile[i - 1]!.time)) {
        ctx.addIssue({ code: 'custom', path: ['profile', i, 'time'], message: 'profile times must increase', input: demand.profile[i]!.time });
      }
    }
  })
  .meta({ title: 'Demand', description: 'Trips: how many, when, which classes, from where to where' });
export type Demand = z.infer<typeof Demand>;

export const Scenario = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'lower-case letters, digits and dashes' }),
    description: z.string().default(''),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    network: ScenarioNetwork,
    startTime: clockTime.meta({ description: 'Time of day the run starts (after warm-up)' }),
    warmupS: z.number().int().min(0).max(7200).default(600).meta({ description: 'Simulated before measuring starts' }),
    stepS: z.literal(1).default(1).meta({ description: 'Vehicle update step (s); signals time in 0.1 s inside it' }),
    motorbikeColumnsPerLane: z.number().int().min(1).max(3).default(2).meta({ description: 'Motorbikes ride this many abreast in a lane' }),
    vehicleClasses: z
      .strictObject({
        motorbike: VehicleClassParams.partial().optional(),
        car: VehicleClassParams.partial().optional(),
        bus: VehicleClassParams.partial().optional(),
        truck: VehicleClassParams.partial().optional(),
      })
      .default({})
      .meta({ description: 'Overrides of the default class parameters' }),
    demand: Demand,
    control: z
      .strictObject({
        default: ControllerConfig,
        decisionIntervalS: z.number().int().min(1).max(10).default(1),
      })
      .meta({ description: 'Controller for intersections that do not name their own' }),
  })
  .meta({ title: 'Scenario', description: 'A twin run: network, demand, classes and control' });
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;
