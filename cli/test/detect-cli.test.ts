import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage } from '@greenwave/vision';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const main = join(root, 'cli', 'src', 'main.ts');
// a photograph from Debian's opencv-doc: a red double-decker bus with cars beside it
const BUS = '/usr/share/doc/opencv-doc/opencv4/html/pexels_double_decker_bus.jpg';

function greenwave(args: string[]) {
  const result = spawnSync(tsx, [main, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

type Found = { class: string; score: number; box: number[] };

describe('greenwave detect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-detect-'));

  it('an image: JSON of the agreed shape, the bus found where it is, an annotated image written', async () => {
    const out = join(dir, 'annotated.png');
    const run = greenwave(['detect', BUS, '--json', '--out', out]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const { detections } = JSON.parse(run.out) as { detections: Found[] };
    const bus = detections.find((d) => d.class === 'bus')!;
    expect(bus.score).toBeGreaterThan(0.5);
    // the bus fills the middle of the 546x413 photo
    expect(bus.box[0]).toBeLessThan(120);
    expect(bus.box[2]).toBeGreaterThan(400);
    expect(detections.filter((d) => d.class === 'car').length).toBeGreaterThanOrEqual(1);
    for (const d of detections) {
      expect(Object.keys(d).sort()).toEqual(['box', 'class', 'score']);
      expect(d.box[0]).toBeLessThanOrEqual(d.box[2]!);
    }
    const drawn = await decodeImage(out);
    const photo = await decodeImage(BUS);
    expect([drawn.width, drawn.height]).toEqual([546, 413]);
    // boxes were drawn: the pixels differ from the photograph's
    let changed = 0;
    for (let i = 0; i < drawn.data.length; i += 3) if (Math.abs(drawn.data[i]! - photo.data[i]!) > 60) changed++;
    expect(changed).toBeGreaterThan(1000);
  }, 60_000);

  it('a video: one entry per frame with its index; text output names each detection', () => {
    const clip = join(dir, 'bus.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-loop', '1', '-i', BUS, '-t', '1', '-r', '4', '-vf', 'scale=546:412', '-pix_fmt', 'yuv420p', clip]);
    const run = greenwave(['detect', clip, '--json', '--fps', '4']);
    expect(run.code).toBe(0);
    const { frames } = JSON.parse(run.out) as { frames: { index: number; detections: Found[] }[] };
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3]);
    for (const f of frames) expect(f.detections.some((d) => d.class === 'bus')).toBe(true);
    const text = greenwave(['detect', BUS]);
    expect(text.out).toMatch(/bus\s+0\.\d{3}\s+\[\d/);
  }, 60_000);

  it('bad input gets a clear error and exit code 2', () => {
    const missing = greenwave(['detect', join(dir, 'none.png')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/none\.png: no such file or folder/);
    expect(greenwave(['detect', BUS, '--score', '2']).err).toMatch(/--score: .*<=0\.99/);
    expect(greenwave(['detect', dir, '--out', join(dir, 'x.png')]).err).toMatch(/--out draws on a single image/);
    expect(greenwave(['detect']).err).toMatch(/name an image, a video or a folder/);
  }, 60_000);
});
