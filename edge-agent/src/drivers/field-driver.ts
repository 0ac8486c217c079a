import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CabinetRequest,
  MAP_PHASES,
  POINTS,
  type PointDef,
  UNIT_MODE_CODES,
  type UnitMode,
  bitmapToPhases,
  phasesToBitmap,
  point,
} from '@greenwave/contracts';
import { FieldDeviceError } from './errors.ts';

export type PointValue = number | string;

/** A cabinet's state as read through the point map. */
export interface CabinetStatusReading {
  greens: number[];
  yellows: number[];
  reds: number[];
  redClearances: number[];
  walks: number[];
  unitMode: UnitMode;
  flashLatched: boolean;
  faultCode: number;
  planDownloaded: boolean;
  testMode: boolean;
  heartbeatEcho: number;
  sinceHeartbeatS: number;
  /** Cabinet clock (s since power-up): measure durations with this, not the wall clock. */
  clockS: number;
  watchdogTimeoutS: number;
}

export const STATUS_POINTS = POINTS.filter((p) => p.group === 'status');

export interface DriverOptions {
  /** Give up on one request after this long (ms). */
  timeoutMs?: number;
  /** Attempts for timeouts and connection losses, with exponential backoff and a reconnect in between. */
  retries?: number;
  backoffMs?: number;
}

/**
 * One interface for every field protocol (the edge agent and commissioning use only this). Implementations read and
 * write points; the mapping of cabinet requests and status onto points, retries, reconnects and heartbeats live here.
 */
export abstract class FieldDriver {
  abstract readonly address: string;
  protected readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private heartbeatCounter = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** Bumped by close(): a connection an open() in flight finishes after that must be let go, not kept. */
  private closeEpoch = 0;
  private closed = false;
  private opening: Promise<void> | null = null;
  /** Errors of background work (heartbeats); the caller decides what to do with them. */
  onError: (error: FieldDeviceError) => void = () => {};

  constructor(options: DriverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
  }

  protected abstract open(): Promise<void>;
  protected abstract shut(): Promise<void>;
  protected abstract readRaw(defs: readonly PointDef[]): Promise<PointValue[]>;
  /** Writes, in the order given; implementations keep a block of control points in one protocol write where they can. */
  protected abstract writeRaw(values: readonly [PointDef, PointValue][]): Promise<void>;
  abstract get connected(): boolean;

  async connect(): Promise<void> {
    this.closed = false;
    await this.retry('', () => this.openOnce(), false);
  }

  /** One open at a time: heartbeats and requests that find the link down share one reconnect. */
  private openOnce(): Promise<void> {
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  /** Lets go of the device; an open, a retry or a heartbeat still in flight ends without reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    this.closeEpoch++;
    this.stopHeartbeat();
    await this.shut();
  }

  /** Taken at the start of open(); see `ensureNotClosedSince`. */
  protected get epoch(): number {
    return this.closeEpoch;
  }

  /**
   * For open(): after each wait, if close() was called meanwhile, let go of what was made so far (`release`) and
   * fail — otherwise a stop during a slow connect leaves a connection (and its keep-alives) behind.
   */
  protected async ensureNotClosedSince(epoch: number, release: () => Promise<unknown>): Promise<void> {
    if (epoch === this.closeEpoch) return;
    await release().catch(() => {});
    throw new FieldDeviceError('connection', this.address, '', 'driver closed while connecting');
  }

  /** Runs an operation; timeouts and lost connections are retried after a reconnect, device refusals are not. */
  protected async retry<T>(pointId: string, op: () => Promise<T>, reconnect = true): Promise<T> {
    let lastError: FieldDeviceError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await sleep(this.backoffMs * 2 ** (attempt - 1));
      if (this.closed) throw lastError ?? new FieldDeviceError('connection', this.address, pointId, 'driver closed');
      try {
        if (reconnect && !this.connected) await this.openOnce();
        return await op();
      } catch (error) {
        const e = error instanceof FieldDeviceError ? error : new FieldDeviceError('connection', this.address, pointId, (error as Error).message ?? String(error), error);
        if (e.kind === 'exception' || e.kind === 'invalid-value') throw e;
        lastError = e;
        if (reconnect) await this.shut().catch(() => {});
      }
    }
    throw lastError!;
  }

