import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import type { Frame, FrameSource, SourceStats } from './frame.ts';
import { FrameSourceError } from './source-error.ts';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif', '.avif']);

/** The image files a path names: the file itself, or a folder's images sorted by name. */
export async function listImages(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new FrameSourceError(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, error);
  }
  if (info.isFile()) return [path];
  const names = (await readdir(path)).filter((n) => IMAGE_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) throw new FrameSourceError(path, `no images in this folder (looked for ${[...IMAGE_EXTENSIONS].join(' ')})`);
  return names.map((n) => join(path, n));
}

/** Decodes an image file to RGB, optionally scaled to a size (aspect not kept, as a camera's fixed frame). */
export async function decodeImage(file: string, size?: { width: number; height: number }): Promise<{ data: Buffer; width: number; height: number }> {
  try {
    let pipeline = sharp(file).rotate().removeAlpha();
    if (size) pipeline = pipeline.resize(size.width, size.height, { fit: 'fill' });
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw new FrameSourceError(file, `not a readable image: ${(error as Error).message}`, error);
  }
}

/** Frames from an image file or a folder of images, in name order; ends after the last (or loops). */
export class ImageSource implements FrameSource {
  readonly stats: SourceStats = { frames: 0, delivered: 0, dropped: 0, restarts: 0, lastError: null };
  private files: Promise<string[]>;
  private position = 0;
  private stopped = false;

  constructor(
    readonly path: string,
    private readonly options: { width?: number; height?: number; loop?: boolean } = {},
  ) {
    this.files = listImages(path);
    // a bad path is reported by next(), not as an unhandled rejection
    this.files.catch(() => {});
  }

  get fileCount(): Promise<number> {
    return this.files.then((f) => f.length);
  }

  async next(): Promise<Frame | null> {
    const files = await this.files;
    if (this.stopped) return null;
    if (this.position >= files.length) {
      if (!this.options.loop) return null;
      this.position = 0;
    }
    const file = files[this.position++]!;
    const size = this.options.width && this.options.height ? { width: this.options.width, height: this.options.height } : undefined;
    const image = await decodeImage(file, size);
    this.stats.frames++;
    this.stats.delivered++;
    return { ...image, index: this.stats.frames - 1, timeMs: Date.now() };
  }

  /** The file the last frame came from. */
  async currentFile(): Promise<string | undefined> {
    return (await this.files)[this.position - 1];
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}
