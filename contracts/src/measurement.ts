import { z } from 'zod';
import { VehicleClassName, vehicleClassNames, type PerClass } from './vehicle-classes.ts';

const perClassCount = z
  .strictObject({ motorbike: z.number().int().min(0), car: z.number().int().min(0), bus: z.number().int().min(0), truck: z.number().int().min(0) })
  .meta({ description: 'Vehicles per class' });

/**
 * What a camera (or the twin's perfect camera) reports for one inbound lane over one interval (normally 1 s).
 * The same schema carries twin, field-camera and detector data, so controllers cannot tell them apart.
 */
export const LaneMeasurement = z
  .strictObject({
    intersectionId: z.string().min(1),
    approachId: z.string().min(1),
    laneIndex: z.number().int().min(0).max(7),
    timeMs: z.number().int().min(0).meta({ description: 'End of the interval (ms since the epoch or the scenario start)' }),
    intervalS: z.number().positive().max(900),
    count: z.number().int().min(0).meta({ description: 'Vehicles that crossed the stop line in the interval' }),
    countByClass: perClassCount,
    countPcu: z.number().min(0).meta({ description: 'Stop-line count in passenger-car units' }),
    occupancy: z.number().min(0).max(1).meta({ description: 'Share of the zone’s lane area covered by vehicles at the end of the interval' }),
    queueLengthM: z.number().min(0).meta({ description: 'From the stop line to the back of the last queued (stopped) vehicle' }),
    queueVehicles: z.number().int().min(0),
    queuePcu: z.number().min(0),
    vehiclesInZone: z.number().int().min(0),
    presentByClass: perClassCount.meta({ description: 'Vehicles in the zone per class' }),
    densityVehPerKm: z.number().min(0).meta({ description: 'Vehicles per km in the zone (this lane)' }),
    densityPcuPerKm: z.number().min(0),
    meanSpeedMps: z.number().min(0).nullable().meta({ description: 'Mean speed of vehicles in the zone; null when empty' }),
    zoneLengthM: z.number().positive(),
  })
  .meta({ title: 'LaneMeasurement', description: 'Per-lane camera measurement for one interval' });
export type LaneMeasurement = z.infer<typeof LaneMeasurement>;

export function emptyPerClass(): PerClass<number> {
  return { motorbike: 0, car: 0, bus: 0, truck: 0 };
}

export { VehicleClassName, vehicleClassNames };
