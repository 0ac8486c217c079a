import type { ApproachView, ApproachVehicle } from '@greenwave/contracts';
import { type HeadingWobble, placeVehicle } from './approach-geometry.ts';

/** How fast a vehicle moves across the road while changing lane or motorbike column (m/s). */
export interface LateralSpeeds {
  motorbike: number;
  other: number;
}

/** A car takes ~3 s over a 3.5 m lane change; a motorbike slips into the next column a little quicker. */
export const DEFAULT_LATERAL_SPEEDS: LateralSpeeds = { motorbike: 1.5, other: 1.2 };

interface Lateral {
  /** Where `placeVehicle` puts it (m across). */
  baseX: number;
  offsetM: number;
  timeS: number;
}

/**
 * The twin moves a vehicle to another lane (or motorbike column) from one step to the next; a camera would see it
 * drift across over a few seconds. Per approach, this remembers where each vehicle was drawn and sets
 * `lateralOffsetM` so that it slides from there to its new lane at a bounded lateral speed. Views must come in time
 * order (one smoother per camera); vehicles not seen for 5 s are forgotten.
 */
export class LaneChangeSmoother {
  private readonly vehicles = new Map<number, Lateral>();

  constructor(
    private readonly seed: number,
    private readonly speeds: LateralSpeeds = DEFAULT_LATERAL_SPEEDS,
    private readonly wobble?: HeadingWobble,
  ) {}

  smooth(view: ApproachView): ApproachView {
    const vehicles = view.vehicles.map((vehicle) => this.vehicle(view, vehicle));
    for (const [id, lateral] of this.vehicles) if (view.timeS - lateral.timeS > 5) this.vehicles.delete(id);
    return { ...view, vehicles };
  }

  private vehicle(view: ApproachView, vehicle: ApproachVehicle): ApproachVehicle {
    const baseX = placeVehicle(view, { ...vehicle, lateralOffsetM: 0 }, this.seed, this.wobble).x;
    const previous = this.vehicles.get(vehicle.id);
    let offsetM = 0;
    if (previous !== undefined) {
      const drawnBefore = previous.baseX + previous.offsetM;
      const wanted = drawnBefore - baseX;
      const step = (vehicle.class === 'motorbike' ? this.speeds.motorbike : this.speeds.other) * Math.max(0, view.timeS - previous.timeS);
      offsetM = Math.sign(wanted) * Math.max(0, Math.abs(wanted) - step);
    }
    this.vehicles.set(vehicle.id, { baseX, offsetM, timeS: view.timeS });
    return offsetM === 0 ? vehicle : { ...vehicle, lateralOffsetM: offsetM };
  }
}
