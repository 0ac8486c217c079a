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

/**
 * Debian packages the test suite needs (SUMO for co-simulation, socat for serial-line tests, ffmpeg for camera
 * sources, opencv-doc for its sample photographs of vehicles), installed once when missing.
 */
function ensureDebianPackages() {
  const has = (tool, flag = '--version') => spawnSync(tool, [flag], { stdio: 'ignore' }).status === 0;
  const missing = [];
  if (!has('sumo') || !has('netgenerate')) missing.push('sumo');
  if (!existsSync('/usr/share/sumo/tools/randomTrips.py')) missing.push('sumo-tools');
  if (!has('socat', '-V')) missing.push('socat');
  if (!has('ffmpeg', '-version')) missing.push('ffmpeg');
  if (!existsSync('/usr/share/doc/opencv-doc/examples/data')) missing.push('opencv-doc');
  if (missing.length === 0) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  console.log(`installing Debian packages ${missing.join(', ')} (first run only)...`);
  const apt = (args) => spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const updated = apt(['update', '-qq']);
  const installed = updated.status === 0 ? apt(['install', '-y', '-qq', ...missing]) : updated;
  if (installed.status !== 0) {
    console.error(`could not install the Debian packages; as root run: apt-get update && apt-get install -y ${missing.join(' ')}`);
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

/** The default vehicle detector: NanoDet converted to ONNX into data/models/ once (checked by its sha256 after). */
function ensureModel() {
  // the first time, show the conversion's progress; after that only check it quietly
  const first = !existsSync(join(root, 'data', 'models', 'nanodet-416.onnx'));
  if (first) console.log('preparing the vehicle detection model (first run only)...');
  const result = spawnSync(bin('tsx'), [join(root, 'vision', 'src', 'scripts', 'prepare-model.ts')], { cwd: root, stdio: ['ignore', first ? 'inherit' : 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    if (!first) process.stdout.write(result.stdout ?? '');
    console.error('could not prepare the vehicle detection model (see above)');
    process.exit(result.status ?? 1);
  }
  if (!first && !/cache was valid/.test(result.stdout)) process.stdout.write(result.stdout);
}

const [task, ...rest] = process.argv.slice(2);
ensureInstalled();
if (task === 'start' || task === 'test') ensureModel();
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
