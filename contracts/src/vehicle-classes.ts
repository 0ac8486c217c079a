import { z } from 'zod';

export const vehicleClassNames = ['motorbike', 'car', 'bus', 'truck'] as const;
export const VehicleClassName = z.enum(vehicleClassNames).meta({ description: 'Vehicle class' });
export type VehicleClassName = z.infer<typeof VehicleClassName>;

export const VehicleClassParams = z
  .strictObject({
    lengthM: z.number().positive().max(30).meta({ description: 'Body length (m)' }),
    minGapM: z.number().min(0).max(10).meta({ description: 'Gap kept to the leader when stopped (m)' }),
    maxSpeedMps: z.number().positive().max(40).meta({ description: 'Desired top speed (m/s)' }),
    accelMps2: z.number().positive().max(10).meta({ description: 'Maximum acceleration (m/s²)' }),
    decelMps2: z.number().positive().max(10).meta({ description: 'Comfortable deceleration (m/s²)' }),
    reactionTimeS: z.number().positive().max(3).meta({ description: 'Krauss tau: desired time headway (s)' }),
    imperfection: z.number().min(0).max(1).meta({ description: 'Krauss sigma: random dawdling 0..1' }),
    pcu: z.number().positive().max(5).meta({ description: 'Passenger-car units' }),
  })
  .meta({ title: 'VehicleClassParams', description: 'Dynamics and size of one vehicle class' });
export type VehicleClassParams = z.infer<typeof VehicleClassParams>;

/**
 * Defaults. Car reaction time 1.15 s calibrates a saturated through lane of cars to ~1,850 veh/h in the twin.
 * Motorbikes ride two abreast in a lane (see the simulator README); the PCU here (0.3, Vietnamese practice) is what
 * controllers weight counts by.
 */
export const defaultVehicleClasses: Record<VehicleClassName, VehicleClassParams> = {
  motorbike: { lengthM: 1.9, minGapM: 1.0, maxSpeedMps: 12.5, accelMps2: 2.8, decelMps2: 4.5, reactionTimeS: 1.0, imperfection: 0.3, pcu: 0.3 },
  car: { lengthM: 4.5, minGapM: 2.5, maxSpeedMps: 15.3, accelMps2: 2.6, decelMps2: 4.5, reactionTimeS: 1.15, imperfection: 0.5, pcu: 1.0 },
  bus: { lengthM: 11.0, minGapM: 2.5, maxSpeedMps: 12.5, accelMps2: 1.2, decelMps2: 4.0, reactionTimeS: 1.0, imperfection: 0.5, pcu: 2.0 },
  truck: { lengthM: 9.0, minGapM: 2.5, maxSpeedMps: 12.5, accelMps2: 1.3, decelMps2: 4.0, reactionTimeS: 1.0, imperfection: 0.5, pcu: 2.5 },
};

export const ClassMix = z
  .strictObject({ motorbike: z.number().min(0).max(1), car: z.number().min(0).max(1), bus: z.number().min(0).max(1), truck: z.number().min(0).max(1) })
  .refine((mix) => Math.abs(mix.motorbike + mix.car + mix.bus + mix.truck - 1) < 1e-6, {
    message: 'class shares must add up to 1',
  })
  .meta({ title: 'ClassMix', description: 'Share of each vehicle class in demand (sums to 1)' });
export type ClassMix = z.infer<typeof ClassMix>;

export type PerClass<T> = Record<VehicleClassName, T>;
export function perClass<T>(make: (name: VehicleClassName) => T): PerClass<T> {
  return { motorbike: make('motorbike'), car: make('car'), bus: make('bus'), truck: make('truck') };
}
