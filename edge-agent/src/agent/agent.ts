import {
  type Alarm,
  type AgentConfig,
  type CabinetRequest,
  type CentreMessage,
  ControllerConfig,
  type Intersection,
  type LaneMeasurement,
  type PhaseModel,
  buildPhaseModel,
  parseCentreMessage,
} from '@greenwave/contracts';
import { DecisionLoop, withRecall } from '@greenwave/controller';
import WebSocket from 'ws';
import type { CabinetStatusReading, FieldDriver } from '../drivers/field-driver.ts';
import { driverFor } from '../drivers/target.ts';
import { Outbox } from './outbox.ts';
import { signalEvents } from './signal-events.ts';
import { signalFromReading } from './signal-reading.ts';

/** Where an agent's per-lane measurements come from (the twin's camera feed now, the vision pipeline next). */
export interface MeasurementSource {
  read(timeMs: number): LaneMeasurement[];
  /** Cameras behind the measurements (the vision pipeline): one that is down or frozen puts its approach on recall. */
  cameraHealth?(): { cameraId: string; approachId: string; ok: boolean; problem: string | null }[];
}

export interface AgentDeps {
  intersection: Intersection;
  source: MeasurementSource;
  /** Defaults to a driver for `config.cabinet`. */
  driver?: FieldDriver;
  clock?: () => number;
  log?: (record: Record<string, unknown>) => void;
}

export type Control = 'centre' | 'local';

export interface AgentStats {
  measurements: number;
  /** Measurements not kept because the outbox was full (`maxOutboxRows`); events and alarms are always kept. */
  measurementsDropped: number;
  /** Times the centre answered `overloaded` (the agent paused and resent from its outbox). */
  centreBusy: number;
  eventsLogged: number;
  alarms: number;
  sent: number;
  ackedSeq: number;
  connects: number;
  commandsApplied: number;
  commandsRefused: number;
  localSwitches: number;
  cabinetErrors: number;
  /** ms from sending a measurement to the cabinet acknowledging the command decided on it (latest 1000). */
  decisionLatencyMs: number[];
  /** ms from losing the centre to the first local request acknowledged by the cabinet (latest 100). */
  takeoverMs: number[];
}

const PING_MS = 250;
const WATCH_MS = 100;
const LOCAL_HEARTBEAT_MS = 2000;
const MAX_BACKOFF_MS = 5000;

/**
 * One edge agent, as in one cabinet: reads the cabinet's status over its field driver (signal events come from the
 * changes), measures lanes each second, keeps every stored-kind message in an SQLite outbox until the centre has
 * acknowledged it, applies the centre's commands to the cabinet, and drives the cabinet itself (actuated or
 * density, through the same safety supervisor) from the moment the centre is lost until it says welcome again.
 */
export class EdgeAgent {
  readonly model: PhaseModel;
  readonly driver: FieldDriver;
  readonly outbox: Outbox;
  readonly stats: AgentStats = {
    measurements: 0,
    measurementsDropped: 0,
    centreBusy: 0,
    eventsLogged: 0,
    alarms: 0,
    sent: 0,
    ackedSeq: 0,
    connects: 0,
    commandsApplied: 0,
    commandsRefused: 0,
    localSwitches: 0,
    cabinetErrors: 0,
    decisionLatencyMs: [],
    takeoverMs: [],
  };
  control: Control = 'local';
  /** When the agent last took over (ms), for the takeover time. */
  private localSinceMs = 0;
  private localLoop: DecisionLoop | null = null;
  private lastLocalWriteMs = -Infinity;
  private takeoverPending = false;
  private ws: WebSocket | null = null;
  private welcomed = false;
  private lastHeardMs = 0;
  private sentUpTo = 0;
  private pausedUntilMs = 0;
  private backoffMs = 100;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | undefined;
  private secondTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private lastReading: CabinetStatusReading | null = null;
  private lastLanes: LaneMeasurement[] = [];
  private pendingEvents: { timeMs: number; code: number; param: number }[] = [];
  private polling = false;
  /** Active alarms by code, or `code@approach` for an approach's camera. */
  private activeAlarms = new Set<string>();
  /** Approaches whose camera is down or frozen: local decisions treat them as on max recall. */
  private recall = new Set<string>();
  private sentAt = new Map<number, number>();
  private stopped = true;
  readonly clock: () => number;
  readonly log: (record: Record<string, unknown>) => void;