  async readPoints(ids: readonly string[]): Promise<Map<string, PointValue>> {
    const defs = ids.map((id) => this.def(id));
    const values = await this.retry(ids.length === 1 ? ids[0]! : '', () => this.readRaw(defs));
    return new Map(defs.map((d, i) => [d.id, values[i]!]));
  }

  async readPoint(id: string): Promise<PointValue> {
    return (await this.readPoints([id])).get(id)!;
  }

  async writePoints(values: ReadonlyMap<string, PointValue> | readonly [string, PointValue][]): Promise<void> {
    const entries = [...(values instanceof Map ? values.entries() : values)].map(([id, v]) => [this.def(id), v] as [PointDef, PointValue]);
    for (const [def, v] of entries) {
      if (def.area !== 'holding') throw new FieldDeviceError('invalid-value', this.address, def.id, 'read-only point');
      if (typeof v === 'number' && (v < def.min - 1e-9 || v > def.max + 1e-9)) throw new FieldDeviceError('invalid-value', this.address, def.id, `${v} is outside ${def.min}..${def.max} ${def.unit}`.trim());
    }
    await this.retry(entries.length === 1 ? entries[0]![0].id : '', () => this.writeRaw(entries));
  }

  private def(id: string): PointDef {
    try {
      return point(id);
    } catch (error) {
      throw new FieldDeviceError('invalid-value', this.address, id, (error as Error).message, error);
    }
  }

  async readStatus(): Promise<CabinetStatusReading> {
    const v = await this.readPoints(STATUS_POINTS.map((p) => p.id));
    const n = (id: string) => Number(v.get(`status.${id}`));
    return {
      greens: bitmapToPhases(n('greens')),
      yellows: bitmapToPhases(n('yellows')),
      reds: bitmapToPhases(n('reds')),
      redClearances: bitmapToPhases(n('redClearances')),
      walks: bitmapToPhases(n('walks')),
      unitMode: UNIT_MODE_CODES[n('unitMode')] ?? 'off',
      flashLatched: n('flashLatched') === 1,
      faultCode: n('faultCode'),
      planDownloaded: n('planSource') === 1,
      testMode: n('testMode') === 1,
      heartbeatEcho: n('heartbeatEcho'),
      sinceHeartbeatS: n('sinceHeartbeat'),
      clockS: n('clock'),
      watchdogTimeoutS: n('watchdogTimeout'),
    };
  }

  /** A cabinet request as point writes: the plan first, then the control block (one write where the protocol allows). */
  async send(request: CabinetRequest): Promise<void> {
    await this.writePoints(this.requestPoints(request));
  }

  requestPoints(request: CabinetRequest): [string, PointValue][] {
    const out: [string, PointValue][] = [];
    if (request.plan) {
      out.push(['plan.cycle', request.plan.cycleS], ['plan.offset', request.plan.offsetS]);
      const split = new Map(request.plan.splits.map((s) => [s.phase, s.splitS]));
      for (let p = 1; p <= MAP_PHASES; p++) out.push([`plan.split${String(p).padStart(2, '0')}`, split.get(p) ?? 0]);
    }
    const bits = (field: 'hold' | 'forceOff' | 'vehicleCall' | 'pedCall' | 'omit' | 'stage') => {
      const phases = request[field];
      if (phases) out.push([`control.${field}`, phasesToBitmap(phases)]);
    };
    if (request.mode) out.push(['control.unitMode', UNIT_MODE_CODES.indexOf(request.mode)]);
    bits('hold');
    bits('forceOff');
    bits('vehicleCall');
    bits('pedCall');
    bits('omit');
    bits('stage');
    if (request.reset) out.push(['control.reset', 1]);
    if (request.plan) out.push(['control.planCommand', 1]);
    if (request.heartbeat) out.push(['control.heartbeat', this.nextHeartbeat()]);
    return out;
  }

  private nextHeartbeat(): number {
    this.heartbeatCounter = (this.heartbeatCounter + 1) % 65536;
    return this.heartbeatCounter;
  }

  /** Writes the heartbeat every `periodMs` until closed; failures go to `onError`. */
  startHeartbeat(periodMs: number): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => {
      this.send({ heartbeat: true }).catch((error: unknown) => this.onError(error instanceof FieldDeviceError ? error : new FieldDeviceError('connection', this.address, 'control.heartbeat', String(error), error)));
    }, periodMs);
    this.heartbeatTimer.unref();
  }

  stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}
