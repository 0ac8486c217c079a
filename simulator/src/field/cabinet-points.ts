import {
  type CabinetRequest,
  ErrorCode,
  type FixedPlan,
  GreenwaveError,
  MAP_PHASES,
  PLAN_COMMANDS,
  POINTS,
  POINT_MAP_VERSION,
  type PhaseTimingInput,
  type PointDef,
  UNIT_MODE_CODES,
  bitmapToPhases,
  decodePoint,
  encodePoint,
  phasesToBitmap,
} from '@greenwave/contracts';
import { type Cabinet, GREEN, RED_CLEARANCE, YELLOW } from '../cabinet/cabinet.ts';

export interface DetectorReading {
  /** Vehicles since power-up. */
  count: number;
  /** 0..1 over the last second. */
  occupancy: number;
  presence: boolean;
}

/** Where a cabinet's detector channels come from (the twin's lanes, in the emulator). */
export interface DetectorSource {
  channels: number;
  read(channel: number): DetectorReading;
}

export interface CabinetIdentity {
  vendor: string;
  firmware: string;
  intersectionId: string;
}

/** A write the device refuses: Modbus answers with the exception code, OPC UA with Bad status. */
export class PointWriteError extends GreenwaveError {
  constructor(
    readonly modbusException: 2 | 3 | 4,
    message: string,
  ) {
    super(ErrorCode.INVALID_REQUEST, message, { recoverable: true });
    this.name = 'PointWriteError';
  }
}

const TIMING_FIELDS = ['minGreen', 'passage', 'maxGreen', 'yellow', 'redClearance', 'walk', 'pedClearance'] as const;
const TIMING_KEYS = { minGreen: 'minGreenS', passage: 'passageS', maxGreen: 'maxGreenS', yellow: 'yellowS', redClearance: 'redClearanceS', walk: 'walkS', pedClearance: 'pedClearanceS' } as const;

/** Register index: every register address of an area -> the point it belongs to and the offset inside it. */
function index(area: 'input' | 'holding'): Map<number, { def: PointDef; offset: number }> {
  const out = new Map<number, { def: PointDef; offset: number }>();
  for (const def of POINTS) if (def.area === area) for (let i = 0; i < def.registers; i++) out.set(def.address + i, { def, offset: i });
  return out;
}
const INPUT = index('input');
const HOLDING = index('holding');

/**
 * A cabinet seen through the point map: every point read from the cabinet's live state, writes turned into cabinet
 * requests (one request per write, so a block write is atomic) or timing-table changes. The Modbus and OPC UA servers
 * only decode and dispatch to this.
 */
export class CabinetPoints {
  /** Control and plan registers as last written (what reads of them return). */
  private readonly held = new Map<number, number>();
  /** Detector channels that stopped working (fault injection for commissioning tests). */
  readonly deadDetectors = new Set<number>();
  private readonly frozenCounts = new Map<number, number>();

  constructor(
    readonly cabinet: Cabinet,
    readonly identity: CabinetIdentity,
    private readonly detectors: DetectorSource,
  ) {
    for (const def of POINTS) if (def.area === 'holding' && (def.group === 'control' || def.group === 'plan')) for (let i = 0; i < def.registers; i++) this.held.set(def.address + i, 0);
    this.held.set(1008, Math.round(cabinet.watchdogS));
  }

