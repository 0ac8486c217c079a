import { z } from 'zod';
import { ControllerConfig } from './controller-config.ts';
import { Intersection } from './intersection.ts';
import { LaneMeasurement } from './measurement.ts';
import { Network } from './network.ts';
import { Scenario } from './scenario.ts';
import { CabinetRequest } from './signal.ts';
import { AgentMessage, CentreMessage } from './agent-protocol.ts';
import { AgentConfig } from './agent-config.ts';
import { CameraConfig } from './camera.ts';
import { AgentTokenRequest, ControllerChoiceRequest, CreateUserRequest, LoginRequest, OverrideRequest } from './api.ts';

/** The schemas users write or receive, by the file name of their generated JSON Schema. */
const published = {
  'scenario.schema.json': Scenario,
  'network.schema.json': Network,
  'intersection.schema.json': Intersection,
  'controller-config.schema.json': ControllerConfig,
  'cabinet-request.schema.json': CabinetRequest,
  'lane-measurement.schema.json': LaneMeasurement,
  'agent-message.schema.json': AgentMessage,
  'centre-message.schema.json': CentreMessage,
  'agent-config.schema.json': AgentConfig,
  'camera-config.schema.json': CameraConfig,
  'api-login.schema.json': LoginRequest,
  'api-create-user.schema.json': CreateUserRequest,
  'api-controller-choice.schema.json': ControllerChoiceRequest,
  'api-override.schema.json': OverrideRequest,
  'api-agent-token.schema.json': AgentTokenRequest,
} as const;

/** JSON Schema of one published schema, by file name (the API document embeds them). */
export function jsonSchemaOf(file: keyof typeof published): unknown {
  return z.toJSONSchema(published[file], { io: 'input', unrepresentable: 'any' });
}

/** JSON Schema (draft 2020-12) text of every published schema, generated from the zod definitions. */
export function jsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(published)) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    out[file] = `${JSON.stringify(json, null, 2)}\n`;
  }
  return out;
}
