import {
  type CabinetRequest,
  FaultCode,
  type FixedPlan,
  HiResEvent,
  type HiResEventCode,
  type HiResEventRecord,
  type PhaseInterval,
  type PhaseModel,
  type RequestProblem,
  type SignalStatus,
  type UnitMode,
  ErrorCode,
  GreenwaveError,
  PhaseTiming,
  type PhaseTimingInput,
  checkCabinetRequest,
  effectiveMinGreenS,
  parseWith,
} from '@greenwave/contracts';
import { type PlanWindows, cycleTimeMs, inWindow, planWindows } from './plan-windows.ts';

/** The cabinet times in tenths of a second, as field controllers do. */
export const CABINET_TICK_MS = 100;
/** All-red shown after power-up or after leaving flash, before the first green. */
export const STARTUP_ALL_RED_MS = 3000;

export const RED = 0;
export const GREEN = 1;
export const YELLOW = 2;
export const RED_CLEARANCE = 3;
const intervalNames: PhaseInterval[] = ['red', 'green', 'yellow', 'red-clearance'];

export interface CabinetOptions {
  model: PhaseModel;
  /** The cabinet's local test switch (technicians may walk phases only when it is on). */
  testMode?: boolean;
  /** Mode at power-up (default: fixed, running the stored fallback plan). */
  mode?: UnitMode;
  /** Centre mode falls back to the stored plan after this long without a request (s). */
  watchdogS?: number;
  startTimeMs?: number;
  /** Hi-res events kept until drained; older ones are dropped beyond this. */
  eventCapacity?: number;
}

export interface RequestResult {
  accepted: boolean;
  /** The request tried to show conflicting greens: the cabinet is now in latched flash. */
  flashed: boolean;
  problems: RequestProblem[];
}

const bit = (phase: number) => 1 << (phase - 1);

/**
 * A traffic-signal cabinet: NEMA ring-barrier sequencing with an MMU-style conflict monitor.
 *
 * It is the final authority on safety: whatever it is asked, it never shortens a minimum green, a yellow or a red
 * clearance, never starts a green while a conflicting phase is not red, and latches flash on any attempt at
 * conflicting greens until a reset. The twin drives it directly; the emulated field cabinets wrap the same class.
 */
export class Cabinet {
  /** The cabinet's own copy of the phase model: its timing table can be changed at run time. */
  readonly model: PhaseModel;
  timeMs: number;
  testMode: boolean;
  /** True while the fixed plan in force was downloaded (not the stored one). */
  planDownloaded = false;
  private requestedMode: UnitMode;
  private mode: UnitMode;
  private watchdogMs: number;

  // per phase, indexed by phase number
  private readonly interval = new Uint8Array(17);
  private readonly elapsedMs = new Int32Array(17);
  private readonly minGreenMs = new Int32Array(17);
  private readonly yellowMs = new Int32Array(17);
  private readonly redClearanceMs = new Int32Array(17);
  private readonly maxGreenMs = new Int32Array(17);
  private readonly passageMs = new Int32Array(17);
  private readonly lastActuationMs = new Float64Array(17);
  private readonly walkEndMs = new Float64Array(17);
  private readonly pedClearEndMs = new Float64Array(17);

  // per ring
  private readonly active: Int8Array;
  private readonly lastServed: Int8Array;
  private readonly ringMask: number[];
  private readonly barrierMask: number[];
  private readonly ringIndex = new Int8Array(17);
  private currentBarrier = 0;

  // control groups (bitmaps: bit p-1 = phase p)
  private hold = 0;
  private forceOff = 0;
  private vehicleCall = 0;
  private pedCall = 0;
  private omit = 0;
  private stage = 0;
  private lockedCalls = 0;
  private lockedPedCalls = 0;
  private detectorOn = 0;
  private readonly allPhases: number;
  private readonly pedestrianPhases: number;

