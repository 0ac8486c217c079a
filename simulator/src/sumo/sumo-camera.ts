import { writeFileSync } from 'node:fs';
import { type LaneMeasurement, emptyPerClass } from '@greenwave/contracts';
import type { ImportedTls } from './net-import.ts';
import type { SubscriptionResults, TraciClient } from './traci/client.ts';
import { TRACI } from './traci/constants.ts';

const LANE_VARIABLES = [TRACI.LAST_STEP_VEHICLE_HALTING_NUMBER, TRACI.LAST_STEP_LENGTH];
const ZONE_VARIABLES = [TRACI.LAST_STEP_VEHICLE_NUMBER, TRACI.LAST_STEP_MEAN_SPEED, TRACI.LAST_STEP_OCCUPANCY];
const loopId = (laneId: string) => `gw_loop_${laneId}`;
const zoneId = (laneId: string) => `gw_zone_${laneId}`;

/** How much of a lane's end a camera zone covers (m), as the twin's default detection zone. */
export const SUMO_ZONE_M = 60;

function zoneLength(lengthM: number): number {
  return Math.max(1, Math.min(SUMO_ZONE_M, lengthM - 0.5));
}

/**
 * SUMO additional file with, on every measured lane, an induction loop at the stop line (counts) and a lane-area
 * detector over the last SUMO_ZONE_M metres (the camera zone: presence, density, speed, occupancy).
 */
export function writeStopLineLoops(file: string, tlss: readonly ImportedTls[]): void {
  const lines = tlss.flatMap((t) =>
    t.lanes.flatMap((l) => [
      `  <inductionLoop id="${loopId(l.laneId)}" lane="${l.laneId}" pos="-1" friendlyPos="true" period="3600" file="/dev/null"/>`,
      `  <laneAreaDetector id="${zoneId(l.laneId)}" lane="${l.laneId}" endPos="-0.1" length="${zoneLength(l.lengthM).toFixed(1)}" friendlyPos="true" period="3600" file="/dev/null"/>`,
    ]),
  );
  writeFileSync(file, `<additional>\n${lines.join('\n')}\n</additional>\n`);
}

/**
 * Turns SUMO detector data into greenwave's per-lane measurements, so controllers cannot tell SUMO from the twin or
 * a camera. Data comes by subscription with every simulation step: counts from a stop-line loop; presence, density,
 * speed and occupancy from a lane-area detector over the last 60 m (the camera zone); the queue from the lane's halting
 * vehicles (the whole lane), its length as their number times their mean length plus a 2.5 m gap. Vehicles are not
 * split by class (all count as cars).
 */
export class SumoCamera {
  private readonly counts = new Map<string, number>();
  private latest: SubscriptionResults = new Map();

  constructor(private readonly tlss: readonly ImportedTls[]) {}

  async subscribe(client: TraciClient): Promise<void> {
    await client.batch(() => {
      for (const t of this.tlss) {
        for (const lane of t.lanes) {
          void client.subscribeLane(lane.laneId, LANE_VARIABLES);
          void client.subscribeInductionLoop(loopId(lane.laneId), [TRACI.LAST_STEP_VEHICLE_NUMBER]);
          void client.subscribeLaneArea(zoneId(lane.laneId), ZONE_VARIABLES);
        }
      }
    });
  }

  /** Takes the subscription results of a step; stop-line counts accumulate until read. */
  update(results: SubscriptionResults): void {
    this.latest = results;
    const loops = results.get(TRACI.RESPONSE_SUBSCRIBE_INDUCTIONLOOP_VARIABLE);
    if (!loops) return;
    for (const [id, values] of loops) this.counts.set(id, (this.counts.get(id) ?? 0) + ((values.get(TRACI.LAST_STEP_VEHICLE_NUMBER) as number) ?? 0));
  }

  read(tls: ImportedTls, timeMs: number, intervalS: number): LaneMeasurement[] {
    const lanes = this.latest.get(TRACI.RESPONSE_SUBSCRIBE_LANE_VARIABLE);
    const zones = this.latest.get(TRACI.RESPONSE_SUBSCRIBE_LANEAREA_VARIABLE);
    return tls.lanes.map((l) => {
      const v = lanes?.get(l.laneId);
      const z = zones?.get(zoneId(l.laneId));
      const zoneM = zoneLength(l.lengthM);
      const vehicles = (z?.get(TRACI.LAST_STEP_VEHICLE_NUMBER) as number) ?? 0;
      const halting = (v?.get(TRACI.LAST_STEP_VEHICLE_HALTING_NUMBER) as number) ?? 0;
      const meanLength = (v?.get(TRACI.LAST_STEP_LENGTH) as number) || 5;
      const occupancyPct = (z?.get(TRACI.LAST_STEP_OCCUPANCY) as number) ?? 0;
      const speed = (z?.get(TRACI.LAST_STEP_MEAN_SPEED) as number) ?? 0;
      const id = loopId(l.laneId);
      const count = this.counts.get(id) ?? 0;
      this.counts.set(id, 0);
      const countByClass = emptyPerClass();
      countByClass.car = count;
      const presentByClass = emptyPerClass();
      presentByClass.car = vehicles;
      const density = (vehicles / zoneM) * 1000;
      return {
        intersectionId: tls.intersection.id,
        approachId: l.approachId,
        laneIndex: l.laneIndex,
        timeMs,
        intervalS,
        count,
        countByClass,
        countPcu: count,
        occupancy: Math.min(1, Math.max(0, occupancyPct / 100)),
        queueLengthM: Math.min(l.lengthM, halting * (meanLength + 2.5)),
        queueVehicles: halting,
        queuePcu: halting,
        vehiclesInZone: vehicles,
        presentByClass,
        densityVehPerKm: density,
        densityPcuPerKm: density,
        meanSpeedMps: vehicles === 0 ? null : Math.max(0, speed),
        zoneLengthM: zoneM,
      };
    });
  }
}
