import { access, constants } from 'node:fs/promises';
import sharp from 'sharp';
import { DetectorError } from '../errors.ts';
import { computeLetterbox, type Letterbox } from './letterbox.ts';

/** A decoded frame: interleaved 8-bit RGB (or RGBA), row-major, no row padding. */
export interface RawRgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 (RGB, default) or 4 (RGBA). */
  channels?: 3 | 4;
}

/** A raw frame, an encoded image (JPEG, PNG, WebP, ...) in memory, or the path of an image file. */
export type ImageInput = RawRgbImage | Uint8Array | string;

export interface ScaledFrame {
  /** Interleaved RGB of the scaled frame, letterbox.scaledWidth x letterbox.scaledHeight. */
  rgb: Uint8Array;
  letterbox: Letterbox;
}

/** Decodes the input if needed and scales it (aspect kept) to fit inputWidth x inputHeight. */
export async function scaleToInput(input: ImageInput, inputWidth: number, inputHeight: number): Promise<ScaledFrame> {
  const raw = await toRawRgb(input);
  const letterbox = computeLetterbox(raw.width, raw.height, inputWidth, inputHeight);
  const channels = raw.channels ?? 3;
  if (channels === 3 && letterbox.scaledWidth === raw.width && letterbox.scaledHeight === raw.height) return { rgb: raw.data, letterbox };
  try {
    const rgb = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels } })
      .removeAlpha()
      .resize(letterbox.scaledWidth, letterbox.scaledHeight, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    return { rgb, letterbox };
  } catch (error) {
    throw new DetectorError('input', `cannot scale a ${raw.width}x${raw.height} frame: ${(error as Error).message}`, error);
  }
}

function isRawImage(input: ImageInput): input is RawRgbImage {
  return typeof input === 'object' && !(input instanceof Uint8Array);
}

/** Raw frames are checked and passed through; encoded images and files are decoded (EXIF orientation applied). */
export async function toRawRgb(input: ImageInput): Promise<RawRgbImage> {
  if (isRawImage(input)) {
    const channels = input.channels ?? 3;
    if (!Number.isInteger(input.width) || !Number.isInteger(input.height) || input.width < 1 || input.height < 1) {
      throw new DetectorError('input', `raw frame size ${input.width}x${input.height} is not valid`);
    }
    if (input.data.length !== input.width * input.height * channels) {
      throw new DetectorError('input', `raw frame of ${input.width}x${input.height}x${channels} should hold ${input.width * input.height * channels} bytes, it holds ${input.data.length}`);
    }
    return input;
  }
  const what = typeof input === 'string' ? `image file ${input}` : `encoded image (${input.length} bytes)`;
  if (typeof input === 'string') {
    try {
      await access(input, constants.R_OK);
    } catch (error) {
      throw new DetectorError('io', `cannot read ${what}: ${(error as Error).message}`, error);
    }
  }
  try {
    const { data, info } = await sharp(input).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected RGB`);
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    throw new DetectorError('input', `cannot decode ${what}: ${(error as Error).message}`, error);
  }
}
