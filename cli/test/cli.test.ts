import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CentreStore, openDatabase, tokenHash, verifyPassword } from '@greenwave/controller';
import { loadScenario } from '@greenwave/simulator';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const main = join(root, 'cli', 'src', 'main.ts');

function greenwave(args: string[]) {
  const result = spawnSync(tsx, [main, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('greenwave CLI', () => {
  it('eval prints a table and writes the JSON of the agreed shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-eval-'));
    const file = join(dir, 'out.json');
    const run = greenwave(['eval', '--scenario', 'small', '--controllers', 'webster,maxpressure', '--duration', '300', '--cool-down', '300', '--json', file]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/controller\s+time loss s\/trip\s+travel time s\s+stops\/trip\s+completed trips\s+p95 queue m\s+vs webster/);
    expect(run.out).toMatch(/webster .* 100\.0%/);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.scenario).toBe('small');
    expect(report.durationS).toBe(300);
    expect(report.results.map((r: { controller: string }) => r.controller)).toEqual(['webster', 'maxpressure']);
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(['completedTrips', 'controller', 'meanStops', 'meanTimeLossS', 'meanTravelTimeS', 'p95QueueM']);
      expect(r.completedTrips).toBeGreaterThan(50);
      expect(r.meanTravelTimeS).toBeGreaterThan(r.meanTimeLossS);
    }
  });

  it('refuses bad options with a clear message and usage', () => {
    const unknown = greenwave(['eval', '--controllers', 'webster,magic']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown controller "magic" \(known: fixed, webster, actuated, density, queue, maxpressure\)/);
    expect(unknown.err).toMatch(/usage: pnpm greenwave eval/);
    const duration = greenwave(['eval', '--duration', 'soon']);
    expect(duration.err).toMatch(/--duration must be a number, got "soon"/);
    const command = greenwave(['fly']);
    expect(command.code).toBe(2);
    expect(command.err).toMatch(/unknown command "fly"/);
    const scenario = greenwave(['eval', '--scenario', 'atlantis']);
    expect(scenario.err).toMatch(/no scenario "atlantis"/);
  });

  it('validate explains every problem of a config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-validate-'));
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, readFileSync(join(root, 'simulator', 'scenarios', 'small.yaml'), 'utf8').replace('columns: 5', 'columns: 1').replace('kind: maxpressure', 'kind: maxpresure'));
    const run = greenwave(['validate', '--file', file]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${file}:8: network.params.columns: Too small: expected number to be >=2 (got 1)`);
    expect(run.err).toMatch(/control\.default\.kind: .* \(got "maxpresure"\)/);
    expect(greenwave(['validate', '--file', join(root, 'simulator', 'scenarios', 'danang.yaml')]).out).toMatch(/valid scenario/);
  });

  it('admin create-user takes the password from stdin (no default) and agent-token issues a token', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gw-admin-')), 'centre.db');
    const run = (args: string[], input = '') => {
      const r = spawnSync(tsx, [main, 'admin', ...args, '--db', db], { cwd: root, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' } });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    expect(run(['create-user', '--username', 'ops1', '--role', 'operator'], 'short\n')).toMatchObject({ code: 2, err: expect.stringMatching(/at least 10 characters/) });
    expect(run(['create-user', '--username', 'ops1', '--role', 'boss'], 'long enough pw\n')).toMatchObject({ code: 2, err: expect.stringMatching(/--role must be one of operator, technician, police, admin, got "boss"/) });
    expect(run(['create-user', '--username', 'ops1', '--role', 'operator'], 'long enough pw\n')).toMatchObject({ code: 0, out: expect.stringMatching(/created operator "ops1"/) });
    expect(run(['create-user', '--username', 'ops1', '--role', 'operator'], 'long enough pw\n')).toMatchObject({ code: 2, err: expect.stringMatching(/already exists/) });
    expect(run(['agent-token', '--scenario', 'small', '--intersection', 'nowhere'])).toMatchObject({ code: 2, err: expect.stringMatching(/no intersection "nowhere" in scenario small/) });
    const { network } = loadScenario('small');
    const issued = run(['agent-token', '--scenario', 'small', '--intersection', network.intersections[0]!.id]);
    expect(issued.code).toBe(0);
    const { token, agentId } = JSON.parse(issued.out) as { token: string; agentId: string };
    const store = new CentreStore(await openDatabase({ sqliteFile: db, url: '' }));
    try {
      const user = await store.user('ops1');
      expect(await verifyPassword('long enough pw', user!.password_hash)).toBe(true);
      expect(await verifyPassword('wrong password', user!.password_hash)).toBe(false);
      expect((await store.agent(agentId))!.token_hash).toBe(tokenHash(token));
      expect((await store.auditLog()).map((e) => e.action)).toEqual(['agent:token', 'user:create']);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('start runs the deployed shape, serves the API, and Ctrl-C stops everything', async () => {
    const data = mkdtempSync(join(tmpdir(), 'gw-start-'));
    // below the ephemeral port range (32768+): a port the OS handed another test's client made start fail (EADDRINUSE)
    const basePort = 20_000 + Math.floor(Math.random() * 120) * 100;
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main, 'start', '--scenario', 'small', '--port', '0', '--base-port', String(basePort), '--data', data, '--every', '1'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' },
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no live summary within 90 s:\n${out}`)), 90_000);
      const check = setInterval(() => {
        if ((out.match(/agents 15\/15 online/g) ?? []).length >= 2) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 100);
    });
    expect(out).toMatch(/\d\d:\d\d:\d\d · agents 15\/15 online · stored \d+\/s · commands \d+\/s · meas→cabinet p99 (\d+ ms|–) · vehicles [\d,]+ · mean delay/);
    const api = /centre API {3}(http:\/\/127\.0\.0\.1:\d+)\/api/.exec(out)![1]!;
    const [username, password] = readFileSync(join(data, 'demo-login.txt'), 'utf8').split('\n');
    const login = await fetch(`${api}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const list = (await (await fetch(`${api}/api/intersections`, { headers: { authorization: `Bearer ${token}` } })).json()) as { intersections: { online: boolean }[] };
    expect(list.intersections.filter((x) => x.online)).toHaveLength(15);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    // the small town has the two pilots: their agents measure through synthetic cameras and the vision path
    expect(out).toMatch(/8 synthetic cameras at Núi Thành – Phan Đăng Lưu and Hà Huy Tập – Huỳnh Ngọc Huệ/);
    expect(out).toMatch(/stopping: agents… cameras… centre… cabinets… stopped after \d+ s\./);
    // nothing left listening: the API and the first cabinet refuse connections
    await expect(fetch(`${api}/health`)).rejects.toThrow();
    const probe = await new Promise<boolean>((resolve) => {
      const socket = connect(basePort, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    expect(probe).toBe(false);
  }, 150_000);
});
