import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePortBlock } from '@greenwave/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const main = join(root, 'cli', 'src', 'main.ts');

describe('greenwave cabinets + commission', () => {
  let cabinets: ChildProcess;
  const devices: { id: string; protocol: string; address: string }[] = [];

  beforeAll(async () => {
    const basePort = await freePortBlock();
    cabinets = spawn(tsx, [main, 'cabinets', '--scenario', 'small', '--protocol', 'mixed', '--base-port', String(basePort), '--test-mode', '--speed', '5'], { cwd: root });
    let out = '';
    cabinets.stdout!.on('data', (d) => (out += d));
    cabinets.stderr!.on('data', (d) => (out += d));
    for (let i = 0; i < 300 && !out.includes('serving'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/serving 15 cabinets \(9 Modbus TCP, 6 OPC UA\) in test mode, twin at x5/);
    for (const line of out.split('\n')) {
      const [id, protocol, address] = line.split('\t');
      if (id && protocol && address) devices.push({ id, protocol, address });
    }
  }, 60_000);

  afterAll(async () => {
    cabinets.kill('SIGINT');
    await new Promise((resolve) => cabinets.on('exit', resolve));
  });

  it('lists one line per cabinet: id, protocol, address', () => {
    expect(devices).toHaveLength(15);
    expect(devices.filter((d) => d.protocol === 'modbus').every((d) => /^modbus:\/\/127\.0\.0\.1:\d+$/.test(d.address))).toBe(true);
    expect(devices.filter((d) => d.protocol === 'opcua').every((d) => /^opc\.tcp:\/\/127\.0\.0\.1:\d+\/greenwave#/.test(d.address))).toBe(true);
  });

  for (const protocol of ['modbus', 'opcua']) {
    it(`commissions a ${protocol} cabinet: report files, a line per check, exit code from the result`, () => {
      const d = devices.find((x) => x.protocol === protocol)!;
      const out = mkdtempSync(join(tmpdir(), 'gw-commission-'));
      const run = spawnSync(tsx, [main, 'commission', '--scenario', 'small', '--intersection', d.id, '--target', d.address, '--phase-walk', '--operator', 'ci', '--out', out, '--detector-window', '20'], { cwd: root, encoding: 'utf8' });
      const files = readdirSync(out).sort();
      expect(files.map((f) => f.replace(/^.*\./, ''))).toEqual(['json', 'md']);
      const report = JSON.parse(readFileSync(join(out, files[0]!), 'utf8'));
      expect(report.intersectionId).toBe(d.id);
      expect(report.operator).toBe('ci');
      expect(report.checks.map((c: { id: string }) => c.id)).toEqual(['identity', 'points-in-range', 'timing-table', 'detectors', 'phase-walk']);
      for (const id of ['identity', 'points-in-range', 'timing-table', 'phase-walk']) expect(report.checks.find((c: { id: string }) => c.id === id).pass, id).toBe(true);
      expect(run.status).toBe(report.pass ? 0 : 1);
      expect(run.stdout).toMatch(/(PASS|FAIL) {2}Timing table matches the intersection config/);
      expect(run.stdout).toMatch(new RegExp(`${report.pass ? 'PASS' : 'FAIL'}: report written to`));
      expect(readFileSync(join(out, files[1]!), 'utf8')).toContain(`# Commissioning report — `);
    }, 120_000);
  }

  it('says clearly what is wrong with bad arguments', () => {
    const noTarget = spawnSync(tsx, [main, 'commission', '--intersection', 'x'], { cwd: root, encoding: 'utf8' });
    expect(noTarget.status).toBe(2);
    expect(noTarget.stderr).toMatch(/--target is required/);
    const unknown = spawnSync(tsx, [main, 'commission', '--scenario', 'small', '--intersection', 'nowhere', '--target', 'modbus://127.0.0.1:1'], { cwd: root, encoding: 'utf8' });
    expect(unknown.stderr).toMatch(/no intersection "nowhere" in scenario small/);
    const badTarget = spawnSync(tsx, [main, 'commission', '--scenario', 'small', '--intersection', devices[0]!.id, '--target', 'ftp://x'], { cwd: root, encoding: 'utf8' });
    expect(badTarget.stderr).toMatch(/bad cabinet target "ftp:\/\/x": unknown scheme/);
  });
});
