import sharp from 'sharp';
import type { Detection } from '../detect/detection.ts';

const COLOURS: Record<string, string> = { car: '#00e0ff', motorbike: '#ffd000', bus: '#ff5a36', truck: '#c86bff', bicycle: '#7cff4f', person: '#ffffff' };

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The frame with each detection's box and "class score" label drawn on it, as PNG (or JPEG for .jpg paths). */
export async function annotate(frame: { data: Uint8Array; width: number; height: number }, detections: readonly Detection[], file: string): Promise<void> {
  const { width, height } = frame;
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 300));
  const font = Math.max(11, Math.round(Math.min(width, height) / 45));
  const shapes = detections.map((d) => {
    const [x1, y1, x2, y2] = d.box;
    const colour = COLOURS[d.class] ?? '#ffffff';
    const label = escapeXml(`${d.class} ${d.score.toFixed(2)}`);
    const ty = y1 - font * 1.3 < 0 ? y1 : y1 - font * 1.3;
    return [
      `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
      `<rect x="${x1}" y="${ty}" width="${label.length * font * 0.6 + 6}" height="${font * 1.3}" fill="${colour}"/>`,
      `<text x="${x1 + 3}" y="${ty + font}" font-family="DejaVu Sans" font-size="${font}" fill="#000">${label}</text>`,
    ].join('');
  });
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`);
  const image = sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), { raw: { width, height, channels: 3 } }).composite([{ input: svg }]);
  await (/\.jpe?g$/i.test(file) ? image.jpeg({ quality: 90 }) : image.png()).toFile(file);
}