  private flashLatched = false;
  private faultCode: FaultCode = FaultCode.NONE;
  private faultDetail = '';
  private startupUntilMs: number;
  private lastHeartbeatMs: number;
  private plan: FixedPlan;
  private windows: PlanWindows;
  private readonly events: HiResEventRecord[] = [];
  private readonly eventCapacity: number;
  droppedEvents = 0;
  /** Set when an interval changed in this tick: only then can outputs conflict. */
  private changed = true;

  constructor(options: CabinetOptions) {
    const model: PhaseModel = { ...options.model, timing: options.model.timing.slice() };
    this.model = model;
    this.timeMs = options.startTimeMs ?? 0;
    this.testMode = options.testMode ?? false;
    this.requestedMode = options.mode ?? 'fixed';
    this.mode = this.requestedMode;
    this.watchdogMs = Math.round((options.watchdogS ?? 5) * 1000);
    this.eventCapacity = options.eventCapacity ?? 10_000;
    this.plan = model.fallbackPlan;
    this.windows = planWindows(model, this.plan);
    let all = 0;
    let ped = 0;
    for (const p of model.phases) {
      const t = model.timing[p]!;
      all |= bit(p);
      if (model.pedestrian[p]) ped |= bit(p);
      this.yellowMs[p] = Math.round(t.yellowS * 1000);
      this.redClearanceMs[p] = Math.round(t.redClearanceS * 1000);
      this.maxGreenMs[p] = Math.round(t.maxGreenS * 1000);
      this.passageMs[p] = Math.round(t.passageS * 1000);
    }
    this.allPhases = all;
    this.pedestrianPhases = ped;
    this.active = new Int8Array(model.rings.length);
    this.lastServed = new Int8Array(model.rings.length);
    this.ringMask = model.rings.map((ring) => ring.reduce((m, p) => m | bit(p), 0));
    this.barrierMask = Array.from({ length: model.barrierCount }, (_, b) => model.phases.filter((p) => model.barrierOf[p] === b).reduce((m, p) => m | bit(p), 0));
    model.rings.forEach((ring, r) => {
      ring.forEach((p, i) => (this.ringIndex[p] = i));
      // start as if the last phase of each ring had just been served, so the first green is the ring's first phase
      this.lastServed[r] = ring[ring.length - 1]!;
    });
    this.currentBarrier = model.barrierCount - 1;
    this.startupUntilMs = this.timeMs + STARTUP_ALL_RED_MS;
    this.lastHeartbeatMs = this.timeMs;
  }

  // ---------------------------------------------------------------- inputs

  /** Applies a request. Invalid requests are refused whole; a conflicting-green request latches flash. */
  request(request: CabinetRequest): RequestResult {
    const check = checkCabinetRequest(this.model, request);
    if (check.conflictingGreens) {
      this.latchFlash(FaultCode.CONFLICT_REQUEST, check.problems.find((p) => p.code === 'conflicting-stage')?.message ?? 'conflicting request');
      return { accepted: false, flashed: true, problems: check.problems };
    }
    if (check.problems.length > 0) return { accepted: false, flashed: false, problems: check.problems };
    this.lastHeartbeatMs = this.timeMs;
    if (request.reset && this.flashLatched) {
      this.flashLatched = false;
      this.faultCode = FaultCode.NONE;
      this.faultDetail = '';
      this.restart();
      this.log(HiResEvent.UNIT_FLASH_STATUS, 0);
    }
    if (request.plan) {
      this.plan = request.plan;
      this.planDownloaded = request.plan !== this.model.fallbackPlan;
      this.windows = planWindows(this.model, request.plan);
      this.log(HiResEvent.COORD_PATTERN_CHANGE, 0);
      if (!request.mode) this.setMode('fixed');
    }
    if (request.mode) this.setMode(request.mode);
    if (request.hold) this.hold = this.bits(request.hold);
    if (request.forceOff) this.forceOff = this.bits(request.forceOff);
    if (request.vehicleCall) this.vehicleCall = this.bits(request.vehicleCall);
    if (request.pedCall) this.pedCall = this.bits(request.pedCall);
    if (request.omit) this.omit = this.bits(request.omit);
    if (request.stage) this.stage = this.bits(request.stage);
    return { accepted: true, flashed: false, problems: [] };
  }