  /** Engineering value of a point, live. */
  value(def: PointDef): number | string {
    const c = this.cabinet;
    const bits = (interval: number) => phasesToBitmap(c.model.phases.filter((p) => !c.isDark() && c.intervalOf(p) === interval));
    switch (def.id) {
      case 'identity.mapVersion':
        return POINT_MAP_VERSION;
      case 'identity.vendor':
        return this.identity.vendor;
      case 'identity.firmware':
        return this.identity.firmware;
      case 'identity.intersectionId':
        return this.identity.intersectionId;
      case 'identity.phaseCount':
        return c.model.phases.length;
      case 'identity.detectorCount':
        return this.detectors.channels;
      case 'status.greens':
        return bits(GREEN);
      case 'status.yellows':
        return bits(YELLOW);
      case 'status.reds':
        return c.isDark() ? 0 : phasesToBitmap(c.model.phases.filter((p) => c.intervalOf(p) !== GREEN && c.intervalOf(p) !== YELLOW));
      case 'status.redClearances':
        return bits(RED_CLEARANCE);
      case 'status.walks':
        return phasesToBitmap(c.status().phases.filter((p) => p.walk).map((p) => p.phase));
      case 'status.unitMode':
        return c.latched ? UNIT_MODE_CODES.indexOf('flash') : UNIT_MODE_CODES.indexOf(c.unitMode);
      case 'status.flashLatched':
        return c.latched ? 1 : 0;
      case 'status.faultCode':
        return c.fault.code;
      case 'status.planSource':
        return c.planDownloaded ? 1 : 0;
      case 'status.testMode':
        return c.testMode ? 1 : 0;
      case 'status.heartbeatEcho':
        return this.held.get(1007)!;
      case 'status.sinceHeartbeat':
        return Math.min(6553.5, c.sinceHeartbeatMs / 1000);
      case 'status.clock':
        return Math.min(429496729.5, c.timeMs / 1000);
      case 'status.watchdogTimeout':
        return c.watchdogS;
      default:
        break;
    }
    if (def.group === 'detectors') return this.detectorValue(def);
    if (def.group === 'timing') {
      const timing = c.model.timing[def.phase!];
      if (!timing) return 0;
      const field = def.id.split('.').pop() as (typeof TIMING_FIELDS)[number];
      return timing[TIMING_KEYS[field]];
    }
    // control and plan: what was written
    return decodePoint(def, Array.from({ length: def.registers }, (_, i) => this.held.get(def.address + i) ?? 0));
  }

  private detectorValue(def: PointDef): number {
    const d = def.detector!;
    if (d > this.detectors.channels) return 0;
    const dead = this.deadDetectors.has(d);
    const reading = this.detectors.read(d);
    if (dead && !this.frozenCounts.has(d)) this.frozenCounts.set(d, reading.count);
    if (!dead) this.frozenCounts.delete(d);
    if (def.id.endsWith('.count')) return (dead ? this.frozenCounts.get(d)! : reading.count) % 4294967296;
    if (def.id.endsWith('.occupancy')) return dead ? 0 : Math.round(reading.occupancy * 1000) / 10;
    return dead ? 0 : reading.presence ? 1 : 0;
  }

  /** Registers `address .. address+count-1` of an area; an address no point covers is an error (Modbus exception 2). */
  readRegisters(area: 'input' | 'holding', address: number, count: number): number[] {
    const table = area === 'input' ? INPUT : HOLDING;
    const out: number[] = [];
    const cache = new Map<PointDef, number[]>();
    for (let a = address; a < address + count; a++) {
      const at = table.get(a);
      if (!at) throw new PointWriteError(2, `no ${area} register ${a} in point map v${POINT_MAP_VERSION}`);
      let regs = cache.get(at.def);
      if (!regs) {
        regs = encodePoint(at.def, this.value(at.def));
        cache.set(at.def, regs);
      }
      out.push(regs[at.offset]!);
    }
    return out;
  }

  /**
   * Writes holding registers as one change: control registers become one cabinet request, plan registers are kept for
   * a later plan command, timing registers change the timing table. Refused whole (nothing changes) on any bad value.
   */
  writeRegisters(address: number, values: readonly number[]): void {
    const touched = new Map<PointDef, number[]>();
    for (let i = 0; i < values.length; i++) {
      const at = HOLDING.get(address + i);
      if (!at) throw new PointWriteError(2, `no holding register ${address + i} in point map v${POINT_MAP_VERSION}`);
      const v = values[i]!;
      if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new PointWriteError(3, `${at.def.id}: register value ${v} is not 0..65535`);
      let regs = touched.get(at.def);
      if (!regs) {
        regs = encodePoint(at.def, this.value(at.def));
        touched.set(at.def, regs);
      }
      regs[at.offset] = v;
    }
    const updates = new Map<PointDef, number | string>();
    for (const [def, regs] of touched) {
      const value = decodePoint(def, regs);
      if (typeof value === 'number' && (value < def.min - 1e-9 || value > def.max + 1e-9)) throw new PointWriteError(3, `${def.id}: ${value} is outside ${def.min}..${def.max} ${def.unit}`.trim());
      updates.set(def, value);
    }
    this.apply(updates);
  }

