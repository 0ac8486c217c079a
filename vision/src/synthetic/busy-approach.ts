import type { ApproachVehicle, ApproachView } from '@greenwave/contracts';
import { makeRandom } from './approach-geometry.ts';

/** A queue on every lane, ~80% motorbikes (two columns), the rest cars, buses and trucks. */
export function busyApproach(timeS: number, lanes = 3, lengthM = 70, seed = 1): ApproachView {
  const random = makeRandom(seed);
  const vehicles: ApproachVehicle[] = [];
  let id = 1;
  for (let lane = 0; lane < lanes; lane++) {
    let d = 0.3 + random();
    while (d < lengthM) {
      const r = random();
      const cls = r < 0.8 ? 'motorbike' : r < 0.94 ? 'car' : r < 0.97 ? 'bus' : 'truck';
      const len = { motorbike: 1.9, car: 4.5, bus: 11, truck: 8 }[cls];
      if (cls === 'motorbike') {
        for (const column of [0, 1]) vehicles.push({ id: id++, class: cls, laneIndex: lane, column, columns: 2, distanceM: d + random() * 0.6, lengthM: len, speedMps: 0 });
      } else vehicles.push({ id: id++, class: cls, laneIndex: lane, column: -1, columns: 2, distanceM: d, lengthM: len, speedMps: 0 });
      d += len + 1 + random() * 1.5;
    }
  }
  return { intersectionId: 'bench', approachId: 'W', timeS, lanes: Array.from({ length: lanes }, (_, index) => ({ index, widthM: 3.5 })), exitLanes: lanes, vehicles };
}
