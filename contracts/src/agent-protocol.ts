import { z } from 'zod';
import { ErrorCode, GreenwaveError, ValidationError } from './errors.ts';
import { HiResEvent } from './events.ts';
import { LaneMeasurement } from './measurement.ts';
import { isValidMeasurementMessage } from './measurement-fast-check.ts';
import { CabinetRequest, UnitMode } from './signal.ts';
import { parseWith } from './validate.ts';

/** Agent <-> centre WebSocket protocol (JSON text frames). */
export const AGENT_PROTOCOL_VERSION = 1;
/** Larger frames are refused before parsing. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).meta({ description: 'Sequence number of this message in its sender’s stream (1, 2, ...)' });
const id = z.string().min(1).max(100);
const hiResCodes = new Set<number>(Object.values(HiResEvent));

export const HiResEventRecord = z
  .strictObject({
    intersectionId: id,
    timeMs: z.number().int().min(0),
    code: z.number().int().refine((c) => hiResCodes.has(c), { message: 'not an Indiana hi-res event code greenwave uses' }),
    param: z.number().int().min(0).max(65535),
  })
  .meta({ title: 'HiResEventRecord', description: 'One hi-res signal event (Indiana enumerations)' });

export const alarmCodes = ['centre-lost', 'cabinet-unreachable', 'cabinet-flash', 'camera-down', 'detector-fault', 'local-control'] as const;
export const Alarm = z
  .strictObject({
    code: z.enum(alarmCodes),
    severity: z.enum(['info', 'warning', 'critical']),
    message: z.string().max(500),
    timeMs: z.number().int().min(0),
    active: z.boolean().meta({ description: 'true when raised, false when cleared' }),
    approachId: id.optional().meta({ description: 'The approach it concerns (a camera alarm): its phases are on recall while it is active' }),
  })
  .meta({ title: 'Alarm' });
export type Alarm = z.infer<typeof Alarm>;

export const AgentHello = z.strictObject({
  type: z.literal('hello'),
  protocol: z.literal(AGENT_PROTOCOL_VERSION),
  agentId: id,
  intersectionId: id,
  token: z.string().min(16).max(200),
  configVersion: z.string().min(1).max(100),
});

export const MeasurementMessage = z.strictObject({ type: z.literal('measurement'), seq, timeMs: z.number().int().min(0), lanes: z.array(LaneMeasurement).max(64) });
export const EventsMessage = z.strictObject({ type: z.literal('events'), seq, events: z.array(HiResEventRecord).min(1).max(1000) });
export const AlarmMessage = z.strictObject({ type: z.literal('alarm'), seq, alarm: Alarm });
/** Live state, sent every second; not stored, not acknowledged. */
export const StatusMessage = z.strictObject({
  type: z.literal('status'),
  status: z.strictObject({
    clockMs: z.number().int().min(0),
    greens: z.array(z.number().int().min(1).max(16)).max(16),
    yellows: z.array(z.number().int().min(1).max(16)).max(16),
    mode: UnitMode,
    flashLatched: z.boolean(),
    faultCode: z.number().int().min(0).max(65535),
    control: z.enum(['centre', 'local']).meta({ description: 'Who is deciding: the centre, or the agent on its own' }),
  }),
});
export const CommandAck = z.strictObject({ type: z.literal('command-ack'), seq, accepted: z.boolean(), problem: z.string().max(1000).optional() });

export const AgentMessage = z
  .discriminatedUnion('type', [AgentHello, MeasurementMessage, EventsMessage, AlarmMessage, StatusMessage, CommandAck])
  .meta({ title: 'AgentMessage', description: 'What an edge agent sends to the centre' });
export type AgentMessage = z.infer<typeof AgentMessage>;
/** Messages the agent keeps in its outbox until the centre acknowledges them. */
export type StoredAgentMessage = Extract<AgentMessage, { type: 'measurement' | 'events' | 'alarm' }>;

export const errorCodes = ['bad-message', 'unauthorised', 'out-of-order', 'too-large', 'overloaded', 'internal'] as const;
export const CentreMessage = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('welcome'), lastStoredSeq: z.number().int().min(0), lastCommandSeq: z.number().int().min(0) }),
    z.strictObject({ type: z.literal('ack'), seq: z.number().int().min(0).meta({ description: 'Every message up to and including this one is stored' }) }),
    z.strictObject({
      type: z.literal('command'),
      seq,
      request: CabinetRequest,
      source: z.enum(['algorithm', 'operator']),
      reason: z.string().max(500).optional(),
      measurementSeq: seq.optional().meta({ description: 'The measurement this decision was made on (for latency tracing)' }),
    }),
    z.strictObject({ type: z.literal('error'), code: z.enum(errorCodes), message: z.string().max(2000), fatal: z.boolean() }),
  ])
  .meta({ title: 'CentreMessage', description: 'What the centre sends to an edge agent' });
export type CentreMessage = z.infer<typeof CentreMessage>;

function decode(data: string | Buffer, source: string): unknown {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > MAX_MESSAGE_BYTES) throw new GreenwaveError(ErrorCode.INVALID_MESSAGE, `${source}: message of ${size} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`, { recoverable: true });
  try {
    return JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (cause) {
    throw new ValidationError(ErrorCode.INVALID_MESSAGE, [{ source, path: '', message: `not JSON: ${(cause as Error).message}` }]);
  }
}

/** Parses and validates a frame from an agent; errors name the sender, the path and the value. */
export function parseAgentMessage(data: string | Buffer, source: string): AgentMessage {
  const value = decode(data, source);
  if (isValidMeasurementMessage(value)) return value;
  return parseWith(AgentMessage, value, source, { code: ErrorCode.INVALID_MESSAGE });
}

export function parseCentreMessage(data: string | Buffer, source: string): CentreMessage {
  return parseWith(CentreMessage, decode(data, source), source, { code: ErrorCode.INVALID_MESSAGE });
}
