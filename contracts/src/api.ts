import { z } from 'zod';
import { ControllerConfig } from './controller-config.ts';
import { FixedPlan, PhaseNumber } from './intersection.ts';

const reason = z.string().trim().min(3).max(500).meta({ description: 'Why: kept in the audit log' });

export const LoginRequest = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }).meta({ title: 'LoginRequest' });
export const CreateUserRequest = z
  .strictObject({
    username: z.string().regex(/^[a-z0-9._-]{3,64}$/, { message: '3-64 characters: lower-case letters, digits, . _ -' }),
    password: z.string().min(10).max(200),
    role: z.enum(['operator', 'technician', 'police', 'admin']),
  })
  .meta({ title: 'CreateUserRequest' });
export const ControllerChoiceRequest = z.strictObject({ controller: ControllerConfig, reason }).meta({ title: 'ControllerChoiceRequest' });
export const OverrideRequest = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('hold-phase'), phase: PhaseNumber, reason }),
    z.strictObject({ kind: z.literal('fixed-plan'), plan: FixedPlan, reason }),
    z.strictObject({ kind: z.literal('flash'), reason }),
    z.strictObject({ kind: z.literal('release'), reason }),
  ])
  .meta({ title: 'OverrideRequest', description: 'Manual control of one intersection by an operator (audited)' });
export type OverrideRequest = z.infer<typeof OverrideRequest>;
export const AgentTokenRequest = z.strictObject({ agentId: z.string().min(1).max(100) }).meta({ title: 'AgentTokenRequest' });
