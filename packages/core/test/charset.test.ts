// Character-set helpers: the charset parameter, BOMs, and streaming decoders (chunks split anywhere).

import { charsetOf, decodeText } from '@axle/core';
import { createDecoder, sniffBOM } from '../src/charset';

const streamDecode = (charset: string | undefined, bytes: Buffer, size: number): string => {
  const decoder = createDecoder(charset);
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += decoder.decode(bytes.subarray(i, i + size), { stream: true });
  return out + decoder.decode();
};

describe('charsetOf', () => {
  it.each([
    ['text/html; charset=UTF-8', 'utf-8'],
    ['text/plain;charset="Shift_JIS"', 'shift_jis'],
    ['application/json; foo=bar; Charset = latin1', 'latin1'],
    ['text/plain', undefined],
    ['text/plain; charset=', undefined],
    [undefined, undefined],
    [42, undefined],
  ])('%j → %j', (type, expected) => {
    expect(charsetOf(type)).toBe(expected);
  });
});

describe('decoding', () => {
  it('windows-1252 (and its WHATWG aliases) maps 0x80-0x9F as browsers do', () => {
    const bytes = Buffer.from([0x80, 0x93, 0x94, 0x9f, 0xe9, 0x81]);
    for (const label of ['windows-1252', 'iso-8859-1', 'latin1', 'us-ascii']) {
      expect(decodeText(bytes, label)).toBe('€“”Ÿé\u0081');
      expect(streamDecode(label, bytes, 1)).toBe('€“”Ÿé\u0081');
    }
  });

  it('a stream declared windows-1252 that starts with a UTF-8 BOM is UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('€ ok')]);
    expect(streamDecode('iso-8859-1', bytes, 2)).toBe('€ ok');
  });

  it('multi-byte encodings survive any chunk split', () => {
    const sjis = Buffer.from([0x82, 0xa0, 0x82, 0xa2, 0x82, 0xa4]);
    expect(streamDecode('shift_jis', sjis, 1)).toBe('あいう');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hé', 'utf16le')]);
    expect(streamDecode(undefined, utf16, 1)).toBe('hé');
    expect(streamDecode('x-unknown', Buffer.from('ü'), 1)).toBe('ü');
  });

  it('BOM sniffing', () => {
    expect(sniffBOM(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: 'utf-8', length: 3 });
    expect(sniffBOM(Buffer.from([0xfe, 0xff]))).toEqual({ encoding: 'utf-16be', length: 2 });
    expect(sniffBOM(Buffer.from([0x41]))).toBeUndefined();
    expect(decodeText(Buffer.alloc(0), 'utf-16le')).toBe('');
  });
});
