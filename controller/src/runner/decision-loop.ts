import type { CabinetRequest, ControllerConfig, Intersection, LaneMeasurement, PhaseModel, SignalStatus } from '@greenwave/contracts';
import { buildView } from '../algorithms/intersection-view.ts';
import { type BoundController, createController } from '../algorithms/registry.ts';
import type { DownstreamState } from '../algorithms/types.ts';
import { superviseRequest } from '../safety/supervisor.ts';

/** What the loop needs of a cabinet: its status and a way to send requests (the twin's cabinet, a field driver...). */
export interface CabinetPort {
  status(): SignalStatus;
  request(request: CabinetRequest): { accepted: boolean; problems: { message: string }[] };
}

export interface LoopEntry {
  intersection: Intersection;
  model: PhaseModel;
  /** For in-process cabinets; a loop over a field link sends the returned requests itself. */
  cabinet?: CabinetPort;
  config: ControllerConfig;
}

export interface Controlled {
  intersection: Intersection;
  model: PhaseModel;
  cabinet?: CabinetPort;
  controller: BoundController;
  lastReason: string;
  /** Last request sent and when: unchanged requests are only repeated as the watchdog heartbeat. */
  lastSent: CabinetRequest | null;
  lastSentMs: number;
}

export interface LoopStats {
  decisions: number;
  requestsSent: number;
  rejectedBySupervisor: number;
  refusedByCabinet: number;
  lastRejection: string;
}

/** Heartbeat at least this often (and at most 1 s later) so the cabinet's watchdog (5 s) never fires while the centre lives. */
const HEARTBEAT_MS = 2000;
const HEARTBEAT: CabinetRequest = Object.freeze({ heartbeat: true });

/**
 * One decision round for many intersections: each controller gets its lanes and the queues downstream, its decision
 * goes through the safety supervisor, and only changed requests (or a heartbeat) go to the cabinet. Used on the twin,
 * on SUMO, and by the centre.
 */
export class DecisionLoop {
  readonly entries: Controlled[];
  readonly stats: LoopStats = { decisions: 0, requestsSent: 0, rejectedBySupervisor: 0, refusedByCabinet: 0, lastRejection: '' };
  /** Time spent deciding (controllers + supervisor + requests), total and for the last round (ns). */
  decisionNs = 0;
  lastDecisionNs = 0;
  private round = 0;

  constructor(entries: readonly LoopEntry[]) {
    this.entries = entries.map((e) => ({
      intersection: e.intersection,
      model: e.model,
      cabinet: e.cabinet,
      controller: createController(buildView(e.intersection), e.config),
      lastReason: '',
      lastSent: null,
      lastSentMs: -Infinity,
    }));
  }

  /** Queues on every measured inbound edge, for the controllers that look downstream. */
  static downstreamOf(entries: readonly Controlled[], lanes: readonly (readonly LaneMeasurement[])[]): Map<string, DownstreamState> {
    const downstream = new Map<string, DownstreamState>();
    entries.forEach((e, i) => {
      for (const approach of e.intersection.approaches) {
        if (approach.inboundEdgeId === null) continue;
        let queuePcu = 0;
        for (const lane of lanes[i]!) if (lane.approachId === approach.id) queuePcu += lane.queuePcu;
        downstream.set(approach.inboundEdgeId, { queuePcu, lanes: approach.lanes.length });
      }
    });
    return downstream;
  }

  /**
   * One round for in-process cabinets: `lanes[i]` are the latest measurements of entry i; statuses are read from the
   * cabinets, decisions checked by the supervisor and sent.
   */
  decide(timeMs: number, lanes: readonly (readonly LaneMeasurement[])[]): void {
    // inputs first (in the field they arrive as messages), then the decision round proper
    const signals = this.entries.map((e) => e.cabinet!.status());
    const downstream = DecisionLoop.downstreamOf(this.entries, lanes);
    const started = process.hrtime.bigint();
    for (const { index, request } of this.decisions(timeMs, lanes, signals, downstream)) this.record(index, this.entries[index]!.cabinet!.request(request));
    this.lastDecisionNs = Number(process.hrtime.bigint() - started);
    this.decisionNs += this.lastDecisionNs;
  }

  /** What a cabinet said to a request sent for entry `index` (counted in the stats). */
  record(index: number, result: { accepted: boolean; problems: { message: string }[] }): void {
    this.stats.requestsSent++;
    if (!result.accepted) {
      this.stats.refusedByCabinet++;
      this.stats.lastRejection = `${this.entries[index]!.intersection.id}: cabinet refused: ${result.problems.map((p) => p.message).join('; ')}`;
    }
  }

  /**
   * The requests to send this round, already checked by the safety supervisor: changed ones, and bare heartbeats
   * where nothing changed. The caller sends them (directly, or over a field link) and reports results to `record`.
   */
  decisions(
    timeMs: number,
    lanes: readonly (readonly LaneMeasurement[])[],
    signals: readonly SignalStatus[],
    downstream: ReadonlyMap<string, DownstreamState> = DecisionLoop.downstreamOf(this.entries, lanes),
  ): { index: number; request: CabinetRequest }[] {
    const outgoing: { index: number; request: CabinetRequest }[] = [];
    const round = this.round++;
    for (let i = 0; i < this.entries.length; i++) {
      const request = this.decideOne(i, timeMs, lanes[i]!, signals[i]!, downstream, round);
      if (request) outgoing.push({ index: i, request });
    }
    return outgoing;
  }

  /** One intersection's decision this round (null: nothing to send), checked by the safety supervisor. */
  decideOne(
    i: number,
    timeMs: number,
    lanes: readonly LaneMeasurement[],
    signal: SignalStatus,
    downstream: ReadonlyMap<string, DownstreamState>,
    round = this.round,
  ): CabinetRequest | null {
    const e = this.entries[i]!;
    const out = e.controller.decide({ timeMs, signal, lanes, downstream });
    this.stats.decisions++;
    if (out.reason) e.lastReason = out.reason;
    if (!out.request) return null;
    // an unchanged request is not sent again; a bare heartbeat keeps the cabinet's watchdog fed
    let request = out.request;
    if (e.lastSent !== null && sameRequest(request, e.lastSent)) {
      // heartbeats are staggered across intersections so they do not all fall in one round
      if (timeMs - e.lastSentMs < HEARTBEAT_MS || (round + i) % 2 !== 0) return null;
      request = HEARTBEAT;
    } else e.lastSent = request;
    e.lastSentMs = timeMs;
    const verdict = superviseRequest(e.model, request);
    if (!verdict.ok) {
      this.stats.rejectedBySupervisor++;
      this.stats.lastRejection = `${e.intersection.id}: ${verdict.problems.map((p) => p.message).join('; ')}`;
      return null;
    }
    return request;
  }

  /** Switches an intersection to another controller (its state starts afresh). */
  setController(i: number, config: ControllerConfig): void {
    const e = this.entries[i]!;
    e.controller = createController(buildView(e.intersection), config);
    e.lastSent = null;
  }

  /** Forget what was last sent (after a reconnect the other side may not have it). */
  resend(i: number): void {
    this.entries[i]!.lastSent = null;
  }
}

const requestKeys = ['mode', 'hold', 'forceOff', 'vehicleCall', 'pedCall', 'omit', 'stage', 'plan', 'reset', 'heartbeat'] as const;

/** Same request field by field (phase lists in order; plans by identity, as algorithms reuse the object). */
function sameRequest(a: CabinetRequest, b: CabinetRequest): boolean {
  if (a === b) return true;
  for (const key of requestKeys) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}
