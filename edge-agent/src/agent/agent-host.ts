import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import type { EdgeAgent } from './agent.ts';

/** p-quantile of a sample (nearest rank); null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * Hosts agents in one process (the demo puts many in a few processes; each keeps its own state, outbox and
 * connection) and serves their `/health` and Prometheus `/metrics`, labelled by agent.
 */
export class AgentHost {
  readonly registry = new Registry();
  private server: Server | null = null;
  url = '';

  constructor(readonly agents: EdgeAgent[]) {
    const gauge = (name: string, help: string, value: (a: EdgeAgent) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['agent', 'intersection'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const a of agents) this.set({ agent: a.config.agentId, intersection: a.config.intersectionId }, value(a));
        },
      });
    gauge('greenwave_agent_connected', '1 when welcomed by the centre', (a) => (a.connected ? 1 : 0));
    gauge('greenwave_agent_local_control', '1 while the agent drives its cabinet itself', (a) => (a.control === 'local' ? 1 : 0));
    gauge('greenwave_agent_outbox_rows', 'Messages waiting for the centre’s acknowledgement', (a) => a.outbox.size);
    gauge('greenwave_agent_measurements_total', 'Measurements taken', (a) => a.stats.measurements);
    gauge('greenwave_agent_measurements_dropped_total', 'Measurements not kept because the outbox was full', (a) => a.stats.measurementsDropped);
    gauge('greenwave_agent_centre_busy_total', 'Times the centre refused a message as overloaded (kept and resent)', (a) => a.stats.centreBusy);
    gauge('greenwave_agent_events_total', 'Signal events logged', (a) => a.stats.eventsLogged);
    gauge('greenwave_agent_commands_applied_total', 'Centre commands the cabinet accepted', (a) => a.stats.commandsApplied);
    gauge('greenwave_agent_commands_refused_total', 'Centre commands that failed at the cabinet', (a) => a.stats.commandsRefused);
    gauge('greenwave_agent_local_switches_total', 'Times the agent took over from a lost centre', (a) => a.stats.localSwitches);
    gauge('greenwave_agent_cabinet_errors_total', 'Failed cabinet reads and writes', (a) => a.stats.cabinetErrors);
    gauge('greenwave_agent_decision_latency_p99_ms', 'Measurement sent → cabinet acknowledged the decision made on it, p99 of the latest 1000', (a) => quantile(a.stats.decisionLatencyMs, 0.99) ?? 0);
  }

  start(): Promise<void> {
    return Promise.all(this.agents.map((a) => a.start())).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    this.server = null;
  }

  /** Serves /health (every agent's state; 503 when one has an active critical problem) and /metrics. */
  async serve(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method === 'GET' && path === '/health') {
        const agents = this.agents.map((a) => a.health());
        const bad = agents.filter((a) => a.cabinet === 'unreachable' || !a.connected);
        res.writeHead(bad.length === 0 ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: bad.length === 0 ? 'ok' : 'degraded', agents }));
      } else if (req.method === 'GET' && path === '/metrics') {
        void this.registry.metrics().then((text) => {
          res.writeHead(200, { 'content-type': this.registry.contentType });
          res.end(text);
        });
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'not-found', message: `no such endpoint: ${req.method} ${path} (try /health or /metrics)` } }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    this.url = `http://${a.address}:${a.port}`;
    return this.url;
  }
}
