import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { ErrorCode, GreenwaveError } from '@greenwave/contracts';

export const SUMO_HOME = process.env.SUMO_HOME ?? '/usr/share/sumo';
const env = { ...process.env, SUMO_HOME };

/** Every SUMO process started here, so that all can be stopped on errors, exit and Ctrl-C. */
const running = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', stopAllSumo);
}

/** Kills every SUMO process still running (SIGKILL: SUMO ignores nothing, and nothing is left behind). */
export function stopAllSumo(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

export function runningSumoCount(): number {
  return [...running].filter((c) => c.exitCode === null && c.signalCode === null).length;
}

/** Fails with the install command when a SUMO tool is missing. */
export function requireSumoTool(tool: 'sumo' | 'netgenerate' | 'netconvert' | 'duarouter'): string {
  const found = spawnSync(tool, ['--version'], { env, encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new GreenwaveError(ErrorCode.NOT_FOUND, `${tool} is not installed (Debian: apt-get install -y sumo sumo-tools)`);
  }
  return tool;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A block of `size` consecutive free TCP ports on loopback starting at the returned port minus one (field cities put
 * OPC UA on base - 1 and cabinets on base + i): below Linux's ephemeral range (32768+), where the outgoing connections
 * of other processes take their local ports, and checked free port by port.
 */
export async function freePortBlock(size = 40): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * 220) * 100;
    let free = true;
    for (let port = base - 1; port < base + size && free; port++) free = await canListen(port);
    if (free) return base;
  }
  throw new Error('no free block of ports between 10000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface SumoRun {
  child: ChildProcess;
  /** Resolves with SUMO's exit code; rejects never. */
  exited: Promise<number | null>;
  /** Everything SUMO wrote to stderr (errors and warnings). */
  stderr(): string;
  kill(): void;
}

/**
 * Starts `sumo` with the given arguments (SUMO_HOME set, quiet step log). `onStep` receives the simulation time
 * from SUMO's step log when `--step-log.period` is given.
 */
export function startSumo(args: readonly string[], onStep?: (timeS: number) => void): SumoRun {
  hookExit();
  requireSumoTool('sumo');
  // SUMO's step log goes to a pipe block-buffered; stdbuf makes it arrive as it is written (progress)
  const unbuffered = onStep !== undefined && spawnSync('stdbuf', ['--version']).status === 0;
  const child = unbuffered ? spawn('stdbuf', ['-o0', 'sumo', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('sumo', args as string[], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 100_000) stderr += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => {
    if (!onStep) return;
    const text = d.toString();
    const re = /Step #(\d+(?:\.\d+)?)/g;
    let last: string | undefined;
    for (let m = re.exec(text); m; m = re.exec(text)) last = m[1];
    if (last !== undefined) onStep(Number(last));
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once('error', () => {
      running.delete(child);
      resolve(-1);
    });
  });
  return {
    child,
    exited,
    stderr: () => stderr,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs a SUMO tool to completion (netgenerate, netconvert, python tools); throws with its output on failure. */
export function runTool(command: string, args: readonly string[], what: string): string {
  const result = spawnSync(command, args as string[], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new GreenwaveError(ErrorCode.IO, `${what}: cannot run ${command}: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) {
    throw new GreenwaveError(ErrorCode.IO, `${what} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  }
  return result.stdout;
}