  /** Engineering-value writes (OPC UA), applied as one change. */
  writeValues(values: ReadonlyMap<string, number | string>): void {
    const updates = new Map<PointDef, number | string>();
    for (const [id, value] of values) {
      const def = POINTS.find((p) => p.id === id);
      if (!def || def.area !== 'holding') throw new PointWriteError(2, `${id} is not a writable point`);
      encodePoint(def, value); // range check
      updates.set(def, value);
    }
    this.apply(updates);
  }

  private apply(updates: Map<PointDef, number | string>): void {
    const request: CabinetRequest = {};
    const timing = new Map<number, PhaseTimingInput>();
    let watchdog: number | undefined;
    const nextHeld = new Map(this.held);
    const store = (def: PointDef, value: number | string) => encodePoint(def, value).forEach((r, i) => nextHeld.set(def.address + i, r));
    for (const [def, value] of updates) {
      const v = Number(value);
      switch (def.id) {
        case 'control.hold':
          request.hold = bitmapToPhases(v);
          break;
        case 'control.forceOff':
          request.forceOff = bitmapToPhases(v);
          break;
        case 'control.vehicleCall':
          request.vehicleCall = bitmapToPhases(v);
          break;
        case 'control.pedCall':
          request.pedCall = bitmapToPhases(v);
          break;
        case 'control.omit':
          request.omit = bitmapToPhases(v);
          break;
        case 'control.stage':
          request.stage = bitmapToPhases(v);
          break;
        case 'control.unitMode':
          request.mode = UNIT_MODE_CODES[v]!;
          break;
        case 'control.heartbeat':
          request.heartbeat = true;
          break;
        case 'control.watchdogTimeout':
          watchdog = v;
          break;
        case 'control.reset':
          if (v === 1) request.reset = true;
          break;
        case 'control.planCommand':
          if (PLAN_COMMANDS[v] === 'apply-downloaded-plan') request.plan = this.downloadedPlan(updates);
          else if (PLAN_COMMANDS[v] === 'revert-to-stored-plan') request.plan = this.cabinet.model.fallbackPlan;
          break;
        default:
          break;
      }
      if (def.group === 'timing') {
        const phase = def.phase!;
        const current = this.cabinet.model.timing[phase];
        if (!current) throw new PointWriteError(3, `${def.id}: phase ${phase} is not in use at this cabinet`);
        const field = def.id.split('.').pop() as (typeof TIMING_FIELDS)[number];
        timing.set(phase, { ...current, ...timing.get(phase), [TIMING_KEYS[field]]: v });
      } else if (def.id !== 'control.reset' && def.id !== 'control.planCommand') {
        store(def, value);
      }
    }
    // everything is checked before anything changes
    for (const [phase, t] of timing) {
      try {
        this.cabinet.updateTiming(phase, t);
      } catch (error) {
        throw new PointWriteError(3, (error as Error).message);
      }
    }
    if (watchdog !== undefined) this.cabinet.watchdogS = watchdog;
    if (Object.keys(request).length > 0) {
      const result = this.cabinet.request(request);
      if (!result.accepted && !result.flashed) throw new PointWriteError(3, result.problems.map((p) => p.message).join('; '));
    }
    for (const [k, v] of nextHeld) this.held.set(k, v);
  }

  private downloadedPlan(updates: Map<PointDef, number | string>): FixedPlan {
    const get = (id: string) => {
      const def = POINTS.find((p) => p.id === id)!;
      const pending = updates.get(def);
      if (pending !== undefined) return Number(pending);
      return Number(decodePoint(def, [this.held.get(def.address) ?? 0]));
    };
    const splits = [];
    for (let p = 1; p <= MAP_PHASES; p++) {
      const s = get(`plan.split${String(p).padStart(2, '0')}`);
      if (s > 0) splits.push({ phase: p, splitS: s });
    }
    const cycleS = get('plan.cycle');
    if (cycleS < 20 || splits.length === 0) throw new PointWriteError(3, `downloaded plan is incomplete (cycle ${cycleS} s, ${splits.length} split(s))`);
    return { cycleS, offsetS: get('plan.offset'), splits };
  }
}
