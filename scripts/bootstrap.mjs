#!/usr/bin/env node
// `npm start` and `npm test` on a machine with only Node 20 and npm: install the workspace with the pinned pnpm
// (once, or again when the lock file changed), then run the command. No other global tools are needed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@12.4.2';

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log(`installing dependencies with ${PNPM} (first run only)...`);
  const result = spawnSync('npx', ['--yes', PNPM, 'install', '--frozen-lockfile'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`dependency install failed (exit ${result.status}); see the output above`);
    process.exit(result.status ?? 1);
  }
}

/** Debian packages the test suite needs (SUMO for co-simulation, socat for serial-line tests), installed once when missing. */
function ensureDebianPackages() {
  const has = (tool, flag = '--version') => spawnSync(tool, [flag], { stdio: 'ignore' }).status === 0;
  if (has('sumo') && has('netgenerate') && existsSync('/usr/share/sumo/tools/randomTrips.py') && has('socat', '-V')) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  console.log('installing Debian packages sumo, sumo-tools and socat (first run only)...');
  const apt = (args) => spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const updated = apt(['update', '-qq']);
  const installed = updated.status === 0 ? apt(['install', '-y', '-qq', 'sumo', 'sumo-tools', 'socat']) : updated;
  if (installed.status !== 0) {
    console.error('could not install the Debian packages; as root run: apt-get update && apt-get install -y sumo sumo-tools socat');
    process.exit(1);
  }
}

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    // Ctrl-C reaches the child too (same process group); wait for it to finish cleanly
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const [task, ...rest] = process.argv.slice(2);
ensureInstalled();
let code;
if (task === 'start') {
  code = await run(bin('tsx'), [join(root, 'cli', 'src', 'main.ts'), 'start', ...rest]);
} else if (task === 'test') {
  ensureDebianPackages();
  console.log('type-checking...');
  code = await run(bin('tsc'), ['-p', join(root, 'tsconfig.json'), '--noEmit']);
  if (code === 0) code = await run(bin('vitest'), ['run', ...rest], { NO_COLOR: process.env.NO_COLOR ?? '1' });
} else {
  console.error(`usage: node scripts/bootstrap.mjs start|test [args]`);
  code = 2;
}
process.exit(code);