  get watchdogS(): number {
    return this.watchdogMs / 1000;
  }

  set watchdogS(seconds: number) {
    if (!(seconds >= 1 && seconds <= 600)) throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `watchdog timeout must be 1..600 s, got ${seconds}`);
    this.watchdogMs = Math.round(seconds * 1000);
  }

  get sinceHeartbeatMs(): number {
    return this.timeMs - this.lastHeartbeatMs;
  }

  /**
   * Changes a phase's timing (as a technician or the centre writes the timing table), validated like a config. A
   * running green keeps the minimum it started with; yellow, clearance, passage and max green apply at once (never
   * below the limits the schema allows).
   */
  updateTiming(phase: number, timing: PhaseTimingInput): void {
    if (this.model.timing[phase] === undefined) throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `phase ${phase} does not exist at ${this.model.intersectionId}`);
    const parsed = parseWith(PhaseTiming, timing, `timing of phase ${phase} at ${this.model.intersectionId}`, { code: ErrorCode.INVALID_REQUEST });
    this.model.timing[phase] = parsed;
    this.yellowMs[phase] = Math.round(parsed.yellowS * 1000);
    this.redClearanceMs[phase] = Math.round(parsed.redClearanceS * 1000);
    this.maxGreenMs[phase] = Math.round(parsed.maxGreenS * 1000);
    this.passageMs[phase] = Math.round(parsed.passageS * 1000);
  }

  /** Detector presence per phase (bitmap), as wired from the detector channels; held until the next call. */
  setDetectors(phaseBits: number): void {
    this.detectorOn = phaseBits & this.allPhases;
  }

  /** Pedestrian push buttons (bitmap of phases). */
  pushButtons(phaseBits: number): void {
    this.lockedPedCalls |= phaseBits & this.pedestrianPhases;
  }

  // ---------------------------------------------------------------- outputs

  /** What a phase shows: RED, GREEN or YELLOW (red clearance shows red). Flash and dark show red here; see `flashing`. */
  display(phase: number): number {
    if (this.isDark()) return RED;
    const i = this.interval[phase]!;
    return i === RED_CLEARANCE ? RED : i;
  }

  intervalOf(phase: number): number {
    return this.interval[phase]!;
  }

  /** Flashing (latched fault, manual flash) or dark: drivers treat the junction as all-way stop. */
  isDark(): boolean {
    return this.flashLatched || this.mode === 'flash' || this.mode === 'off';
  }

  get flashing(): boolean {
    return this.flashLatched || this.mode === 'flash';
  }

  get latched(): boolean {
    return this.flashLatched;
  }

  get fault(): { code: FaultCode; detail: string } {
    return { code: this.faultCode, detail: this.faultDetail };
  }

  get unitMode(): UnitMode {
    return this.mode;
  }

  /** Bitmap of phases currently green. */
  greenBits(): number {
    if (this.isDark()) return 0;
    let bits = 0;
    for (const p of this.model.phases) if (this.interval[p] === GREEN) bits |= bit(p);
    return bits;
  }

  status(): SignalStatus {
    const dark = this.isDark();
    const greens: number[] = [];
    const phases: SignalStatus['phases'] = [];
    for (const p of this.model.phases) {
      const interval = this.interval[p]!;
      const green = !dark && interval === GREEN;
      if (green) greens.push(p);
      phases.push({
        phase: p,
        interval: dark ? 'red' : intervalNames[interval]!,
        elapsedMs: this.elapsedMs[p]!,
        minGreenDone: green && this.elapsedMs[p]! >= this.minGreenMs[p]!,
        walk: green && this.timeMs < this.walkEndMs[p]!,
      });
    }
    return {
      intersectionId: this.model.intersectionId,
      timeMs: this.timeMs,
      mode: this.mode,
      flashing: this.flashing,
      faultCode: this.faultCode,
      faultDetail: this.faultDetail,
      phases,
      greens,
      plan: this.mode === 'fixed' ? this.plan : null,
      sinceHeartbeatS: (this.timeMs - this.lastHeartbeatMs) / 1000,
    };
  }

  /** Hi-res events since the last drain, oldest first. */
  drainEvents(): HiResEventRecord[] {
    return this.events.splice(0, this.events.length);
  }

  // ---------------------------------------------------------------- timing

  /** Runs the cabinet forward by `ms` (a multiple of the 100 ms tick). */
  advance(ms: number): void {
    const ticks = Math.round(ms / CABINET_TICK_MS);
    for (let i = 0; i < ticks; i++) this.tick();
  }

  tick(): void {
    this.timeMs += CABINET_TICK_MS;
    if (this.isDark()) return;
    if (this.mode === 'centre' && this.timeMs - this.lastHeartbeatMs > this.watchdogMs) {
      // the centre went silent: run the stored plan, as the cabinet's own fallback
      this.hold = this.forceOff = this.stage = this.vehicleCall = this.omit = 0;
      this.plan = this.model.fallbackPlan;
      this.planDownloaded = false;
      this.windows = planWindows(this.model, this.plan);
      this.setMode('fixed');
      this.log(HiResEvent.ALARM_STATUS, 1);
    }
    if (this.timeMs < this.startupUntilMs) return;
    const phases = this.model.phases;
    const detectors = this.detectorOn;
    for (let i = 0; i < phases.length; i++) {
      const p = phases[i]!;
      this.elapsedMs[p]! += CABINET_TICK_MS;
      if (detectors !== 0 && detectors & bit(p)) {
        this.lastActuationMs[p] = this.timeMs;
        if (this.interval[p] !== GREEN) this.lockedCalls |= bit(p);
      }
    }
    const rings = this.active.length;
    for (let r = 0; r < rings; r++) {
      const p = this.active[r]!;
      if (p === 0) continue;
      const interval = this.interval[p];
      const elapsed = this.elapsedMs[p]!;
      if (interval === GREEN) {
        if (elapsed >= this.minGreenMs[p]!) {
          const reason = this.terminationReason(r, p);
          if (reason !== 0) this.beginYellow(p, reason);
        }
      } else if (interval === YELLOW) {
        if (elapsed >= this.yellowMs[p]!) {
          if (this.redClearanceMs[p]! > 0) this.setInterval(p, RED_CLEARANCE, HiResEvent.PHASE_BEGIN_RED_CLEARANCE);
          else this.endPhase(r, p);
        }
      } else if (interval === RED_CLEARANCE) {
        if (elapsed >= this.redClearanceMs[p]!) this.endPhase(r, p);
      }
    }
    let idle = false;
    for (let r = 0; r < rings; r++) if (this.active[r] === 0) idle = true;
    if (idle) this.startPhases();
    if (this.changed) {
      this.changed = false;
      this.monitor();
    }
  }

  // ---------------------------------------------------------------- internals

  private bits(phases: readonly number[]): number {
    let b = 0;
    for (const p of phases) b |= bit(p);
    return b;
  }

  private setMode(mode: UnitMode): void {
    this.requestedMode = mode;
    if (mode === this.mode) return;
    const wasDark = this.isDark();
    this.mode = mode;
    if (mode === 'flash') this.log(HiResEvent.UNIT_FLASH_STATUS, 1);
    if (wasDark && !this.isDark()) {
      this.log(HiResEvent.UNIT_FLASH_STATUS, 0);
      this.restart();
    }
  }

  /** After flash or power-up: everything red, a start-up all-red, then the first phases. */
  private restart(): void {
    for (const p of this.model.phases) {
      this.interval[p] = RED;
      this.elapsedMs[p] = 0;
    }
    this.active.fill(0);
    this.model.rings.forEach((ring, r) => (this.lastServed[r] = ring[ring.length - 1]!));
    this.currentBarrier = this.model.barrierCount - 1;
    this.startupUntilMs = this.timeMs + STARTUP_ALL_RED_MS;
  }

  private latchFlash(code: FaultCode, detail: string): void {
    if (!this.flashLatched) this.log(HiResEvent.UNIT_FLASH_STATUS, 1);
    this.flashLatched = true;
    this.faultCode = code;
    this.faultDetail = detail;
    for (const p of this.model.phases) this.interval[p] = RED;
    this.active.fill(0);
  }

  /** Phases with service wanted (calls, recalls, stage), not omitted. */
  private demand(): number {
    let calls = this.vehicleCall | this.lockedCalls | this.pedCall | this.lockedPedCalls;
    if (this.mode === 'fixed') calls = this.allPhases;
    if (this.mode === 'centre' && this.stage !== 0) calls = this.stage;
    return calls & ~this.omit & this.allPhases;
  }

  /** 0 = keep green; otherwise the hi-res code of the reason to end it. */
  private terminationReason(ring: number, p: number): HiResEventCode | 0 {
    const b = bit(p);
    if (this.omit & b) return HiResEvent.PHASE_FORCE_OFF;
    if (this.mode === 'fixed') {
      const w = this.windows;
      const c = cycleTimeMs(w, this.timeMs);
      return inWindow(c, w.greenStartMs[p]!, w.forceOffMs[p]!) ? 0 : HiResEvent.PHASE_FORCE_OFF;
    }
    if (this.mode === 'centre') {
      if (this.stage !== 0) return this.stage & b ? 0 : HiResEvent.PHASE_FORCE_OFF;
      if (this.hold & b) return 0;
    }
    // somewhere else to go: another phase of this ring, or any phase behind a barrier
    const elsewhere = this.demand() & ~b & (this.ringMask[ring]! | ~this.barrierMask[this.model.barrierOf[p]!]!);
    if (elsewhere === 0) return 0;
    if (this.mode === 'centre' && this.forceOff & b) return HiResEvent.PHASE_FORCE_OFF;
    if (this.elapsedMs[p]! >= this.maxGreenMs[p]!) return HiResEvent.PHASE_MAX_OUT;
    if (this.timeMs - this.lastActuationMs[p]! >= this.passageMs[p]!) return HiResEvent.PHASE_GAP_OUT;
    return 0;
  }

  private beginYellow(p: number, reason: HiResEventCode): void {
    this.log(reason, p);
    this.log(HiResEvent.PHASE_GREEN_TERMINATION, p);
    this.setInterval(p, YELLOW, HiResEvent.PHASE_BEGIN_YELLOW);
  }

  private endPhase(ring: number, p: number): void {
    this.setInterval(p, RED, HiResEvent.PHASE_END_RED_CLEARANCE);
    this.active[ring] = 0;
  }

  private setInterval(p: number, interval: number, code: HiResEventCode): void {
    this.changed = true;
    this.interval[p] = interval;
    this.elapsedMs[p] = 0;
    this.log(code, p);
  }

  /** Which phase ring `r` should serve next, and whether it must cross a barrier to get there. */
  private nextInRing(r: number, demand: number, barrier: number | -1): number {
    const ring = this.model.rings[r]!;
    if (this.mode === 'fixed') {
      const c = cycleTimeMs(this.windows, this.timeMs);
      for (const p of ring) {
        if ((demand & bit(p)) && inWindow(c, this.windows.greenStartMs[p]!, this.windows.forceOffMs[p]!)) {
          if (barrier === -1 || this.model.barrierOf[p] === barrier) return p;
        }
      }
      return 0;
    }
    const start = this.ringIndex[this.lastServed[r]!]!;
    for (let k = 1; k <= ring.length; k++) {
      const p = ring[(start + k) % ring.length]!;
      if (!(demand & bit(p))) continue;
      if (barrier !== -1 && this.model.barrierOf[p] !== barrier) continue;
      return p;
    }
    return 0;
  }

  private startPhases(): void {
    const demand = this.demand();
    if (demand === 0) return;
    const rings = this.active.length;
    // within the current barrier group: an idle ring moves on to a later phase of the group
    const centreStage = this.mode === 'centre' && this.stage !== 0;
    let allIdle = true;
    for (let r = 0; r < rings; r++) {
      if (this.active[r] === 0) {
        const q = this.nextInRing(r, demand, this.currentBarrier);
        // going back within a group means crossing the barrier first (NEMA), unless the centre asked for that stage
        const forward = this.mode === 'fixed' || centreStage || this.ringIndex[q]! > this.ringIndex[this.lastServed[r]!]!;
        if (q !== 0 && forward) this.tryStart(r, q);
      }
      if (this.active[r] !== 0) allIdle = false;
    }
    if (!allIdle) return;
    // every ring is red: cross to the next barrier group with demand
    const count = this.model.barrierCount;
    for (let k = 1; k <= count; k++) {
      const barrier = (this.currentBarrier + k) % count;
      if ((demand & this.barrierMask[barrier]!) === 0) continue;
      let started = false;
      for (let r = 0; r < rings; r++) {
        const q = this.nextInRing(r, demand, barrier);
        if (q !== 0) started = this.tryStart(r, q) || started;
      }
      if (started) {
        if (barrier !== this.currentBarrier) this.log(HiResEvent.BARRIER_TERMINATION, barrier + 1);
        this.currentBarrier = barrier;
        return;
      }
    }
  }

  private tryStart(r: number, q: number): boolean {
    // interlock: never start a green while a conflicting phase is not fully red
    for (const p of this.model.phases) {
      if (p !== q && this.interval[p] !== RED && this.model.conflicts.conflicts(p, q)) return false;
    }
    const b = bit(q);
    const timing = this.model.timing[q]!;
    const ped = (this.pedestrianPhases & b) !== 0 && ((this.pedCall | this.lockedPedCalls) & b || this.mode === 'fixed');
    this.minGreenMs[q] = Math.round(effectiveMinGreenS(timing, Boolean(ped)) * 1000);
    this.active[r] = q;
    this.lastServed[r] = q;
    this.lockedCalls &= ~b;
    this.lastActuationMs[q] = this.timeMs;
    this.setInterval(q, GREEN, HiResEvent.PHASE_BEGIN_GREEN);
    if (ped) {
      this.lockedPedCalls &= ~b;
      this.walkEndMs[q] = this.timeMs + timing.walkS * 1000;
      this.pedClearEndMs[q] = this.walkEndMs[q]! + timing.pedClearanceS * 1000;
      this.log(HiResEvent.PEDESTRIAN_BEGIN_WALK, q);
    } else {
      this.walkEndMs[q] = 0;
      this.pedClearEndMs[q] = 0;
    }
    return true;
  }

  /** The conflict monitor (MMU): conflicting greens or yellows on the outputs latch flash. */
  private monitor(): void {
    const phases = this.model.phases;
    for (let i = 0; i < phases.length; i++) {
      const a = phases[i]!;
      const ia = this.interval[a];
      if (ia !== GREEN && ia !== YELLOW) continue;
      for (let j = i + 1; j < phases.length; j++) {
        const b = phases[j]!;
        const ib = this.interval[b];
        if ((ib === GREEN || ib === YELLOW) && this.model.conflicts.conflicts(a, b)) {
          this.latchFlash(FaultCode.CONFLICT_OUTPUT, `phases ${a} and ${b} showed together`);
          return;
        }
      }
    }
  }

  private log(code: HiResEventCode, param: number): void {
    if (this.events.length >= this.eventCapacity) {
      this.events.shift();
      this.droppedEvents++;
    }
    this.events.push({ intersectionId: this.model.intersectionId, timeMs: this.timeMs, code, param });
  }
}
