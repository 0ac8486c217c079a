import { FaultCode, HiResEvent, buildPhaseModel } from '@greenwave/contracts';
import { describe, expect, it } from 'vitest';
import { fourLegIntersection } from '../testing/fixtures.ts';
import { Cabinet, GREEN, STARTUP_ALL_RED_MS } from './cabinet.ts';
import { SafetyObserver } from './safety-observer.ts';

const x = fourLegIntersection({ phasing: 'nema8' });
const model = buildPhaseModel(x);

function run(cabinet: Cabinet, seconds: number, observer?: SafetyObserver, each?: () => void): void {
  for (let i = 0; i < seconds * 10; i++) {
    each?.();
    cabinet.tick();
    observer?.observe(cabinet);
  }
}

/** Green intervals per phase from the hi-res log: [start, end) in ms. */
function greenSpans(events: { code: number; param: number; timeMs: number }[], phase: number): [number, number][] {
  const spans: [number, number][] = [];
  let start: number | undefined;
  for (const e of events) {
    if (e.param !== phase) continue;
    if (e.code === HiResEvent.PHASE_BEGIN_GREEN) start = e.timeMs;
    if (e.code === HiResEvent.PHASE_BEGIN_YELLOW && start !== undefined) {
      spans.push([start, e.timeMs]);
      start = undefined;
    }
  }
  return spans;
}

