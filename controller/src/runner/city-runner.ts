import type { ControllerConfig, LaneMeasurement } from '@greenwave/contracts';
import { type RtJunction, type Twin, readJunction } from '@greenwave/simulator';
import { type Controlled, DecisionLoop, type LoopStats } from './decision-loop.ts';

export type RunnerStats = LoopStats;

/**
 * Closes the loop on the twin: each decision interval it reads every junction's camera and runs one decision round
 * (controllers, safety supervisor, requests to the cabinets).
 */
export class CityRunner {
  readonly loop: DecisionLoop;
  /** Per junction, in the order of `twin.junctions`: the junction and its controller. */
  readonly managed: (Controlled & { junction: RtJunction })[];
  /** Latest measurements by junction id. */
  readonly latest = new Map<string, LaneMeasurement[]>();
  /** Junctions measured by something else than the twin's perfect camera (e.g. the camera -> vision path). */
  readonly sources = new Map<string, { read(timeMs: number): LaneMeasurement[] }>();

  constructor(
    private readonly twin: Twin,
    configFor: (junction: RtJunction) => ControllerConfig,
    private readonly intervalS = 1,
  ) {
    this.loop = new DecisionLoop(twin.junctions.map((j) => ({ intersection: j.intersection, model: j.model, cabinet: j.cabinet, config: configFor(j) })));
    this.managed = this.loop.entries.map((entry, i) => Object.assign(entry, { junction: twin.junctions[i]! }));
  }

  get stats(): RunnerStats {
    return this.loop.stats;
  }

  get lastDecisionNs(): number {
    return this.loop.lastDecisionNs;
  }

  get decisionNs(): number {
    return this.loop.decisionNs;
  }

  /** Call after each twin step; decides every `intervalS` seconds. */
  tick(): void {
    const twin = this.twin;
    if (twin.simS % this.intervalS !== 0) return;
    const timeMs = twin.simS * 1000;
    const lanes = this.managed.map((m) => {
      const measured = this.sources.get(m.junction.id)?.read(timeMs) ?? readJunction(m.junction, timeMs, this.intervalS);
      this.latest.set(m.junction.id, measured);
      return measured;
    });
    this.loop.decide(timeMs, lanes);
  }
}
