import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Frame, FrameSource, SourceStats } from './frame.ts';
import { FrameSourceError } from './source-error.ts';

export interface FfmpegSourceOptions {
  /** A file path, or a stream URL ffmpeg reads (rtsp://, http://, tcp://, udp://). */
  url: string;
  /** Frames come out scaled to this size at this rate (ffmpeg's fps filter drops or repeats to hold it). */
  width: number;
  height: number;
  fps: number;
  /**
   * Live: while the consumer is busy only the newest frame is kept (older ones dropped and counted), as a camera
   * does not wait. Not live (file analysis): ffmpeg is paused instead and nothing is dropped. Default: live for URLs.
   */
  live?: boolean;
  /** Read a file at its own speed, as a camera would deliver it (ffmpeg -re). */
  realtime?: boolean;
  /** Play a file again and again. */
  loop?: boolean;
  /** Start ffmpeg again (with back-off) when it exits or the stream stalls. Default: live. */
  restart?: boolean;
  /** No frame for this long: ffmpeg is killed (and restarted if `restart`). Default 5000 ms. */
  stallTimeoutMs?: number;
  /** Options before `-i` (e.g. ['-f', 'mpegts']). RTSP gets `-rtsp_transport tcp` by default. */
  inputArgs?: string[];
  ffmpegPath?: string;
  onEvent?: (event: { kind: 'started' | 'exited' | 'stalled' | 'restarting'; detail: string }) => void;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Frames from Debian's ffmpeg as a child process (raw RGB on its stdout, cut into frames here). Files and streams;
 * a target frame rate; back-pressure by dropping (live) or pausing (files); restarts after ffmpeg dies or the stream
 * stalls. ffmpeg's own error text is kept for the error and for health.
 */
export class FfmpegSource implements FrameSource {
  readonly stats: SourceStats = { frames: 0, delivered: 0, dropped: 0, restarts: 0, lastError: null };
  private readonly frameBytes: number;
  private readonly live: boolean;
  private readonly restart: boolean;
  private child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  private partial: Buffer;
  private filled = 0;
  private readonly queue: Frame[] = [];
  private waiter: ((frame: Frame | null) => void) | null = null;
  private failWaiter: ((error: Error) => void) | null = null;
  private ended = false;
  private endError: FrameSourceError | null = null;
  private stopping = false;
  private lastFrameMs = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private backoffMs = 500;
  private stderrTail = '';
  /** Why this source killed ffmpeg itself (a stall), kept over the exit's own message. */
  private killReason: string | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: FfmpegSourceOptions) {
    if (!(options.width > 0 && options.height > 0 && Number.isInteger(options.width) && Number.isInteger(options.height))) {
      throw new FrameSourceError(options.url, `frame size must be positive integers, got ${options.width}x${options.height}`);
    }
    if (!(options.fps > 0 && options.fps <= 120)) throw new FrameSourceError(options.url, `fps must be in (0, 120], got ${options.fps}`);
    this.frameBytes = options.width * options.height * 3;
    this.partial = Buffer.allocUnsafe(this.frameBytes);
    this.live = options.live ?? /^[a-z][a-z0-9+.-]*:\/\//i.test(options.url);
    this.restart = options.restart ?? this.live;
    this.spawn();
    const stallMs = options.stallTimeoutMs ?? 5000;
    this.stallTimer = setInterval(() => this.checkStall(stallMs), Math.min(500, stallMs / 2));
    this.stallTimer.unref();
  }

