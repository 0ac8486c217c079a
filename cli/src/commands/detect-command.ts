import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { DetectorSettings, ErrorCode, GreenwaveError } from '@greenwave/contracts';
import { type Detection, FfmpegSource, ImageSource, annotate, detectorFromSettings, listImages, probeVideo } from '@greenwave/vision';
import { type FlagSpec, parseFlags, usageError } from './args.ts';

export const detectFlags: FlagSpec[] = [
  { name: 'json', kind: 'boolean', description: 'print JSON: {"detections": [...]} (a video: {"frames": [{"index", "detections"}]}; a folder: {"images": [{"file", "detections"}]})' },
  { name: 'out', kind: 'string', description: 'write the image with boxes drawn (PNG, or JPEG for .jpg); a single image only' },
  { name: 'model', kind: 'string', description: '"default" (NanoDet, converted on first use) or an ONNX file', default: 'default' },
  { name: 'kind', kind: 'string', description: 'nanodet or yolo (a YOLO v5/v8/v11 export)', default: 'nanodet' },
  { name: 'layout', kind: 'string', description: 'YOLO output layout: auto, yolov5, yolov8, yolov11', default: 'auto' },
  { name: 'score', kind: 'number', description: 'minimum score', default: 0.3 },
  { name: 'threads', kind: 'number', description: 'onnxruntime intra-op threads', default: 1 },
  { name: 'fps', kind: 'number', description: 'a video: frames per second to analyse (default: the video’s own rate)' },
];

const VIDEO_EXTENSIONS = new Set(['.mp4', '.mkv', '.avi', '.mov', '.webm', '.ts', '.m4v', '.mpg', '.mpeg', '.flv']);
const round = (d: Detection) => ({ class: d.class, score: Math.round(d.score * 1000) / 1000, box: d.box.map((v) => Math.round(v * 10) / 10) });
const line = (d: Detection) => {
  const r = round(d);
  return `  ${r.class.padEnd(10)}${r.score.toFixed(3)}  [${r.box.join(', ')}]`;
};

/** `greenwave detect <image|video|folder>`: what the detector sees, as text or JSON, optionally drawn on the image. */
export async function detectCommand(argv: readonly string[]): Promise<void> {
  const input = argv.find((a) => !a.startsWith('--') && !isFlagValue(argv, a));
  const flags = parseFlags(
    argv.filter((a) => a !== input),
    detectFlags,
    'detect <image|video|folder>',
  );
  if (!input) throw usageError('detect <image|video|folder>', detectFlags, 'name an image, a video or a folder of images');
  const settings = DetectorSettings.safeParse({ model: flags.model, kind: flags.kind, layout: flags.layout, scoreThreshold: flags.score, threads: flags.threads });
  if (!settings.success) throw usageError('detect <image|video|folder>', detectFlags, settings.error.issues.map((i) => `--${flagOf(String(i.path[0]))}: ${i.message}`).join('; '));
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new GreenwaveError(ErrorCode.INVALID_REQUEST, `${input}: no such file or folder`, { recoverable: true });
  }
  const isVideo = info.isFile() && VIDEO_EXTENSIONS.has(extname(input).toLowerCase());
  if (flags.out && (isVideo || info.isDirectory())) throw usageError('detect <image|video|folder>', detectFlags, '--out draws on a single image; give an image file');
  const files = isVideo ? [] : await listImages(input);
  const detector = await detectorFromSettings(settings.data);
  const json = flags.json === true;
  try {
    if (isVideo) {
      const video = await probeVideo(input);
      const fps = typeof flags.fps === 'number' ? flags.fps : video.fps;
      const source = new FfmpegSource({ url: input, width: video.width, height: video.height, fps, live: false });
      const frames: { index: number; detections: ReturnType<typeof round>[] }[] = [];
      for (let frame = await source.next(); frame; frame = await source.next()) {
        const detections = await detector.detect(frame);
        if (json) frames.push({ index: frame.index, detections: detections.map(round) });
        else console.log([`frame ${frame.index}: ${detections.length} detection(s)`, ...detections.map(line)].join('\n'));
      }
      await source.stop();
      if (json) console.log(JSON.stringify({ frames }));
      return;
    }
    const source = new ImageSource(input);
    const images: { file: string; detections: ReturnType<typeof round>[] }[] = [];
    for (const file of files) {
      const frame = (await source.next())!;
      const detections = await detector.detect(frame);
      if (json) images.push({ file, detections: detections.map(round) });
      else console.log([`${file} (${frame.width}x${frame.height}): ${detections.length} detection(s)`, ...detections.map(line)].join('\n'));
      if (typeof flags.out === 'string') {
        await annotate(frame, detections, flags.out);
        if (!json) console.log(`annotated image written to ${flags.out}`);
      }
    }
    if (json) console.log(JSON.stringify(info.isDirectory() ? { images } : { detections: images[0]!.detections }));
  } finally {
    await detector.close();
  }
}

/** Whether `a` is the value of a flag that takes one (so not the input path). */
function isFlagValue(argv: readonly string[], a: string): boolean {
  const i = argv.indexOf(a);
  const previous = i > 0 ? argv[i - 1]! : '';
  if (!previous.startsWith('--') || previous.includes('=')) return false;
  const spec = detectFlags.find((s) => s.name === previous.slice(2));
  return spec !== undefined && spec.kind !== 'boolean';
}

const flagOf = (field: string) => ({ scoreThreshold: 'score', threads: 'threads', model: 'model', kind: 'kind', layout: 'layout' })[field] ?? field;