  constructor(
    readonly config: AgentConfig,
    private readonly deps: AgentDeps,
  ) {
    if (deps.intersection.id !== config.intersectionId) throw new Error(`agent ${config.agentId}: config is for ${config.intersectionId} but the intersection given is ${deps.intersection.id}`);
    this.model = buildPhaseModel(deps.intersection);
    this.driver = deps.driver ?? driverFor(config.cabinet, { timeoutMs: 1000, retries: 1, backoffMs: 50 });
    this.outbox = new Outbox(config.outboxPath);
    this.clock = deps.clock ?? Date.now;
    this.log = deps.log ?? (() => {});
  }

  get connected(): boolean {
    return this.welcomed && this.ws?.readyState === WebSocket.OPEN;
  }

  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.driver.connect();
    } catch (error) {
      // not fatal: the agent keeps measuring and storing, and retries the cabinet on every poll
      this.raise('cabinet-unreachable', 'critical', `cabinet ${this.driver.address}: ${(error as Error).message}`);
    }
    this.pollTimer = setInterval(() => void this.poll(), this.config.statusPollMs);
    this.secondTimer = setInterval(() => this.everySecond(), 1000);
    this.watchTimer = setInterval(() => this.watch(), WATCH_MS);
    this.connect();
  }

  /** Stops taking measurements and polling (the link stays) and waits until the centre has everything. */
  async drain(timeoutMs = 30_000): Promise<void> {
    clearInterval(this.pollTimer);
    clearInterval(this.secondTimer);
    this.flushEvents(this.clock());
    const started = performance.now();
    while (this.outbox.size > 0) {
      if (performance.now() - started > timeoutMs) throw new Error(`agent ${this.config.agentId}: ${this.outbox.size} messages still unacknowledged after ${timeoutMs} ms`);
      this.pump();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops everything; what is in the outbox stays there for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.secondTimer);
    clearInterval(this.watchTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.ws?.terminate();
    this.ws = null;
    this.welcomed = false;
    await this.driver.close().catch(() => {});
    this.outbox.close();
  }

  health() {
    return {
      agentId: this.config.agentId,
      intersectionId: this.config.intersectionId,
      control: this.control,
      connected: this.connected,
      cabinet: this.activeAlarms.has('cabinet-unreachable') ? 'unreachable' : this.lastReading ? this.lastReading.unitMode : 'unknown',
      outboxRows: this.outbox.size,
      ackedSeq: this.stats.ackedSeq,
      nextSeq: this.outbox.nextSeq,
      alarms: [...this.activeAlarms],
      recall: [...this.recall],
    };
  }

  // ---------------------------------------------------------------- centre link

  private connect(): void {
    if (this.stopped) return;
    const url = new URL(this.config.centreUrl);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/agent';
    const ws = new WebSocket(url, { handshakeTimeout: 3000, maxPayload: 1024 * 1024 });
    this.ws = ws;
    ws.on('open', () => {
      this.lastHeardMs = this.clock();
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, agentId: this.config.agentId, intersectionId: this.config.intersectionId, token: this.config.token, configVersion: this.config.configVersion }));
    });
    ws.on('pong', () => {
      this.lastHeardMs = this.clock();
    });
    ws.on('message', (data: Buffer) => {
      this.lastHeardMs = this.clock();
      let message: CentreMessage;
      try {
        message = parseCentreMessage(data, 'centre');
      } catch (error) {
        this.log({ level: 'warn', agent: this.config.agentId, msg: 'bad message from the centre', error: (error as Error).message });
        return;
      }
      this.onCentre(ws, message);
    });
    ws.on('error', (error) => this.log({ level: 'debug', agent: this.config.agentId, msg: 'centre link error', error: error.message }));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.lost('centre link closed');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.backoffMs * (0.5 + Math.random());
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private onCentre(ws: WebSocket, message: CentreMessage): void {
    switch (message.type) {
      case 'welcome': {
        const { renumbered } = this.outbox.reconcile(message.lastStoredSeq);
        if (renumbered > 0) this.log({ level: 'warn', agent: this.config.agentId, msg: 'outbox renumbered to follow the centre', rows: renumbered, centreLastSeq: message.lastStoredSeq });
        this.stats.ackedSeq = message.lastStoredSeq;
        this.sentUpTo = message.lastStoredSeq;
        this.welcomed = true;
        this.backoffMs = 100;
        this.stats.connects++;
        this.handBack();
        this.pump();
        return;
      }
      case 'ack':
        if (message.seq > this.stats.ackedSeq) {
          this.outbox.acknowledge(message.seq);
          this.stats.ackedSeq = message.seq;
          if (this.sentUpTo < message.seq) this.sentUpTo = message.seq;
          // decisions come within a round of the measurement; older send times are not needed
          for (const seq of this.sentAt.keys()) {
            if (seq > message.seq - 20) break;
            this.sentAt.delete(seq);
          }
        }
        this.pump();
        return;
      case 'command':
        void this.apply(ws, message);
        return;
      case 'error':
        this.log({ level: message.fatal ? 'error' : 'warn', agent: this.config.agentId, msg: 'centre refused', code: message.code, detail: message.message });
        if (message.code === 'out-of-order') {
          this.sentUpTo = this.stats.ackedSeq;
          this.pump();
        } else if (message.code === 'overloaded') {
          // keep it in the outbox; send again after a pause
          this.stats.centreBusy++;
          this.sentUpTo = this.stats.ackedSeq;
          this.pausedUntilMs = this.clock() + 500;
        }
        return;
    }
  }

  /** Sends outbox rows after what is on the wire, up to the in-flight window. */
  private pump(): void {
    const ws = this.ws;
    if (!ws || !this.welcomed || ws.readyState !== WebSocket.OPEN || this.clock() < this.pausedUntilMs) return;
    while (this.sentUpTo - this.stats.ackedSeq < this.config.maxInFlight && ws.bufferedAmount < 1024 * 1024) {
      const batch = this.outbox.after(this.sentUpTo, Math.min(100, this.config.maxInFlight - (this.sentUpTo - this.stats.ackedSeq)));
      if (batch.length === 0) return;
      for (const m of batch) {
        ws.send(JSON.stringify(m));
        if (m.type === 'measurement') this.sentAt.set(m.seq, performance.now());
        this.sentUpTo = m.seq;
        this.stats.sent++;
      }
    }
  }

  private async apply(ws: WebSocket, message: Extract<CentreMessage, { type: 'command' }>): Promise<void> {
    if (this.control !== 'centre') return;
    let accepted = true;
    let problem: string | undefined;
    try {
      await this.driver.send(message.request);
      this.stats.commandsApplied++;
      if (message.measurementSeq !== undefined) {
        const sent = this.sentAt.get(message.measurementSeq);
        if (sent !== undefined) push(this.stats.decisionLatencyMs, performance.now() - sent, 1000);
      }
    } catch (error) {
      accepted = false;
      problem = (error as Error).message.slice(0, 1000);
      this.stats.commandsRefused++;
    }
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'command-ack', seq: message.seq, accepted, ...(problem ? { problem } : {}) }));
  }

  /** Every 100 ms: a silent centre counts as lost after `centreTimeoutMs`; pings keep the silence measurable. */
  private watch(): void {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      if (this.welcomed && this.clock() - this.lastHeardMs > this.config.centreTimeoutMs) {
        this.ws = null;
        ws.terminate();
        this.lost(`centre silent for over ${this.config.centreTimeoutMs} ms`);
        this.scheduleReconnect();
        return;
      }
      ws.ping();
    }
    if (this.pausedUntilMs && this.clock() >= this.pausedUntilMs) {
      this.pausedUntilMs = 0;
      this.pump();
    }
  }

  // ---------------------------------------------------------------- control

  private lost(why: string): void {
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    this.sentAt.clear();
    if (!wasWelcomed || this.control === 'local') return;
    this.control = 'local';
    this.localSinceMs = performance.now();
    this.takeoverPending = true;
    this.localLoop = null;
    this.stats.localSwitches++;
    this.raise('local-control', 'warning', `centre lost (${why}): running ${this.config.localControl} locally`);
    this.log({ level: 'warn', agent: this.config.agentId, msg: 'local control', why });
    void this.decideLocally();
  }

  /** The centre said welcome: its decisions apply again (it resends its full request on the next round). */
  private handBack(): void {
    if (this.control === 'centre') return;
    this.control = 'centre';
    this.localLoop = null;
    this.clear('local-control', 'centre back: under centre control');
    this.log({ level: 'info', agent: this.config.agentId, msg: 'centre control' });
  }

  private async decideLocally(): Promise<void> {
    const reading = this.lastReading;
    if (this.control !== 'local' || !reading || (this.lastLanes.length === 0 && this.recall.size === 0)) return;
    this.localLoop ??= new DecisionLoop([{ intersection: this.deps.intersection, model: this.model, config: ControllerConfig.parse({ kind: this.config.localControl }) }]);
    const signal = signalFromReading(this.model, reading);
    const lanes = this.recall.size > 0 ? withRecall(this.deps.intersection, this.lastLanes, this.recall, signal.timeMs) : this.lastLanes;
    let request: CabinetRequest | null = this.localLoop.decideOne(0, signal.timeMs, lanes, signal, new Map());
    // the cabinet watchdog must be fed even when the algorithm has nothing new to say
    if (!request && performance.now() - this.lastLocalWriteMs >= LOCAL_HEARTBEAT_MS) request = { heartbeat: true };
    if (!request) return;
    try {
      await this.driver.send(request);
      this.lastLocalWriteMs = performance.now();
      if (this.takeoverPending) {
        this.takeoverPending = false;
        push(this.stats.takeoverMs, this.lastLocalWriteMs - this.localSinceMs, 100);
      }
    } catch (error) {
      this.stats.cabinetErrors++;
      this.log({ level: 'warn', agent: this.config.agentId, msg: 'local request failed', error: (error as Error).message });
    }
  }

  // ---------------------------------------------------------------- inputs

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const reading = await this.driver.readStatus();
      if (this.stopped) return;
      const now = this.clock();
      for (const e of signalEvents(this.lastReading, reading, this.model.phases)) this.pendingEvents.push({ timeMs: now, code: e.code, param: e.param });
      const flash = reading.unitMode === 'flash' || reading.flashLatched;
      if (flash) this.raise('cabinet-flash', 'critical', `cabinet in flash (mode ${reading.unitMode}${reading.flashLatched ? ', latched' : ''}, fault ${reading.faultCode})`);
      else this.clear('cabinet-flash', 'cabinet out of flash');
      this.clear('cabinet-unreachable', 'cabinet reachable again');
      this.lastReading = reading;
    } catch (error) {
      // a read cut short by stop(): the outbox is closed, nothing to record
      if (this.stopped) return;
      this.stats.cabinetErrors++;
      this.raise('cabinet-unreachable', 'critical', `cabinet ${this.driver.address}: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private everySecond(): void {
    const now = this.clock();
    try {
      this.lastLanes = this.deps.source.read(now);
      this.clear('camera-down', 'measurements back');
      for (const camera of this.deps.source.cameraHealth?.() ?? []) {
        if (camera.ok) {
          this.recall.delete(camera.approachId);
          this.clear('camera-down', `camera ${camera.cameraId} back: approach ${camera.approachId} measured again`, camera.approachId);
        } else {
          this.recall.add(camera.approachId);
          this.raise('camera-down', 'critical', `camera ${camera.cameraId} (approach ${camera.approachId}): ${camera.problem}; the approach is on recall`, camera.approachId);
        }
      }
    } catch (error) {
      this.raise('camera-down', 'critical', `no measurements: ${(error as Error).message}`);
      this.lastLanes = [];
    }
    const reading = this.lastReading;
    if (reading && this.ws && this.welcomed && this.ws.readyState === WebSocket.OPEN) {
      // live state first: the centre decides when the measurement arrives
      this.ws.send(
        JSON.stringify({
          type: 'status',
          status: { clockMs: Math.round(reading.clockS * 1000), greens: reading.greens, yellows: reading.yellows, mode: reading.unitMode, flashLatched: reading.flashLatched, faultCode: reading.faultCode, control: this.control },
        }),
      );
    }
    this.flushEvents(now);
    if (this.lastLanes.length > 0) {
      if (this.outbox.size < this.config.maxOutboxRows) {
        this.outbox.append({ type: 'measurement', timeMs: now, lanes: this.lastLanes }, now);
        this.stats.measurements++;
      } else this.stats.measurementsDropped++;
    }
    this.pump();
    if (this.control === 'local') void this.decideLocally();
  }

  private flushEvents(now: number): void {
    for (let i = 0; i < this.pendingEvents.length; i += 1000) {
      const events = this.pendingEvents.slice(i, i + 1000).map((e) => ({ intersectionId: this.config.intersectionId, ...e }));
      this.outbox.append({ type: 'events', events } as never, now);
      this.stats.eventsLogged += events.length;
    }
    this.pendingEvents = [];
  }

  // ---------------------------------------------------------------- alarms

  private raise(code: Alarm['code'], severity: Alarm['severity'], message: string, approachId?: string): void {
    const key = approachId ? `${code}@${approachId}` : code;
    if (this.activeAlarms.has(key) || this.stopped) return;
    this.activeAlarms.add(key);
    this.stats.alarms++;
    this.outbox.append({ type: 'alarm', alarm: { code, severity, message: message.slice(0, 500), timeMs: this.clock(), active: true, ...(approachId ? { approachId } : {}) } }, this.clock());
    this.pump();
  }

  private clear(code: Alarm['code'], message: string, approachId?: string): void {
    if (this.stopped || !this.activeAlarms.delete(approachId ? `${code}@${approachId}` : code)) return;
    this.stats.alarms++;
    this.outbox.append({ type: 'alarm', alarm: { code, severity: 'info', message, timeMs: this.clock(), active: false, ...(approachId ? { approachId } : {}) } }, this.clock());
    this.pump();
  }
}

function push(into: number[], value: number, max: number): void {
  into.push(value);
  if (into.length > max) into.splice(0, into.length - max);
}
