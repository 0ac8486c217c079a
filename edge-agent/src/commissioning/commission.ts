import { setTimeout as sleep } from 'node:timers/promises';
import { type Intersection, POINTS, POINT_MAP_VERSION, type PhaseTiming, type UnitMode, buildPhaseModel } from '@greenwave/contracts';
import type { CabinetStatusReading, FieldDriver } from '../drivers/field-driver.ts';
import type { CheckResult, CommissioningReport } from './report.ts';

export interface CommissionOptions {
  intersection: Intersection;
  driver: FieldDriver;
  target: string;
  operator: string;
  phaseWalk: boolean;
  /** Cabinet seconds to watch the detectors for traffic. */
  detectorWindowS?: number;
  /** Allowed difference between measured and configured interval durations (s). */
  toleranceS?: number;
  /** How often to poll the cabinet during the walk and the detector watch (wall ms): the timing error is this much cabinet time. */
  pollMs?: number;
  onProgress?: (line: string) => void;
}

const TIMING_FIELDS: [keyof PhaseTiming, string, string][] = [
  ['minGreenS', 'minGreen', 'min green'],
  ['passageS', 'passage', 'passage'],
  ['maxGreenS', 'maxGreen', 'max green'],
  ['yellowS', 'yellow', 'yellow'],
  ['redClearanceS', 'redClearance', 'red clearance'],
  ['walkS', 'walk', 'walk'],
  ['pedClearanceS', 'pedClearance', 'ped clearance'],
];

const now = () => new Date().toISOString();
const pad2 = (n: number) => String(n).padStart(2, '0');

async function check(id: CheckResult['id'], title: string, run: (details: string[]) => Promise<boolean>): Promise<CheckResult> {
  const startedAt = now();
  const details: string[] = [];
  let pass = false;
  try {
    pass = await run(details);
  } catch (error) {
    details.push(`could not complete: ${(error as Error).message}`);
    pass = false;
  }
  return { id, title, pass, details, startedAt, finishedAt: now() };
}

/** Detector channels in config order: every inbound lane of every approach (as wired in the cabinet). */
export function detectorChannels(x: Intersection): string[] {
  return x.approaches.flatMap((a) => a.lanes.map((l) => `approach ${a.id} lane ${l.index}`));
}

/**
 * Commissions a cabinet against its intersection config: identity and map version, every point in range, the timing
 * table against the config, detectors that respond, and (in test mode only) a walk through every phase measuring
 * green, yellow and red clearance on the cabinet's own clock. Nothing is written unless the phase walk runs.
 */
