import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../src/source/frame.ts';
import { FfmpegSource } from '../src/source/ffmpeg-source.ts';
import { ImageSource } from '../src/source/image-source.ts';

let dir: string;
let clip: string;
let tsClip: string;

/** Mean absolute difference of two frames (0..255). */
function difference(a: Frame, b: Frame): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 7) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / (a.data.length / 7);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-sources-'));
  clip = join(dir, 'testsrc.mp4');
  tsClip = join(dir, 'testsrc.ts');
  // 2 s of ffmpeg's test pattern (a moving gradient and a frame counter) at 25 frames/s
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '2', '-pix_fmt', 'yuv420p', clip]);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '6', '-c:v', 'mpeg2video', '-f', 'mpegts', tsClip]);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ffmpeg frame source', () => {
  it('a file: every frame at the target rate and size, different content, then the end', async () => {
    const source = new FfmpegSource({ url: clip, width: 160, height: 120, fps: 10 });
    const frames: Frame[] = [];
    for (let f = await source.next(); f; f = await source.next()) frames.push(f);
    expect(frames.length).toBeGreaterThanOrEqual(19);
    expect(frames.length).toBeLessThanOrEqual(21);
    for (const f of frames) expect(f.data.length).toBe(160 * 120 * 3);
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i));
    // the pattern moves: consecutive frames differ, and no frame is blank
    expect(difference(frames[0]!, frames[10]!)).toBeGreaterThan(1);
    expect(frames.every((f) => f.data.some((v) => v > 50))).toBe(true);
    // a file is analysed, not dropped: the consumer's pace does not lose frames
    expect(source.stats.dropped).toBe(0);
    await source.stop();
  });

  it('live: a slow consumer gets the newest frame, older ones are dropped and counted', async () => {
    const source = new FfmpegSource({ url: clip, width: 160, height: 120, fps: 20, live: true, realtime: true, restart: false });
    const got: Frame[] = [];
    for (let f = await source.next(); f; f = await source.next()) {
      got.push(f);
      await sleep(250);
    }
    expect(source.stats.frames).toBeGreaterThanOrEqual(38);
    expect(source.stats.dropped).toBeGreaterThan(15);
    expect(source.stats.delivered + source.stats.dropped).toBe(source.stats.frames);
    expect(got.length).toBe(source.stats.delivered);
    // frames come in order, with gaps where some were dropped
    for (let i = 1; i < got.length; i++) expect(got[i]!.index).toBeGreaterThan(got[i - 1]!.index);
    expect(got.at(-1)!.index - got[0]!.index).toBeGreaterThan(got.length);
    await source.stop();
  });

  it('a killed ffmpeg is started again and frames keep coming', async () => {
    const events: string[] = [];
    const source = new FfmpegSource({ url: clip, width: 160, height: 120, fps: 10, live: true, realtime: true, loop: true, restart: true, onEvent: (e) => events.push(e.kind) });
    try {
      for (let i = 0; i < 5; i++) expect(await source.next()).not.toBeNull();
      const first = source.pid!;
      process.kill(first, 'SIGKILL');
      const before = source.stats.frames;
      for (let i = 0; i < 5; i++) expect(await source.next()).not.toBeNull();
      expect(source.stats.restarts).toBe(1);
      expect(source.pid).not.toBe(first);
      expect(source.stats.frames).toBeGreaterThan(before);
      expect(source.stats.lastError).toMatch(/SIGKILL/);
      expect(events).toEqual(expect.arrayContaining(['started', 'exited', 'restarting']));
    } finally {
      await source.stop();
    }
  });

  it('a stalled stream (connection open, no data) is detected, ffmpeg restarted, frames resume', async () => {
    const bytes = readFileSync(tsClip);
    const sockets = new Set<Socket>();
    let connections = 0;
    // a camera that sends the first part of its stream, then stops sending without closing
    const server: Server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      socket.write(bytes.subarray(0, Math.floor(bytes.length * 0.4)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    const source = new FfmpegSource({ url: `tcp://127.0.0.1:${port}`, inputArgs: ['-f', 'mpegts', '-probesize', '65536', '-analyzeduration', '200000'], width: 160, height: 120, fps: 10, stallTimeoutMs: 1500 });
    try {
      expect(await source.next()).not.toBeNull();
      // drain what the first connection delivered, then wait for the stall and the second connection's frames
      const deadline = Date.now() + 15_000;
      while (connections < 2 && Date.now() < deadline) await source.next();
      expect(connections).toBeGreaterThanOrEqual(2);
      expect(await source.next()).not.toBeNull();
      expect(source.stats.lastError).toMatch(/no frame for 1\.5 s/);
      expect(source.stats.restarts).toBeGreaterThanOrEqual(1);
    } finally {
      await source.stop();
      for (const s of sockets) s.destroy();
      server.close();
    }
  }, 30_000);

  it('a missing file or a bad size gives an error naming the source', async () => {
    const source = new FfmpegSource({ url: join(dir, 'nope.mp4'), width: 160, height: 120, fps: 10 });
    await expect(source.next()).rejects.toThrow(/nope\.mp4.*(No such file|exited with code)/);
    await source.stop();
    expect(() => new FfmpegSource({ url: clip, width: 0, height: 120, fps: 10 })).toThrow(/testsrc\.mp4: frame size/);
  });
});

describe('image source', () => {
  it('reads a folder in name order, scaled to the camera size; says what is wrong with a bad path', async () => {
    const folder = join(dir, 'images');
    mkdirSync(folder);
    for (const [name, colour] of [['b.png', { r: 0, g: 255, b: 0 }], ['a.jpg', { r: 255, g: 0, b: 0 }]] as const) {
      await sharp({ create: { width: 64, height: 48, channels: 3, background: colour } }).toFile(join(folder, name));
    }
    writeFileSync(join(folder, 'notes.txt'), 'not an image');
    const source = new ImageSource(folder, { width: 32, height: 24 });
    const first = (await source.next())!;
    const second = (await source.next())!;
    expect(await source.next()).toBeNull();
    expect([first.width, first.height, first.data.length]).toEqual([32, 24, 32 * 24 * 3]);
    expect(first.data[0]).toBeGreaterThan(200); // a.jpg: red first
    expect(second.data[1]).toBeGreaterThan(200); // then b.png: green
    await expect(new ImageSource(join(dir, 'missing')).next()).rejects.toThrow(/missing: cannot read: ENOENT/);
    writeFileSync(join(folder, 'broken.png'), 'garbage');
    const broken = new ImageSource(join(folder, 'broken.png'));
    await expect(broken.next()).rejects.toThrow(/broken\.png: not a readable image/);
  });
});
