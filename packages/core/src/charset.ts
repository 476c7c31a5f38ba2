import { TextDecoder } from 'node:util';

/**
 * Character sets: the `charset` parameter of a `Content-Type`, byte-order marks, and decoding
 * with the WHATWG encodings Node's full ICU provides (ISO-8859-1, UTF-16, Shift_JIS, GB18030...).
 */

const UTF8 = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

/**
 * The `charset` parameter of a `Content-Type` value, lower case, or `undefined` when it has none.
 *
 * @example
 * ```ts
 * charsetOf('text/html; charset="Shift_JIS"'); // 'shift_jis'
 * ```
 */
export function charsetOf(contentType: unknown): string | undefined {
  if (typeof contentType !== 'string') return undefined;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const value = match?.[1] ?? match?.[2];
  return value ? value.toLowerCase() : undefined;
}

/** The encoding a byte-order mark at the start of `bytes` names, and the mark's length. */
export function sniffBOM(bytes: Uint8Array): { encoding: string; length: number } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: 'utf-8', length: 3 };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** Whether `label` names an encoding `TextDecoder` knows. */
export function isKnownCharset(label: string): boolean {
  if (UTF8.has(label)) return true;
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** A text decoder: `TextDecoder`'s `decode`, streaming with `{ stream: true }`. */
export interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

// Node 20's TextDecoder decodes windows-1252 (which WHATWG also uses for iso-8859-1, latin1 and
// us-ascii) as ISO-8859-1: bytes 0x80-0x9F come out as C1 controls instead of €, ‚, ƒ, ...
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function isWindows1252(label: string): boolean {
  try {
    return new TextDecoder(label).encoding === 'windows-1252';
  } catch {
    return false;
  }
}

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string);
}

const windows1252: Decoder = { decode: (input) => (input ? decodeWindows1252(input) : '') };

/**
 * A streaming decoder for `charset` (UTF-8 when it is missing or unknown). A byte-order mark wins
 * over the declared charset, as browsers do, and is not part of the text.
 */
export function createDecoder(charset: string | undefined): Decoder {
  const label = charset !== undefined && isKnownCharset(charset) ? charset : 'utf-8';
  const declared = (): Decoder => (isWindows1252(label) ? windows1252 : new TextDecoder(label));
  // The first bytes are held until a BOM can be told apart (3 bytes, or the end of the stream).
  let head: Buffer | undefined = Buffer.alloc(0);
  let inner: Decoder | undefined;
  const choose = (bytes: Buffer): Decoder => {
    const bom = sniffBOM(bytes);
    return bom ? new TextDecoder(bom.encoding) : declared();
  };
  return {
    decode(input, options) {
      if (inner) return inner.decode(input, options);
      const bytes = input ? Buffer.concat([head as Buffer, input]) : (head as Buffer);
      if (bytes.length < 3 && options?.stream) {
        head = bytes;
        return '';
      }
      head = undefined;
      inner = choose(bytes);
      return inner.decode(bytes, options);
    },
  };
}

/**
 * Decodes a whole body: a BOM wins and is stripped, then the declared `charset`, then UTF-8.
 * UTF-8 (the common case) takes Node's fast path.
 *
 * @example
 * ```ts
 * decodeText(Buffer.from([0xe9]), 'iso-8859-1'); // 'é'
 * ```
 */
export function decodeText(bytes: Buffer, charset: string | undefined): string {
  const bom = sniffBOM(bytes);
  const label = bom?.encoding ?? (charset !== undefined && isKnownCharset(charset) ? charset : 'utf-8');
  const body = bom ? bytes.subarray(bom.length) : bytes;
  if (UTF8.has(label)) return body.toString('utf8');
  if (isWindows1252(label)) return decodeWindows1252(body);
  return new TextDecoder(label, { ignoreBOM: true }).decode(body);
}