describe('cabinet', () => {
  it('runs the stored plan: each phase green for split minus clearance, every cycle', () => {
    const cabinet = new Cabinet({ model, mode: 'fixed' });
    const observer = new SafetyObserver(model);
    run(cabinet, 400, observer);
    expect(observer.violations).toEqual([]);
    const events = cabinet.drainEvents();
    for (const split of x.fallbackPlan.splits) {
      const timing = x.phases.find((p) => p.number === split.phase)!.timing;
      const spans = greenSpans(events, split.phase).slice(1); // the first cycle starts mid-plan after start-up
      expect(spans.length).toBeGreaterThanOrEqual(2);
      for (const [start, end] of spans) expect((end - start) / 1000).toBeCloseTo(split.splitS - timing.yellowS - timing.redClearanceS, 5);
      // one green per cycle
      for (let i = 1; i < spans.length; i++) expect((spans[i]![0] - spans[i - 1]![0]) / 1000).toBeCloseTo(x.fallbackPlan.cycleS, 5);
    }
  });

  it('actuated: a phase gaps out after min green when its detector goes quiet and another phase is called', () => {
    const cabinet = new Cabinet({ model, mode: 'actuated' });
    cabinet.setDetectors(1 << 3); // call on phase 4 (side street)
    run(cabinet, 5);
    expect(cabinet.greenBits() & (1 << 3)).not.toBe(0);
    const startedMs = cabinet.timeMs;
    // vehicles keep coming for 14 s, then the side street empties; main street (2, 6) calls
    run(cabinet, 14, undefined, () => cabinet.setDetectors((1 << 3) | (1 << 1) | (1 << 5)));
    cabinet.setDetectors((1 << 1) | (1 << 5));
    let endedMs = 0;
    for (let i = 0; i < 200 && endedMs === 0; i++) {
      cabinet.tick();
      if (!(cabinet.greenBits() & (1 << 3))) endedMs = cabinet.timeMs;
    }
    const timing = x.phases.find((p) => p.number === 4)!.timing;
    const events = cabinet.drainEvents();
    expect(events.some((e) => e.code === HiResEvent.PHASE_GAP_OUT && e.param === 4)).toBe(true);
    // green lasted the 14 s of traffic plus one passage time (±1 tick)
    expect((endedMs - startedMs) / 1000).toBeGreaterThanOrEqual(14 + timing.passageS - 0.5);
    expect((endedMs - startedMs) / 1000).toBeLessThanOrEqual(14 + timing.passageS + 0.2);
  });

  it('actuated: continuous traffic maxes out at max green', () => {
    const cabinet = new Cabinet({ model, mode: 'actuated' });
    const all = 0xff;
    run(cabinet, 200, undefined, () => cabinet.setDetectors(all));
    const events = cabinet.drainEvents();
    const maxOut = events.filter((e) => e.code === HiResEvent.PHASE_MAX_OUT && e.param === 2);
    expect(maxOut.length).toBeGreaterThan(0);
    const spans = greenSpans(events, 2);
    const timing = x.phases.find((p) => p.number === 2)!.timing;
    for (const [s, e] of spans) expect((e - s) / 1000).toBeLessThanOrEqual(timing.maxGreenS + 0.1);
  });

  it('centre: a stage request is served after min green and clearance, and held while requested', () => {
    const cabinet = new Cabinet({ model, mode: 'centre', watchdogS: 1000 });
    const observer = new SafetyObserver(model);
    expect(cabinet.request({ mode: 'centre', stage: [2, 6] }).accepted).toBe(true);
    run(cabinet, 10, observer);
    expect(cabinet.greenBits()).toBe((1 << 1) | (1 << 5));
    run(cabinet, 120, observer);
    expect(cabinet.greenBits()).toBe((1 << 1) | (1 << 5)); // held far past max green
    expect(cabinet.request({ stage: [4, 8] }).accepted).toBe(true);
    run(cabinet, 3 + 2 + 0.1, observer);
    expect(cabinet.greenBits()).toBe((1 << 3) | (1 << 7));
    expect(observer.violations).toEqual([]);
  });

  it('a conflicting stage request latches flash with a fault code; only a reset clears it', () => {
    const cabinet = new Cabinet({ model, mode: 'centre', watchdogS: 1000 });
    run(cabinet, 20);
    const result = cabinet.request({ stage: [2, 4] });
    expect(result.flashed).toBe(true);
    expect(cabinet.latched).toBe(true);
    expect(cabinet.fault.code).toBe(FaultCode.CONFLICT_REQUEST);
    expect(cabinet.fault.detail).toMatch(/phases 2 and 4/);
    expect(cabinet.request({ mode: 'fixed' }).accepted).toBe(true);
    run(cabinet, 60);
    expect(cabinet.latched).toBe(true);
    expect(cabinet.greenBits()).toBe(0);
    expect(cabinet.request({ reset: true }).accepted).toBe(true);
    expect(cabinet.latched).toBe(false);
    run(cabinet, STARTUP_ALL_RED_MS / 1000 - 0.2);
    expect(cabinet.greenBits()).toBe(0); // start-up all-red
    run(cabinet, 30);
    expect(cabinet.greenBits()).not.toBe(0);
  });

  it('refuses invalid requests whole and keeps its state', () => {
    const cabinet = new Cabinet({ model, mode: 'centre', watchdogS: 1000 });
    cabinet.request({ stage: [2, 6] });
    const refused = cabinet.request({ stage: [4, 8], hold: [9] });
    expect(refused.accepted).toBe(false);
    expect(refused.problems.map((p) => p.code)).toEqual(['unknown-phase']);
    run(cabinet, 30);
    expect(cabinet.greenBits()).toBe((1 << 1) | (1 << 5));
    const badPlan = cabinet.request({ plan: { ...x.fallbackPlan, cycleS: 80 } });
    expect(badPlan.problems[0]?.message).toMatch(/ring 1 add up to 100.0 s/);
  });

  it('watchdog: centre mode without requests falls back to the stored plan', () => {
    const cabinet = new Cabinet({ model, mode: 'centre', watchdogS: 5 });
    cabinet.request({ stage: [4, 8] });
    run(cabinet, 4.9);
    expect(cabinet.unitMode).toBe('centre');
    run(cabinet, 0.3);
    expect(cabinet.unitMode).toBe('fixed');
    expect(cabinet.status().plan).toEqual(x.fallbackPlan);
  });

  it('reports its state as a SignalStatus', () => {
    const cabinet = new Cabinet({ model, mode: 'fixed' });
    run(cabinet, 30);
    const status = cabinet.status();
    expect(status.phases.map((p) => p.phase)).toEqual(model.phases);
    expect(status.greens.length).toBeGreaterThan(0);
    for (const g of status.greens) expect(cabinet.intervalOf(g)).toBe(GREEN);
  });
});
