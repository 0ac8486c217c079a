import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The centre's Prometheus metrics (one registry per centre, no globals). */
export class CentreMetrics {
  readonly registry = new Registry();
  readonly agentsConnected = new Gauge({ name: 'greenwave_agents_connected', help: 'Edge agents connected now', registers: [this.registry] });
  readonly messages = new Counter({ name: 'greenwave_agent_messages_total', help: 'Stored-kind messages received from agents', labelNames: ['type'], registers: [this.registry] });
  readonly badMessages = new Counter({ name: 'greenwave_agent_bad_messages_total', help: 'Malformed or unauthorised agent messages', registers: [this.registry] });
  readonly overloaded = new Counter({ name: 'greenwave_ingest_refused_total', help: 'Messages refused because the ingest queue was full', registers: [this.registry] });
  readonly ingestQueue = new Gauge({ name: 'greenwave_ingest_queue', help: 'Messages waiting to be stored', registers: [this.registry] });
  readonly commands = new Counter({ name: 'greenwave_commands_total', help: 'Commands sent to agents', labelNames: ['source'], registers: [this.registry] });
  readonly decisionSeconds = new Histogram({ name: 'greenwave_decision_round_seconds', help: 'Time of one decision round', buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05], registers: [this.registry] });
  readonly httpRequests = new Counter({ name: 'greenwave_http_requests_total', help: 'HTTP requests', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'greenwave_centre_' });
  }
}
