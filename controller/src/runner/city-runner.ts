import type { CabinetRequest, ControllerConfig, LaneMeasurement } from '@greenwave/contracts';
import { type RtJunction, type Twin, readJunction } from '@greenwave/simulator';
import { buildView } from '../algorithms/intersection-view.ts';
import { type BoundController, createController } from '../algorithms/registry.ts';
import type { DownstreamState } from '../algorithms/types.ts';
import { superviseRequest } from '../safety/supervisor.ts';

interface Managed {
  junction: RtJunction;
  controller: BoundController;
  lastReason: string;
  /** Last request sent and when: unchanged requests are only repeated as the watchdog heartbeat. */
  lastSent: CabinetRequest | null;
  lastSentMs: number;
}

/** Heartbeat at least this often (and at most 1 s later) so the cabinet's watchdog (5 s) never fires while the centre lives. */
const HEARTBEAT_MS = 2000;
const HEARTBEAT: CabinetRequest = Object.freeze({ heartbeat: true });

export interface RunnerStats {
  decisions: number;
  requestsSent: number;
  rejectedBySupervisor: number;
  refusedByCabinet: number;
  lastRejection: string;
}

/**
 * Closes the loop on the twin: each decision interval it reads every junction's camera, gives each controller its
 * input (its own lanes plus the queues downstream), checks the decision with the safety supervisor and sends it to the
 * cabinet. The same loop runs in the centre against field agents.
 */
export class CityRunner {
  readonly managed: Managed[];
  readonly stats: RunnerStats = { decisions: 0, requestsSent: 0, rejectedBySupervisor: 0, refusedByCabinet: 0, lastRejection: '' };
  /** Latest measurements by junction id. */
  readonly latest = new Map<string, LaneMeasurement[]>();
  /** Time spent deciding (controllers + supervisor + requests), total and for the last tick (ns). */
  decisionNs = 0;
  lastDecisionNs = 0;

  constructor(
    private readonly twin: Twin,
    configFor: (junction: RtJunction) => ControllerConfig,
    private readonly intervalS = 1,
  ) {
    this.managed = twin.junctions.map((junction) => ({
      junction,
      controller: createController(buildView(junction.intersection), configFor(junction)),
      lastReason: '',
      lastSent: null,
      lastSentMs: -Infinity,
    }));
  }

  /** Call after each twin step; decides every `intervalS` seconds. */
  tick(): void {
    const twin = this.twin;
    if (twin.simS % this.intervalS !== 0) return;
    const timeMs = twin.simS * 1000;
    const downstream = new Map<string, DownstreamState>();
    for (const m of this.managed) {
      const lanes = readJunction(m.junction, timeMs, this.intervalS);
      this.latest.set(m.junction.id, lanes);
      for (const approach of m.junction.approaches) {
        let queuePcu = 0;
        for (const lane of lanes) if (lane.approachId === approach.id) queuePcu += lane.queuePcu;
        downstream.set(approach.edge.id, { queuePcu, lanes: approach.lanes.length });
      }
    }
    // inputs first (in the field they arrive as messages), then the decision tick proper
    const signals = this.managed.map((m) => m.junction.cabinet.status());
    const started = process.hrtime.bigint();
    for (let i = 0; i < this.managed.length; i++) {
      const m = this.managed[i]!;
      const cabinet = m.junction.cabinet;
      const out = m.controller.decide({ timeMs, signal: signals[i]!, lanes: this.latest.get(m.junction.id)!, downstream });
      this.stats.decisions++;
      if (out.reason) m.lastReason = out.reason;
      if (!out.request) continue;
      // an unchanged request is not sent again; a bare heartbeat keeps the cabinet's watchdog fed
      let request = out.request;
      if (m.lastSent !== null && sameRequest(request, m.lastSent)) {
        // heartbeats are staggered across intersections so they do not all fall in one tick
        if (timeMs - m.lastSentMs < HEARTBEAT_MS || (twin.simS + i) % 2 !== 0) continue;
        request = HEARTBEAT;
      } else m.lastSent = request;
      m.lastSentMs = timeMs;
      const verdict = superviseRequest(m.junction.model, request);
      if (!verdict.ok) {
        this.stats.rejectedBySupervisor++;
        this.stats.lastRejection = `${m.junction.id}: ${verdict.problems.map((p) => p.message).join('; ')}`;
        continue;
      }
      const result = cabinet.request(request);
      this.stats.requestsSent++;
      if (!result.accepted) {
        this.stats.refusedByCabinet++;
        this.stats.lastRejection = `${m.junction.id}: cabinet refused: ${result.problems.map((p) => p.message).join('; ')}`;
      }
    }
    this.lastDecisionNs = Number(process.hrtime.bigint() - started);
    this.decisionNs += this.lastDecisionNs;
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