  /** ffmpeg's process id (tests kill it to check the restart). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  next(): Promise<Frame | null> {
    const frame = this.queue.shift();
    if (frame) {
      this.stats.delivered++;
      if (this.child?.stdout.isPaused() && this.queue.length < 2) this.child.stdout.resume();
      return Promise.resolve(frame);
    }
    if (this.ended) {
      const error = this.endError;
      this.endError = null;
      return error ? Promise.reject(error) : Promise.resolve(null);
    }
    return new Promise<Frame | null>((resolve, reject) => {
      this.waiter = (f) => {
        if (f) this.stats.delivered++;
        resolve(f);
      };
      this.failWaiter = reject;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.stallTimer) clearInterval(this.stallTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(killer);
    }
    this.finish(null);
  }

  private args(): string[] {
    const o = this.options;
    const input = o.inputArgs ?? (/^rtsps?:\/\//i.test(o.url) ? ['-rtsp_transport', 'tcp'] : []);
    return [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      ...input,
      ...(o.realtime ? ['-re'] : []),
      ...(o.loop ? ['-stream_loop', '-1'] : []),
      '-i',
      o.url,
      '-an',
      '-vf',
      `fps=${o.fps},scale=${o.width}:${o.height}`,
      '-pix_fmt',
      'rgb24',
      '-f',
      'rawvideo',
      'pipe:1',
    ];
  }

  private spawn(): void {
    this.filled = 0;
    this.stderrTail = '';
    this.lastFrameMs = Date.now();
    const child = spawn(this.options.ffmpegPath ?? 'ffmpeg', this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let resolveExit!: () => void;
    this.exited = new Promise((resolve) => (resolveExit = resolve));
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      const detail = error.code === 'ENOENT' ? 'ffmpeg is not installed (apt-get install -y ffmpeg)' : `cannot start ffmpeg: ${error.message}`;
      this.stats.lastError = detail;
      // no 'exit' follows a failed spawn
      resolveExit();
      this.fail(new FrameSourceError(this.options.url, detail, error));
    });
    child.once('exit', (code, signal) => {
      resolveExit();
      if (this.child === child) this.child = null;
      this.onExit(code, signal);
    });
    this.options.onEvent?.({ kind: 'started', detail: `ffmpeg ${this.args().join(' ')}` });
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      chunk.copy(this.partial, this.filled, offset, offset + take);
      this.filled += take;
      offset += take;
      if (this.filled === this.frameBytes) {
        this.emitFrame(this.partial);
        this.partial = Buffer.allocUnsafe(this.frameBytes);
        this.filled = 0;
      }
    }
  }

  private emitFrame(data: Buffer): void {
    const frame: Frame = { data, width: this.options.width, height: this.options.height, index: this.stats.frames++, timeMs: Date.now() };
    this.lastFrameMs = frame.timeMs;
    this.backoffMs = 500;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = null;
      w(frame);
      return;
    }
    if (this.live) {
      // the consumer is behind: keep only the newest
      this.stats.dropped += this.queue.length;
      this.queue.length = 0;
      this.queue.push(frame);
    } else {
      this.queue.push(frame);
      if (this.queue.length >= 2) this.child?.stdout.pause();
    }
  }

  private checkStall(stallMs: number): void {
    const child = this.child;
    if (!child || this.stopping || child.stdout.isPaused()) return;
    if (Date.now() - this.lastFrameMs > stallMs) {
      this.stats.lastError = `no frame for ${(stallMs / 1000).toFixed(1)} s (stream stalled)`;
      this.options.onEvent?.({ kind: 'stalled', detail: this.stats.lastError });
      this.lastFrameMs = Date.now();
      this.killReason = this.stats.lastError;
      child.kill('SIGKILL');
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const said = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    this.options.onEvent?.({ kind: 'exited', detail: `${how}${said ? `: ${said}` : ''}` });
    if (this.killReason) this.stats.lastError = this.killReason;
    else if (code !== 0 || signal) this.stats.lastError = `ffmpeg ${how}${said ? `: ${said}` : ''}`;
    this.killReason = null;
    if (this.restart) {
      this.stats.restarts++;
      this.options.onEvent?.({ kind: 'restarting', detail: `in ${this.backoffMs} ms` });
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopping) this.spawn();
      }, this.backoffMs);
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
      return;
    }
    if (code === 0 && !signal) this.finish(null);
    else this.fail(new FrameSourceError(this.options.url, this.stats.lastError ?? how));
  }

  private fail(error: FrameSourceError): void {
    if (this.failWaiter) {
      const f = this.failWaiter;
      this.waiter = this.failWaiter = null;
      this.ended = true;
      f(error);
      return;
    }
    this.endError = error;
    this.finish(null);
  }

  private finish(frame: null): void {
    this.ended = true;
    if (this.stallTimer) clearInterval(this.stallTimer);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = null;
      w(frame);
    }
  }
}
