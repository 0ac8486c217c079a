export { loadBudgets, percentile, withinBudget } from './budgets.ts';
export type { Budget } from './budgets.ts';
export { decisionTicksMs } from './decision-tick.ts';
export { fieldRoundTrips } from './field-roundtrip.ts';
export { measureTraciSpeed } from './traci-speed.ts';
export { BENCH_VEHICLES_PER_HOUR, runTwinHour } from './twin-speed.ts';