export async function commission(options: CommissionOptions): Promise<CommissioningReport> {
  const { intersection: x, driver } = options;
  const tolerance = options.toleranceS ?? 0.5;
  const pollMs = options.pollMs ?? 20;
  const progress = options.onProgress ?? (() => {});
  const startedAt = now();
  await driver.connect();
  const checks: CheckResult[] = [];
  const cabinet = { vendor: '', firmware: '', intersectionId: '' };

  progress('identity and point map version');
  checks.push(
    await check('identity', 'Identity and point map version', async (d) => {
      const v = await driver.readPoints(['identity.mapVersion', 'identity.vendor', 'identity.firmware', 'identity.intersectionId', 'identity.phaseCount', 'identity.detectorCount']);
      cabinet.vendor = String(v.get('identity.vendor'));
      cabinet.firmware = String(v.get('identity.firmware'));
      cabinet.intersectionId = String(v.get('identity.intersectionId'));
      let ok = true;
      d.push(`vendor ${cabinet.vendor}, firmware ${cabinet.firmware}`);
      const version = Number(v.get('identity.mapVersion'));
      if (version !== POINT_MAP_VERSION) {
        ok = false;
        d.push(`point map version ${version}, greenwave speaks version ${POINT_MAP_VERSION}`);
      } else d.push(`point map version ${version}`);
      if (cabinet.intersectionId !== x.id) {
        ok = false;
        d.push(`the cabinet is configured as "${cabinet.intersectionId}", not "${x.id}"`);
      } else d.push(`configured as ${x.id}`);
      const phases = Number(v.get('identity.phaseCount'));
      if (phases !== x.phases.length) {
        ok = false;
        d.push(`the cabinet runs ${phases} phases, the config has ${x.phases.length}`);
      }
      const detectors = Number(v.get('identity.detectorCount'));
      const expected = detectorChannels(x).length;
      if (detectors !== Math.min(32, expected)) {
        ok = false;
        d.push(`the cabinet has ${detectors} detector channels, the config has ${expected} inbound lanes`);
      }
      return ok;
    }),
  );

  progress('reading every point');
  checks.push(
    await check('points-in-range', 'Every point readable and in range', async (d) => {
      const values = await driver.readPoints(POINTS.map((p) => p.id));
      let bad = 0;
      for (const def of POINTS) {
        const value = values.get(def.id);
        if (def.type === 'ascii') continue;
        const n = Number(value);
        if (!Number.isFinite(n) || n < def.min || n > def.max) {
          bad++;
          d.push(`${def.id} = ${value}, outside ${def.min}..${def.max} ${def.unit}`.trim());
        }
      }
      d.unshift(`${POINTS.length} points read, ${bad} out of range`);
      return bad === 0;
    }),
  );

  progress('timing table against the config');
  checks.push(
    await check('timing-table', 'Timing table matches the intersection config', async (d) => {
      const ids = x.phases.flatMap((p) => TIMING_FIELDS.map(([, field]) => `timing.phase${pad2(p.number)}.${field}`));
      const values = await driver.readPoints(ids);
      let differences = 0;
      for (const phase of x.phases) {
        for (const [key, field, label] of TIMING_FIELDS) {
          const inCabinet = Number(values.get(`timing.phase${pad2(phase.number)}.${field}`));
          const inConfig = phase.timing[key];
          if (Math.abs(inCabinet - inConfig) > 1e-6) {
            differences++;
            d.push(`phase ${phase.number} ${label}: cabinet ${inCabinet} s, config ${inConfig} s`);
          }
        }
      }
      d.unshift(`${x.phases.length} phases x ${TIMING_FIELDS.length} values compared, ${differences} difference(s)`);
      return differences === 0;
    }),
  );

  const windowS = options.detectorWindowS ?? 60;
  progress(`watching the detectors for ${windowS} s of cabinet time`);
  checks.push(
    await check('detectors', 'Detectors respond', async (d) => {
      const channels = detectorChannels(x).slice(0, 32);
      const ids = channels.flatMap((_, i) => [`detectors.det${pad2(i + 1)}.count`, `detectors.det${pad2(i + 1)}.presence`]);
      const first = await driver.readPoints(['status.clock', ...ids]);
      const startClock = Number(first.get('status.clock'));
      const seen = new Set<number>();
      const startCounts = channels.map((_, i) => Number(first.get(`detectors.det${pad2(i + 1)}.count`)));
      let clock = startClock;
      while (clock - startClock < windowS && seen.size < channels.length) {
        await sleep(pollMs);
        const v = await driver.readPoints(['status.clock', ...ids]);
        clock = Number(v.get('status.clock'));
        channels.forEach((_, i) => {
          if (Number(v.get(`detectors.det${pad2(i + 1)}.count`)) !== startCounts[i] || Number(v.get(`detectors.det${pad2(i + 1)}.presence`)) === 1) seen.add(i);
        });
      }
      const dead = channels.filter((_, i) => !seen.has(i));
      d.push(`${channels.length - dead.length} of ${channels.length} detectors saw vehicles within ${(clock - startClock).toFixed(1)} s`);
      for (const i of channels.keys()) if (!seen.has(i)) d.push(`detector ${i + 1} (${channels[i]}): no vehicle counted or present in ${windowS} s — check the loop/camera zone and its wiring`);
      return dead.length === 0;
    }),
  );

  if (options.phaseWalk) {
    progress('phase walk');
    checks.push(await check('phase-walk', 'Phase walk (test mode)', (d) => phaseWalk(options, tolerance, pollMs, d, progress)));
  }

  await driver.close();
  return {
    intersectionId: x.id,
    intersectionName: x.name,
    target: options.target,
    operator: options.operator,
    startedAt,
    finishedAt: now(),
    pointMapVersion: POINT_MAP_VERSION,
    cabinet,
    checks,
    pass: checks.every((c) => c.pass),
  };
}

export interface Interval {
  phase: number;
  kind: 'green' | 'yellow' | 'red-clearance';
  /** Cabinet clock of the first reading that showed the interval, and of the reading before it. */
  startS: number;
  startAfterS: number;
  /** ... of the first reading that no longer showed it, and of the reading before it (the last that did). */
  endS: number | null;
  endAfterS: number | null;
  /** Already showing when the walk began: its start was not seen, so it is not measured. */
  preexisting: boolean;
}

/**
 * How long an interval lasted, as far as the readings can tell: it began between two readings and ended between two,
 * so its length lies between `min` and `max` (a slow reading widens the range instead of failing a good cabinet).
 */
export function durationRange(i: Pick<Interval, 'startS' | 'startAfterS' | 'endS' | 'endAfterS'>): { min: number; max: number; seen: number } {
  return { min: Math.max(0, i.endAfterS! - i.startS), max: i.endS! - i.startAfterS, seen: i.endS! - i.startS };
}

/** Whether `configured` is within `tolerance` of some duration the readings allow. */
export function withinRange(range: { min: number; max: number }, configured: number, tolerance: number): boolean {
  return configured >= range.min - tolerance && configured <= range.max + tolerance;
}

