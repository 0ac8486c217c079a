import { z } from 'zod';

export const controllerKinds = ['fixed', 'webster', 'actuated', 'density', 'queue', 'maxpressure'] as const;
export const ControllerKind = z.enum(controllerKinds);
export type ControllerKind = z.infer<typeof ControllerKind>;

const seconds = (description: string, fallback: number, min = 0, max = 3600) =>
  z.number().min(min).max(max).default(fallback).meta({ description });

export const FixedControllerConfig = z
  .strictObject({ kind: z.literal('fixed') })
  .meta({ title: 'FixedControllerConfig', description: 'Runs the intersection’s stored fallback plan unchanged' });

export const WebsterControllerConfig = z
  .strictObject({
    kind: z.literal('webster'),
    replanIntervalS: seconds('How often cycle and splits are recomputed from measured flows (s)', 900, 60),
    minCycleS: seconds('Shortest cycle (s)', 40, 20, 300),
    maxCycleS: seconds('Longest cycle (s)', 150, 30, 300),
    saturationFlowPcuPerHourPerLane: z.number().min(500).max(3000).default(1850),
    startupLostTimeS: seconds('Start-up lost time per phase (s)', 2, 0, 10),
  })
  .meta({ title: 'WebsterControllerConfig', description: 'Fixed-time plan, Webster cycle and splits from measured flows' });

export const ActuatedControllerConfig = z
  .strictObject({
    kind: z.literal('actuated'),
    detectorLengthM: z.number().min(1).max(200).default(30).meta({ description: 'Presence zone from the stop line (m)' }),
  })
  .meta({ title: 'ActuatedControllerConfig', description: 'Gap-out / max-out per phase from detector calls' });

export const DensityControllerConfig = z
  .strictObject({
    kind: z.literal('density'),
    minCycleS: seconds('Shortest cycle (s)', 40, 20, 300),
    maxCycleS: seconds('Longest cycle (s)', 90, 30, 300),
    targetDegreeOfSaturation: z.number().min(0.5).max(1).default(0.9),
    cycleGain: z.number().min(0).max(2).default(0.5).meta({ description: 'Fraction of the DS error corrected per cycle' }),
    emptyDensityPcuPerKm: z.number().min(0).max(50).default(6).meta({ description: 'Below this the served phase is empty and may end early' }),
  })
  .meta({ title: 'DensityControllerConfig', description: 'Splits from lane densities, cycle from degree of saturation' });

export const QueueControllerConfig = z
  .strictObject({
    kind: z.literal('queue'),
    dischargedQueuePcu: z.number().min(0).max(20).default(1).meta({ description: 'Queue at or below this counts as discharged (PCU)' }),
    maxWaitS: seconds('A phase with demand waiting longer than this is served next (s)', 90, 10, 600),
  })
  .meta({ title: 'QueueControllerConfig', description: 'Serve and extend by measured queues until discharged' });

export const MaxPressureControllerConfig = z
  .strictObject({
    kind: z.literal('maxpressure'),
    switchMarginPcu: z.number().min(0).max(50).default(2).meta({ description: 'A new stage must beat the current one by this pressure' }),
    maxWaitS: seconds('Starvation guard: demand waiting longer than this is served next (s)', 90, 10, 600),
  })
  .meta({ title: 'MaxPressureControllerConfig', description: 'Varaiya max-pressure, work-conserving' });

export const ControllerConfig = z
  .discriminatedUnion('kind', [
    FixedControllerConfig,
    WebsterControllerConfig,
    ActuatedControllerConfig,
    DensityControllerConfig,
    QueueControllerConfig,
    MaxPressureControllerConfig,
  ])
  .meta({ title: 'ControllerConfig', description: 'Which control algorithm runs an intersection, with its parameters' });
export type ControllerConfig = z.infer<typeof ControllerConfig>;
export type ControllerConfigInput = z.input<typeof ControllerConfig>;
export type ControllerConfigOf<K extends ControllerKind> = Extract<ControllerConfig, { kind: K }>;

/** The config of a controller kind with every parameter at its default. */
export function defaultControllerConfig<K extends ControllerKind>(kind: K): ControllerConfigOf<K> {
  return ControllerConfig.parse({ kind }) as ControllerConfigOf<K>;
}
