import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CabinetRequest,
  type CentreMessage,
  type ControllerConfig,
  type Intersection,
  type LaneMeasurement,
  type OverrideRequest,
  type PhaseModel,
  type SignalStatus,
  type StatusMessage,
  buildPhaseModel,
  parseAgentMessage,
} from '@greenwave/contracts';
import { type WebSocket, WebSocketServer } from 'ws';
import type { z } from 'zod';
import type { DownstreamState } from '../algorithms/types.ts';
import { DecisionLoop } from '../runner/decision-loop.ts';
import { superviseRequest } from '../safety/supervisor.ts';
import { registerApi } from './api.ts';
import { type Caller, Router } from './http.ts';
import { IngestQueue } from './ingest.ts';
import { CentreMetrics } from './metrics.ts';
import { withRecall } from '../algorithms/recall.ts';
import type { CentreStore, IngestOutcome } from './storage/store.ts';
import { allowed, sameHash, tokenHash } from './auth.ts';

export interface CentreOptions {
  store: CentreStore;
  intersections: readonly Intersection[];
  /** The controller of an intersection that has no saved choice. */
  defaultController: (intersection: Intersection) => ControllerConfig;
  port?: number;
  host?: string;
  decisionIntervalMs?: number;
  /** Messages waiting for the group commit before the centre answers `overloaded` (back-pressure); default 100,000. */
  ingestQueueLimit?: number;
  /** Wall clock (ms); injectable for tests. */
  clock?: () => number;
  log?: (record: Record<string, unknown>) => void;
}

/** One connected agent. */
interface AgentSession {
  ws: WebSocket;
  agentId: string;
  intersectionId: string;
  index: number;
  lastSeenMs: number;
  badMessages: number;
}

/** What the centre knows live about one intersection. */
export interface LiveIntersection {
  id: string;
  name: string;
  online: boolean;
  agentId: string | null;
  status: z.infer<typeof StatusMessage>['status'] | null;
  lanes: LaneMeasurement[];
  controller: string;
  override: OverrideRequest | null;
  /** The override's request has reached the agent's connection (cleared on change and on reconnect). */
  overrideSent: boolean;
  statusAtMs: number;
  lanesTimeMs: number;
  lastCommand: { seq: number; request: CabinetRequest; source: 'algorithm' | 'operator'; accepted: boolean | null } | null;
  /** Approaches whose detection failed (an active camera alarm): decided as if on max recall. */
  recall: string[];
}

/**
 * The centre: agents connect over WebSocket, their measurements, events and alarms are stored exactly once (group
 * commit, acknowledged after commit), the decision loop runs every second for every intersection with a live agent,
 * decisions pass the safety supervisor and go to the agents as commands; operators' overrides take precedence and are
 * audited. HTTP API, live stream, /metrics and /health on the same port.
 */
export class Centre {
  readonly store: CentreStore;
  readonly loop: DecisionLoop;
  readonly models: PhaseModel[];
  readonly live: LiveIntersection[];
  readonly byId = new Map<string, number>();
  readonly metrics = new CentreMetrics();
  readonly sessions = new Map<string, AgentSession>();
  private readonly sessionCache = new Map<string, { readMs: number; expiresMs: number; caller: Caller | null }>();
  private liveList: { builtMs: number; text: Buffer } | null = null;
  private rollingUp: Promise<void> | null = null;
  private ticksSinceRollUp = 0;
  private readonly ingest: IngestQueue;
  private server: Server | null = null;
  private agentWss: WebSocketServer | null = null;
  private liveWss: WebSocketServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private commandSeq: number;
  private downstream = new Map<string, DownstreamState>();
  readonly clock: () => number;
  readonly log: (record: Record<string, unknown>) => void;
  url = '';

