export { CABINET_TICK_MS, Cabinet, GREEN, RED, RED_CLEARANCE, STARTUP_ALL_RED_MS, YELLOW } from './cabinet/cabinet.ts';
export type { CabinetOptions, RequestResult } from './cabinet/cabinet.ts';
export { cycleTimeMs, inWindow, planWindows } from './cabinet/plan-windows.ts';
export type { PlanWindows } from './cabinet/plan-windows.ts';
export { SafetyObserver } from './cabinet/safety-observer.ts';
export type { ObservedSignal } from './cabinet/safety-observer.ts';
export { buildIntersection, laneTurns, legForTurn } from './network/intersection-builder.ts';
export type { IntersectionSpec, LegSpec, Phasing } from './network/intersection-builder.ts';
export { fourLegIntersection, oneWaySideIntersection } from './testing/fixtures.ts';
