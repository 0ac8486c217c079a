import { readFileSync } from 'node:fs';
import { CentreStore, hashPassword, newToken, openDatabase, passwordProblem, roles, tokenHash } from '@greenwave/controller';
import { loadScenario } from '@greenwave/simulator';
import { type FlagSpec, parseFlags, usageError } from './args.ts';

export const adminFlags: FlagSpec[] = [
  { name: 'db', kind: 'string', description: 'SQLite file (DATABASE_URL=postgres://… selects PostgreSQL instead)', default: 'data/greenwave.db' },
  { name: 'username', kind: 'string', description: 'create-user: the new user’s name' },
  { name: 'role', kind: 'string', description: `create-user: ${roles.join(' | ')}` },
  { name: 'password-file', kind: 'string', description: 'create-user: read the password from this file (default: first line of stdin)' },
  { name: 'intersection', kind: 'string', description: 'agent-token: the intersection the agent serves' },
  { name: 'agent-id', kind: 'string', description: 'agent-token: the agent’s id (default agent-<intersection>)' },
  { name: 'scenario', kind: 'string', description: 'agent-token: scenario that has the intersection', default: 'danang' },
];

const HELP = 'usage: pnpm greenwave admin create-user --username <name> --role <role> [--password-file <file>] | agent-token --intersection <id>';

/** `admin create-user` (no built-in default password: the admin chooses it) and `admin agent-token`. */
export async function adminCommand(argv: readonly string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== 'create-user' && action !== 'agent-token') throw usageError('admin', adminFlags, `${action ? `unknown action "${action}"` : 'no action'}\n${HELP}`);
  const flags = parseFlags(rest, adminFlags, `admin ${action}`);
  const store = new CentreStore(await openDatabase({ sqliteFile: String(flags.db) }));
  try {
    if (action === 'create-user') {
      const username = String(flags.username ?? '');
      const role = String(flags.role ?? '');
      if (!/^[a-z0-9._-]{3,64}$/.test(username)) throw usageError('admin create-user', adminFlags, `--username must be 3-64 characters of a-z 0-9 . _ -, got "${username}"`);
      if (!(roles as readonly string[]).includes(role)) throw usageError('admin create-user', adminFlags, `--role must be one of ${roles.join(', ')}, got "${role}"`);
      const password = (flags['password-file'] ? readFileSync(String(flags['password-file']), 'utf8') : readFileSync(0, 'utf8')).split('\n')[0]!.trimEnd();
      const problem = passwordProblem(password);
      if (problem) throw usageError('admin create-user', adminFlags, problem);
      if (await store.user(username)) throw usageError('admin create-user', adminFlags, `user "${username}" already exists`);
      await store.createUser(username, await hashPassword(password), role, Date.now());
      await store.audit({ time_ms: Date.now(), username: 'cli', role: 'admin', action: 'user:create', target: username, reason: 'greenwave admin create-user', detail: JSON.stringify({ role }) });
      console.log(`created ${role} "${username}" in ${store.opened.location}`);
    } else {
      const intersection = String(flags.intersection ?? '');
      const { network } = loadScenario(String(flags.scenario));
      if (!network.intersections.some((x) => x.id === intersection)) throw usageError('admin agent-token', adminFlags, `no intersection "${intersection}" in scenario ${flags.scenario}`);
      const agentId = String(flags['agent-id'] ?? `agent-${intersection}`);
      const token = newToken();
      await store.upsertAgent(agentId, intersection, tokenHash(token), Date.now());
      await store.audit({ time_ms: Date.now(), username: 'cli', role: 'admin', action: 'agent:token', target: intersection, reason: 'greenwave admin agent-token', detail: JSON.stringify({ agentId }) });
      console.log(JSON.stringify({ agentId, intersectionId: intersection, token }));
    }
  } finally {
    await store.close();
  }
}