  constructor(readonly options: CentreOptions) {
    this.store = options.store;
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? ((r) => process.stdout.write(`${JSON.stringify({ t: new Date(this.clock()).toISOString(), ...r })}\n`));
    // commands are numbered from the clock, so numbers keep growing across centre restarts
    this.commandSeq = this.clock();
    this.models = options.intersections.map((x) => buildPhaseModel(x));
    options.intersections.forEach((x, i) => this.byId.set(x.id, i));
    this.loop = new DecisionLoop(options.intersections.map((x, i) => ({ intersection: x, model: this.models[i]!, config: options.defaultController(x) })));
    this.live = options.intersections.map((x) => ({ id: x.id, name: x.name, online: false, agentId: null, status: null, lanes: [], controller: options.defaultController(x).kind, override: null, overrideSent: false, statusAtMs: 0, lanesTimeMs: 0, lastCommand: null, recall: [] }));
    this.ingest = new IngestQueue(
      this.store,
      (outcomes) => this.acknowledge(outcomes),
      (error) => this.log({ level: 'error', msg: 'ingest failed; agents will resend', error: error.message }),
      { maxQueue: options.ingestQueueLimit ?? 100_000, maxBatch: 2000, delayMs: 5 },
    );
  }

  async start(): Promise<string> {
    // saved controller choices and overrides survive restarts
    for (const choice of await this.store.controllerChoices()) {
      const i = this.byId.get(choice.intersection_id);
      if (i === undefined) continue;
      const config = JSON.parse(choice.config_json) as ControllerConfig;
      this.loop.setController(i, config);
      this.live[i]!.controller = config.kind;
    }
    for (const o of await this.store.overrides()) {
      const i = this.byId.get(o.intersection_id);
      if (i !== undefined) this.live[i]!.override = JSON.parse(o.detail_json) as OverrideRequest;
    }
    const router = new Router((token) => this.authenticate(token));
    registerApi(router, this);
    const server = createServer((req, res) => {
      this.metrics.httpRequests.inc();
      void router.handle(req, res);
    });
    server.keepAliveTimeout = 65_000;
    this.agentWss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 });
    this.liveWss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/agent') this.agentWss!.handleUpgrade(req, socket, head, (ws) => this.onAgent(ws));
      else if (url.pathname === '/live') {
        void this.authenticate(url.searchParams.get('token') ?? '').then((caller) => {
          if (!caller || !allowed(caller.role, 'live:read')) {
            socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
            return;
          }
          this.liveWss!.handleUpgrade(req, socket, head, (ws) => {
            ws.on('error', () => ws.terminate());
            ws.send(JSON.stringify({ type: 'live', intersections: this.liveSummary() }));
          });
        });
      } else socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.url = `http://${address.address}:${address.port}`;
    const every = this.options.decisionIntervalMs ?? 1000;
    this.timer = setInterval(() => this.tick(), every);
    this.log({ level: 'info', msg: 'centre started', url: this.url, db: this.store.opened.location, intersections: this.live.length });
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.sessions.values()) s.ws.terminate();
    this.sessions.clear();
    for (const ws of this.liveWss?.clients ?? []) ws.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
    await this.ingest.close();
    await this.rollingUp;
  }

  async authenticate(token: string): Promise<Caller | null> {
    if (!token) return null;
    const hash = tokenHash(token);
    const now = this.clock();
    // a dashboard polls many times a second: a session read from the database is trusted for a few seconds
    // (logout forgets it at once; expiry is checked on every request)
    let known = this.sessionCache.get(hash);
    if (!known || now - known.readMs > SESSION_CACHE_MS) {
      const session = await this.store.session(hash);
      if (this.sessionCache.size >= 10_000) this.sessionCache.clear();
      known = { readMs: now, expiresMs: session ? Number(session.expires_ms) : 0, caller: session ? { username: session.username, role: session.role as Caller['role'] } : null };
      this.sessionCache.set(hash, known);
    }
    return known.caller && known.expiresMs >= now ? known.caller : null;
  }

  /** Logout: the session stops working on this request, not when the cache would have expired. */
  forgetSession(hash: string): void {
    this.sessionCache.delete(hash);
  }

  // ---------------------------------------------------------------- agents

  private send(ws: WebSocket, message: CentreMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  private onAgent(ws: WebSocket): void {
    let session: AgentSession | null = null;
    const helloTimer = setTimeout(() => {
      if (!session) {
        this.send(ws, { type: 'error', code: 'unauthorised', message: 'no hello within 5 s', fatal: true });
        ws.close(4401, 'no hello');
      }
    }, 5000);
    // a broken frame (bad RSV bits, bad UTF-8, too large) closes this connection only
    ws.on('error', (error) => {
      this.metrics.badMessages.inc();
      this.log({ level: 'warn', msg: 'agent connection error', agent: session?.agentId ?? null, error: error.message });
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (session && this.sessions.get(session.agentId) === session) {
        this.sessions.delete(session.agentId);
        const live = this.live[session.index]!;
        live.online = false;
        this.metrics.agentsConnected.set(this.sessions.size);
        this.log({ level: 'info', msg: 'agent disconnected', agent: session.agentId, intersection: session.intersectionId });
      }
    });
    // one message at a time per connection, in order: a measurement right behind the hello sees the session
    let chain = Promise.resolve();
    ws.on('message', (data: Buffer) => {
      chain = chain
        .then(() => this.onAgentMessage(ws, data, session, (s) => (session = s)))
        .catch((error: Error) => {
          this.log({ level: 'error', msg: 'agent message failed', error: error.message });
        });
    });
  }

  private async onAgentMessage(ws: WebSocket, data: Buffer, session: AgentSession | null, setSession: (s: AgentSession) => void): Promise<void> {
    const source = session ? `agent ${session.agentId}` : 'unauthenticated agent';
    let message;
    try {
      message = parseAgentMessage(data, source);
    } catch (error) {
      this.metrics.badMessages.inc();
      const tooLarge = /over the .*-byte limit/.test((error as Error).message);
      this.send(ws, { type: 'error', code: tooLarge ? 'too-large' : 'bad-message', message: (error as Error).message.slice(0, 2000), fatal: !session });
      if (!session) ws.close(4400, 'bad message');
      else if (++session.badMessages > 50) ws.close(4400, 'too many bad messages');
      return;
    }
    if (message.type === 'hello') {
      if (session) return this.send(ws, { type: 'error', code: 'bad-message', message: 'already said hello', fatal: false });
      const agent = await this.store.agent(message.agentId);
      const index = this.byId.get(message.intersectionId);
      if (!agent || !sameHash(agent.token_hash, tokenHash(message.token)) || agent.intersection_id !== message.intersectionId || index === undefined) {
        this.metrics.badMessages.inc();
        this.send(ws, { type: 'error', code: 'unauthorised', message: `agent ${message.agentId} is not registered for ${message.intersectionId}, or its token is wrong`, fatal: true });
        ws.close(4401, 'unauthorised');
        return;
      }
      const s: AgentSession = { ws, agentId: message.agentId, intersectionId: message.intersectionId, index, lastSeenMs: this.clock(), badMessages: 0 };
      this.sessions.get(s.agentId)?.ws.close(4409, 'replaced by a new connection');
      this.sessions.set(s.agentId, s);
      setSession(s);
      const live = this.live[index]!;
      live.online = true;
      live.agentId = s.agentId;
      live.overrideSent = false;
      this.loop.resend(index);
      this.metrics.agentsConnected.set(this.sessions.size);
      this.send(ws, { type: 'welcome', lastStoredSeq: Number(agent.last_seq), lastCommandSeq: this.commandSeq });
      this.log({ level: 'info', msg: 'agent connected', agent: s.agentId, intersection: s.intersectionId, lastStoredSeq: Number(agent.last_seq) });
      return;
    }
    if (!session) {
      this.metrics.badMessages.inc();
      this.send(ws, { type: 'error', code: 'unauthorised', message: 'say hello with a token first', fatal: true });
      ws.close(4401, 'unauthorised');
      return;
    }
    session.lastSeenMs = this.clock();
    const live = this.live[session.index]!;
    switch (message.type) {
      case 'status':
        live.status = message.status;
        live.statusAtMs = this.clock();
        return;
      case 'command-ack':
        if (live.lastCommand && live.lastCommand.seq === message.seq) live.lastCommand.accepted = message.accepted;
        if (!message.accepted) this.log({ level: 'warn', msg: 'cabinet refused a command', intersection: session.intersectionId, problem: message.problem });
        return;
      default:
        this.metrics.messages.inc({ type: message.type });
        if (!this.ingest.offer({ agentId: session.agentId, intersectionId: session.intersectionId, message })) {
          this.metrics.overloaded.inc();
          this.send(ws, { type: 'error', code: 'overloaded', message: 'centre is busy; keep it in your outbox and resend', fatal: false });
          return;
        }
        if (message.type === 'alarm' && message.alarm.code === 'camera-down' && message.alarm.approachId) {
          const approach = message.alarm.approachId;
          live.recall = live.recall.filter((a) => a !== approach);
          if (message.alarm.active) live.recall.push(approach);
        }
        // replayed (old) and future-dated measurements are stored but not decided on: only fresh ones are live
        if (message.type === 'measurement' && Math.abs(this.clock() - message.timeMs) < STALE_MS) {
          live.lanes = message.lanes;
          live.lanesTimeMs = message.timeMs;
          this.decideFor(session, message.seq);
        }
    }
  }

  private acknowledge(outcomes: Map<string, IngestOutcome>): void {
    for (const [agentId, outcome] of outcomes) {
      const session = this.sessions.get(agentId);
      if (!session) continue;
      this.send(session.ws, { type: 'ack', seq: outcome.lastSeq });
      if (outcome.gapAt !== undefined) this.send(session.ws, { type: 'error', code: 'out-of-order', message: `expected message ${outcome.lastSeq + 1}, got ${outcome.gapAt}: resend from ${outcome.lastSeq + 1}`, fatal: false });
    }
    this.metrics.ingestQueue.set(this.ingest.length);
  }

  get ingestStats() {
    return { stored: this.ingest.stored, duplicates: this.ingest.duplicates, batches: this.ingest.batches, queued: this.ingest.length, commitMs: this.ingest.commitMs };
  }

  /** Waits until everything received so far is stored (tests, shutdown). */
  flushIngest(): Promise<void> {
    return this.ingest.flush();
  }

  // ---------------------------------------------------------------- decisions

  signalOf(i: number): SignalStatus | null {
    const status = this.live[i]!.status;
    if (!status) return null;
    const model = this.models[i]!;
    return {
      intersectionId: model.intersectionId,
      timeMs: status.clockMs,
      mode: status.mode,
      flashing: status.mode === 'flash' || status.flashLatched,
      faultCode: status.faultCode as SignalStatus['faultCode'],
      faultDetail: '',
      phases: model.phases.map((p) => ({ phase: p, interval: status.greens.includes(p) ? 'green' : status.yellows.includes(p) ? 'yellow' : 'red', elapsedMs: 0, minGreenDone: false, walk: false })),
      greens: status.greens,
      plan: null,
      sinceHeartbeatS: 0,
    };
  }

  /**
   * Decides for one intersection as soon as its fresh measurement arrives (its status came just before it), so a
   * decision reaches the cabinet within milliseconds of the measurement it was made on. Operators' overrides win.
   */
  private decideFor(session: AgentSession, measurementSeq: number): void {
    const i = session.index;
    const live = this.live[i]!;
    const signal = this.signalOf(i);
    if (!signal || live.override || this.clock() - live.statusAtMs > STALE_MS) return;
    const started = process.hrtime.bigint();
    const lanes = live.recall.length > 0 ? withRecall(this.options.intersections[i]!, live.lanes, new Set(live.recall), this.clock()) : live.lanes;
    const request = this.loop.decideOne(i, signal.timeMs, lanes, signal, this.downstream);
    this.metrics.decisionSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (request) this.command(session, request, 'algorithm', undefined, measurementSeq);
  }

  /** Every second: queues downstream for the controllers that look there, overrides and their heartbeat, the live stream. */
  tick(): void {
    const now = this.clock();
    this.downstream = DecisionLoop.downstreamOf(this.loop.entries, this.live.map((l) => l.lanes));
    for (const session of this.sessions.values()) {
      const live = this.live[session.index]!;
      if (!live.override || now - live.statusAtMs > STALE_MS) continue;
      // the operator's request once (again after a reconnect), then a heartbeat every second to keep it
      const request = live.overrideSent ? HEARTBEAT : overrideRequest(live.override);
      live.overrideSent = true;
      if (request) this.command(session, request, 'operator');
    }
    this.broadcastLive();
    if (!this.rollingUp && ++this.ticksSinceRollUp >= ROLLUP_EVERY_TICKS) {
      this.ticksSinceRollUp = 0;
      this.rollingUp = this.store
        .rollUp()
        .then(() => undefined)
        .catch((error: Error) => this.log({ level: 'error', msg: '15-minute roll-up failed; it is retried', error: error.message }))
        .finally(() => (this.rollingUp = null));
    }
  }

  /** Sends a request to an intersection's agent as a numbered command (operator requests are supervised as such). */
  command(session: AgentSession, request: CabinetRequest, source: 'algorithm' | 'operator', reason?: string, measurementSeq?: number): void {
    const verdict = superviseRequest(this.models[session.index]!, request, source);
    if (!verdict.ok) {
      this.log({ level: 'warn', msg: 'supervisor rejected a decision', intersection: session.intersectionId, problems: verdict.problems.map((p) => p.message) });
      return;
    }
    const seq = ++this.commandSeq;
    this.live[session.index]!.lastCommand = { seq, request, source, accepted: null };
    this.metrics.commands.inc({ source });
    this.send(session.ws, { type: 'command', seq, request, source, ...(reason ? { reason } : {}), ...(measurementSeq !== undefined ? { measurementSeq } : {}) });
  }

  /** Sets or clears (null) the operator's override of intersection i; a release hands back to the algorithm. */
  setOverride(i: number, override: OverrideRequest | null): void {
    const live = this.live[i]!;
    live.override = override;
    live.overrideSent = false;
    this.liveChanged();
    this.loop.resend(i);
    const session = this.sessionFor(live.id);
    if (override && session) {
      const request = overrideRequest(override);
      if (request) {
        this.command(session, request, 'operator', override.reason);
        live.overrideSent = true;
      }
    }
  }

  sessionFor(intersectionId: string): AgentSession | undefined {
    for (const s of this.sessions.values()) if (s.intersectionId === intersectionId) return s;
    return undefined;
  }

  /**
   * GET /api/intersections' body: rebuilt at most every LIVE_LIST_MS (the cabinets are polled every 250 ms, agents
   * report each second), and at once after an operator's change so they see it.
   */
  liveListJson(): Buffer {
    const now = this.clock();
    if (!this.liveList || now - this.liveList.builtMs >= LIVE_LIST_MS) {
      this.liveList = { builtMs: now, text: Buffer.from(JSON.stringify({ intersections: this.liveSummary().map((s, i) => ({ ...s, name: this.live[i]!.name })) })) };
    }
    return this.liveList.text;
  }

  /** After an override or a controller change. */
  liveChanged(): void {
    this.liveList = null;
  }

  liveSummary() {
    return this.live.map((l) => ({
      id: l.id,
      online: l.online,
      greens: l.status?.greens ?? [],
      mode: l.status?.mode ?? null,
      control: l.status?.control ?? null,
      controller: l.override ? `override:${l.override.kind}` : l.controller,
      queueM: Math.round(Math.max(0, ...l.lanes.map((m) => m.queueLengthM))),
    }));
  }

  private broadcastLive(): void {
    if (!this.liveWss || this.liveWss.clients.size === 0) return;
    const text = JSON.stringify({ type: 'live', intersections: this.liveSummary() });
    for (const ws of this.liveWss.clients) if (ws.readyState === ws.OPEN && ws.bufferedAmount < 1_000_000) ws.send(text);
  }
}

/** Reports older than this are not decided on. */
const STALE_MS = 3000;
/** How long a session read from the database is trusted without reading it again. */
const SESSION_CACHE_MS = 5000;
/** Oldest live list GET /api/intersections answers with. */
const LIVE_LIST_MS = 100;
/** Decision ticks between roll-ups of the 15-minute measurements. */
const ROLLUP_EVERY_TICKS = 15;
const HEARTBEAT: CabinetRequest = Object.freeze({ heartbeat: true });

/** The cabinet request an operator's override stands for. */
export function overrideRequest(o: OverrideRequest): CabinetRequest | null {
  switch (o.kind) {
    case 'hold-phase':
      return { mode: 'centre', stage: [o.phase], heartbeat: true };
    case 'fixed-plan':
      return { mode: 'fixed', plan: o.plan, heartbeat: true };
    case 'flash':
      return { mode: 'flash', heartbeat: true };
    case 'release':
      return null;
  }
}
