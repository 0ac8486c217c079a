import { Twin, loadScenario } from '@greenwave/simulator';

export interface TwinSpeedRun {
  wallS: number;
  vehicleUpdates: number;
  vehiclesEntered: number;
  intersections: number;
}

/** Demand of the budget (DESIGN.md section 7: ~18,000 vehicles in the hour). */
export const BENCH_VEHICLES_PER_HOUR = 18_000;

/**
 * One simulated peak hour of the default city with every cabinet running its own actuated logic (the twin alone,
 * no centre), at the budget's demand: wall time, vehicle updates and vehicles that entered. Starts from an empty
 * network at 07:00.
 */
export function runTwinHour(): TwinSpeedRun {
  const { scenario, network } = loadScenario('danang');
  const demand = { ...scenario.demand, peakVehiclesPerHour: BENCH_VEHICLES_PER_HOUR };
  const twin = new Twin({ scenario: { ...scenario, warmupS: 0, demand }, network });
  for (const junction of twin.junctions) junction.cabinet.request({ mode: 'actuated' });
  twin.startWindow(3600);
  const started = performance.now();
  for (let s = 0; s < 3600; s++) twin.step();
  const wallS = (performance.now() - started) / 1000;
  const open = twin.windowOpenTrips().count;
  return { wallS, vehicleUpdates: twin.vehicleUpdates, vehiclesEntered: twin.totals.completed + open, intersections: twin.junctions.length };
}