/** Requests every phase in turn and measures, on the cabinet's clock, how long its intervals really lasted. */
async function phaseWalk(options: CommissionOptions, tolerance: number, pollMs: number, d: string[], progress: (line: string) => void): Promise<boolean> {
  const { driver, intersection: x } = options;
  const before = await driver.readStatus();
  if (!before.testMode) {
    d.push('refused: the cabinet is not in test mode (turn its test switch on before walking the phases); nothing was sent');
    return false;
  }
  const model = buildPhaseModel(x);
  const sequence = model.rings.length === 1 ? model.rings[0]! : model.rings.flat();
  const intervals: Interval[] = [];
  const open = new Map<string, Interval>();
  let first = true;
  let previousClockS: number | null = null;
  const record = (s: CabinetStatusReading) => {
    const beforeS = previousClockS ?? s.clockS;
    previousClockS = s.clockS;
    const active: [number, Interval['kind']][] = [
      ...s.greens.map((p): [number, Interval['kind']] => [p, 'green']),
      ...s.yellows.map((p): [number, Interval['kind']] => [p, 'yellow']),
      ...s.redClearances.map((p): [number, Interval['kind']] => [p, 'red-clearance']),
    ];
    const keys = new Set(active.map(([p, k]) => `${p}:${k}`));
    for (const [key, interval] of open) {
      if (!keys.has(key)) {
        interval.endS = s.clockS;
        interval.endAfterS = beforeS;
        open.delete(key);
      }
    }
    for (const [p, k] of active) {
      const key = `${p}:${k}`;
      if (!open.has(key)) {
        const interval: Interval = { phase: p, kind: k, startS: s.clockS, startAfterS: beforeS, endS: null, endAfterS: null, preexisting: first };
        open.set(key, interval);
        intervals.push(interval);
      }
    }
    first = false;
    return s;
  };
  const waitFor = async (done: (s: CabinetStatusReading) => boolean, limitS: number) => {
    const start = record(await driver.readStatus()).clockS;
    for (;;) {
      await driver.send({ heartbeat: true });
      await sleep(pollMs);
      const s = record(await driver.readStatus());
      if (done(s)) return s;
      if (s.clockS - start > limitS) throw new Error(`the cabinet did not get there within ${limitS} s of its clock`);
    }
  };
  const restoreMode: UnitMode = before.unitMode === 'flash' || before.unitMode === 'off' ? 'fixed' : before.unitMode;
  record(before);
  // start with a phase that is not green now, so that every phase's green is seen from its start; the first phase
  // comes round again at the end to end the last one
  const startAt = Math.max(0, sequence.findIndex((p) => !before.greens.includes(p)));
  const order = [...sequence.slice(startAt), ...sequence.slice(0, startAt)];
  try {
    for (const phase of [...order, order[0]!]) {
      const timing = model.timing[phase]!;
      progress(`  phase ${phase}`);
      await driver.send({ mode: 'centre', stage: [phase], hold: [], forceOff: [], omit: [], heartbeat: true });
      const green = await waitFor((s) => s.greens.includes(phase), 60 + timing.yellowS + timing.redClearanceS + 10);
      // hold the green a little past its minimum, then move on
      await waitFor((s) => s.clockS - green.clockS >= timing.minGreenS + 1, timing.minGreenS + 10);
    }
  } finally {
    await driver.send({ mode: restoreMode, stage: [], heartbeat: true });
  }
  let ok = true;
  for (const phase of sequence) {
    const timing = model.timing[phase]!;
    // the first green of the phase whose start was seen, and the yellow and red clearance after it
    const green = intervals.find((i) => i.phase === phase && i.kind === 'green' && i.endS !== null && !i.preexisting);
    const after = (kind: Interval['kind']) => (green ? intervals.find((i) => i.phase === phase && i.kind === kind && i.endS !== null && !i.preexisting && i.startS >= green.startS) : undefined);
    const yellow = after('yellow');
    const red = after('red-clearance');
    if (!green || !yellow) {
      ok = false;
      d.push(`phase ${phase}: did not see green then yellow`);
      continue;
    }
    const gr = durationRange(green);
    const yr = durationRange(yellow);
    const rr = red ? durationRange(red) : { min: 0, max: 0, seen: 0 };
    const [g, y, r] = [gr.seen, yr.seen, rr.seen];
    const span = (range: { min: number; max: number }) => (range.max - range.min > 0.3 ? ` (readings allow ${range.min.toFixed(1)}–${range.max.toFixed(1)} s)` : '');
    const problems: string[] = [];
    if (gr.max < timing.minGreenS - tolerance) problems.push(`green ${g.toFixed(1)} s${span(gr)} is shorter than min green ${timing.minGreenS} s`);
    if (!withinRange(yr, timing.yellowS, tolerance)) problems.push(`yellow ${y.toFixed(1)} s${span(yr)}, configured ${timing.yellowS} s`);
    if (!withinRange(rr, timing.redClearanceS, tolerance)) problems.push(`red clearance ${r.toFixed(1)} s${span(rr)}, configured ${timing.redClearanceS} s`);
    if (problems.length > 0) ok = false;
    d.push(`phase ${phase}: green ${g.toFixed(1)} s, yellow ${y.toFixed(1)} s, red clearance ${r.toFixed(1)} s${problems.length ? ` — ${problems.join('; ')}` : ' — as configured'}`);
  }
  d.push(`tolerance ±${tolerance} s on the cabinet clock; mode restored to ${restoreMode}`);
  return ok;
}
