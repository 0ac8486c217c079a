import type { PhaseModel } from '@greenwave/contracts';
import { GREEN, RED, RED_CLEARANCE, STARTUP_ALL_RED_MS, YELLOW } from './cabinet.ts';

/** What the observer needs from a signal: the interval of each phase and whether it is dark/flashing. */
export interface ObservedSignal {
  readonly timeMs: number;
  intervalOf(phase: number): number;
  isDark(): boolean;
}

/**
 * Watches a signal from outside, tick by tick, and records every breach of the safety rules: conflicting
 * greens/yellows, more than one phase per ring, phases of two barrier groups at once, a green shorter than its
 * minimum, a yellow or red clearance cut short, a green started before conflicting phases cleared.
 * It keeps its own clocks and does not trust the cabinet's.
 */
export class SafetyObserver {
  readonly violations: string[] = [];
  private readonly last = new Uint8Array(17);
  private readonly since = new Float64Array(17);
  /** When the signal was last seen dark or flashing (or powered up): greens wait for the start-up all-red after it. */
  private lastDarkMs: number;
  observations = 0;
  /** Greens started, for tests to check they exercised something. */
  greenStarts = 0;

  constructor(
    private readonly model: PhaseModel,
    options: { powerUpMs?: number; limit?: number } = {},
  ) {
    this.lastDarkMs = options.powerUpMs ?? 0;
    this.limit = options.limit ?? 50;
  }

  private readonly limit: number;

  private fail(message: string): void {
    if (this.violations.length < this.limit) this.violations.push(message);
  }

  observe(signal: ObservedSignal): void {
    this.observations++;
    const t = signal.timeMs;
    const model = this.model;
    if (signal.isDark()) {
      // flash/dark is the safe state: every phase counts as red from here
      this.lastDarkMs = t;
      for (const p of model.phases) {
        this.last[p] = RED;
        this.since[p] = t;
      }
      return;
    }
    const now = new Uint8Array(17);
    for (const p of model.phases) now[p] = signal.intervalOf(p);

    for (const p of model.phases) {
      const before = this.last[p]!;
      const after = now[p]!;
      if (before === after) continue;
      this.checkTransition(t, p, before, after, now);
      this.since[p] = t;
    }

    // instantaneous rules
    const phases = model.phases;
    let barrier = -1;
    const ringBusy = new Int8Array(model.rings.length);
    for (let i = 0; i < phases.length; i++) {
      const a = phases[i]!;
      const ia = now[a]!;
      if (ia === RED) continue;
      const ring = model.ringOf[a]!;
      if (ringBusy[ring]) this.fail(`t=${t}: two phases active in ring ${ring + 1}`);
      ringBusy[ring] = 1;
      const b = model.barrierOf[a]!;
      if (barrier !== -1 && barrier !== b) this.fail(`t=${t}: phases of two barrier groups active`);
      barrier = b;
      if (ia !== GREEN && ia !== YELLOW) continue;
      for (let j = i + 1; j < phases.length; j++) {
        const c = phases[j]!;
        if ((now[c] === GREEN || now[c] === YELLOW) && model.conflicts.conflicts(a, c)) this.fail(`t=${t}: conflicting phases ${a} and ${c} shown together`);
      }
    }
    this.last.set(now);
  }

  private checkTransition(t: number, p: number, before: number, after: number, now: Uint8Array): void {
    const timing = this.model.timing[p]!;
    const lasted = t - this.since[p]!;
    // leaving yellow or red clearance (to red, or back to green within one tick): durations complete
    if (before === YELLOW) {
      if (lasted + 1e-6 < timing.yellowS * 1000) this.fail(`t=${t} phase ${p}: yellow lasted ${lasted} ms < ${timing.yellowS} s`);
      if (after !== RED_CLEARANCE && timing.redClearanceS > 0) this.fail(`t=${t} phase ${p}: red clearance skipped`);
    }
    if (before === RED_CLEARANCE && lasted + 1e-6 < timing.redClearanceS * 1000) {
      this.fail(`t=${t} phase ${p}: red clearance lasted ${lasted} ms < ${timing.redClearanceS} s`);
    }
    if (after === GREEN) {
      this.greenStarts++;
      if (t - this.lastDarkMs < STARTUP_ALL_RED_MS) this.fail(`t=${t} phase ${p}: green during start-up all-red`);
      for (const q of this.model.phases) {
        // a conflicting phase may finish its red clearance in the same tick, never later
        if (q !== p && this.model.conflicts.conflicts(p, q) && now[q] !== RED) this.fail(`t=${t} phase ${p}: green while conflicting phase ${q} not cleared`);
      }
    } else if (after === YELLOW) {
      if (before !== GREEN) this.fail(`t=${t} phase ${p}: yellow not after green`);
      if (lasted + 1e-6 < timing.minGreenS * 1000) this.fail(`t=${t} phase ${p}: green lasted ${lasted} ms < min ${timing.minGreenS} s`);
    } else if (before === GREEN) {
      this.fail(`t=${t} phase ${p}: green ended without yellow`);
    }
  }
}
