import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FrameSourceError } from './source-error.ts';

const run = promisify(execFile);

export interface VideoInfo {
  width: number;
  height: number;
  /** Frames per second of the first video stream (its average rate). */
  fps: number;
  durationS: number | null;
}

/** Size and rate of a video file or stream's first video stream, by Debian's ffprobe. */
export async function probeVideo(url: string): Promise<VideoInfo> {
  let stdout: string;
  try {
    ({ stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate:format=duration', '-of', 'json', url], { timeout: 15_000 }));
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new FrameSourceError(url, 'ffprobe is not installed (apt-get install -y ffmpeg)', error);
    throw new FrameSourceError(url, `ffprobe cannot read it: ${(e.stderr ?? e.message).trim().split('\n').at(-1)}`, error);
  }
  const info = JSON.parse(stdout) as { streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }[]; format?: { duration?: string } };
  const stream = info.streams?.[0];
  if (!stream?.width || !stream.height) throw new FrameSourceError(url, 'no video stream');
  const rate = (text?: string) => {
    const [n, d] = (text ?? '').split('/').map(Number);
    return n && d ? n / d : NaN;
  };
  const fps = [rate(stream.avg_frame_rate), rate(stream.r_frame_rate)].find((r) => Number.isFinite(r) && r > 0 && r <= 240) ?? 25;
  const duration = Number(info.format?.duration);
  return { width: stream.width, height: stream.height, fps, durationS: Number.isFinite(duration) ? duration : null };
}
