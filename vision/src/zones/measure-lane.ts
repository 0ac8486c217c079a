import { type LaneMeasurement, type PerClass, type VehicleClassName, type VehicleClassParams, defaultVehicleClasses, emptyPerClass } from '@greenwave/contracts';
import { stopLineQueue } from './stop-line-queue.ts';

/** A vehicle on a lane, on the ground. */
export interface LaneVehicle {
  class: VehicleClassName;
  /** Ground y of the front (m upstream of the stop line). The back is `frontM + class length`. */
  frontM: number;
  /** Ground speed (m/s); null when not yet known. */
  speedMps: number | null;
}

export interface LaneSnapshot {
  intersectionId: string;
  approachId: string;
  laneIndex: number;
  /** End of the interval. */
  timeMs: number;
  intervalS: number;
  /** The zone runs from the stop line (y = 0) to this far upstream. */
  zoneLengthM: number;
  /** Vehicles on this lane at the end of the interval (any position; the zone is applied here). */
  vehicles: readonly LaneVehicle[];
  /** Vehicles counted at the stop line (the first count line) during the interval, per class. */
  crossings: Readonly<PerClass<number>>;
  /** Lengths and PCU per class (the twin's defaults). */
  vehicleClasses?: Readonly<Record<VehicleClassName, VehicleClassParams>>;
  /** Motorbikes ride this many abreast, so one covers this share of the lane width (2, the twin's default). */
  motorbikeColumnsPerLane?: number;
}

/**
 * One lane's measurement, computed as the twin's perfect camera computes it (`readLane`): stop-line counts and PCU;
 * occupancy from each vehicle's ground footprint (front to front + class length) overlapping the zone, a motorbike
 * covering 1/columns of the width; queue by the twin's chain rule; vehicles in zone, density per km, mean speed of
 * the vehicles in the zone whose speed is known (null when there is none). Pure.
 */
export function measureLane(snapshot: LaneSnapshot): LaneMeasurement {
  const classes = snapshot.vehicleClasses ?? defaultVehicleClasses;
  const columns = snapshot.motorbikeColumnsPerLane ?? 2;
  const zoneLength = snapshot.zoneLengthM;
  let covered = 0;
  let present = 0;
  let presentPcu = 0;
  let speedSum = 0;
  let speedCount = 0;
  const presentByClass = emptyPerClass();
  for (const vehicle of snapshot.vehicles) {
    const back = vehicle.frontM + classes[vehicle.class].lengthM;
    if (vehicle.frontM >= zoneLength || back <= 0) continue;
    const overlap = Math.min(back, zoneLength) - Math.max(vehicle.frontM, 0);
    covered += vehicle.class === 'motorbike' ? overlap / columns : overlap;
    present++;
    presentPcu += classes[vehicle.class].pcu;
    presentByClass[vehicle.class]++;
    if (vehicle.speedMps !== null) {
      speedSum += Math.max(0, vehicle.speedMps);
      speedCount++;
    }
  }
  const queue = stopLineQueue(snapshot.vehicles.map((v) => ({ frontM: v.frontM, lengthM: classes[v.class].lengthM, pcu: classes[v.class].pcu, speedMps: v.speedMps })));
  const countByClass = { ...emptyPerClass(), ...snapshot.crossings };
  const count = countByClass.motorbike + countByClass.car + countByClass.bus + countByClass.truck;
  const countPcu = countByClass.motorbike * classes.motorbike.pcu + countByClass.car * classes.car.pcu + countByClass.bus * classes.bus.pcu + countByClass.truck * classes.truck.pcu;
  return {
    intersectionId: snapshot.intersectionId,
    approachId: snapshot.approachId,
    laneIndex: snapshot.laneIndex,
    timeMs: snapshot.timeMs,
    intervalS: snapshot.intervalS,
    count,
    countByClass,
    countPcu: roundToHundredths(countPcu),
    occupancy: Math.min(1, covered / zoneLength),
    queueLengthM: queue.lengthM,
    queueVehicles: queue.vehicles,
    queuePcu: roundToHundredths(queue.pcu),
    vehiclesInZone: present,
    presentByClass,
    densityVehPerKm: (present / zoneLength) * 1000,
    densityPcuPerKm: (presentPcu / zoneLength) * 1000,
    meanSpeedMps: speedCount === 0 ? null : speedSum / speedCount,
    zoneLengthM: zoneLength,
  };
}

function roundToHundredths(value: number): number {
  return Math.round(value * 100) / 100;
}
