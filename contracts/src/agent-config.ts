import { z } from 'zod';
import { CameraConfig } from './camera.ts';

/** One edge agent (one per intersection, in its cabinet). */
export const AgentConfig = z
  .strictObject({
    agentId: z.string().min(1).max(100),
    intersectionId: z.string().min(1).max(100),
    centreUrl: z.string().regex(/^wss?:\/\//, { message: 'must be a ws:// or wss:// URL' }),
    token: z.string().min(16).max(200).meta({ description: 'Per-agent token issued by the centre' }),
    cabinet: z.string().min(1).meta({ description: 'Field target: modbus://…, modbus-rtu:…, opc.tcp://…#id' }),
    outboxPath: z.string().min(1).meta({ description: 'SQLite file of the store-and-forward outbox' }),
    configVersion: z.string().min(1).default('1'),
    localControl: z.enum(['actuated', 'density']).default('actuated').meta({ description: 'Algorithm the agent runs alone when the centre is lost' }),
    centreTimeoutMs: z.number().int().min(200).max(60_000).default(700).meta({ description: 'Silence after which the centre counts as lost' }),
    maxInFlight: z.number().int().min(1).max(10_000).default(200).meta({ description: 'Unacknowledged messages on the wire at most (back-pressure)' }),
    maxOutboxRows: z.number().int().min(100).max(100_000_000).default(1_000_000).meta({ description: 'Outbox rows at most: beyond this new measurements are counted as dropped (events and alarms are always kept)' }),
    statusPollMs: z.number().int().min(50).max(5000).default(250).meta({ description: 'Cabinet status poll period: the time resolution of the signal events' }),
    cameras: z.array(CameraConfig).max(8).default([]).meta({ description: 'Cameras measuring approaches by vision; approaches without one use the configured feed' }),
  })
  .meta({ title: 'AgentConfig', description: 'An edge agent: its identity, centre, cabinet and outbox' });
export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;
