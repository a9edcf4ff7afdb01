/**
 * Is this file UTF-8 text? Spec files and text data are read as UTF-8; a UTF-16 or UTF-32 file,
 * a binary file or bytes that are not UTF-8 are refused with one message that names the byte
 * offset, instead of being read as a stream of odd characters.
 */
import { isUtf8 } from 'node:buffer';

export interface EncodingProblem {
  /** Byte offset of the first offending byte. */
  offset: number;
  message: string;
}

/** The offset of the first byte that breaks UTF-8 (a scan only run once `isUtf8` has said no). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    const second = bytes[i + 1];
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((byte === 0xe0 && second < 0xa0) || (byte === 0xed && second >= 0xa0) || (byte === 0xf0 && second < 0x90) || (byte === 0xf4 && second >= 0x90)) {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

/**
 * Why `bytes` are not UTF-8 text, or undefined when they are. `complete` is false for a prefix
 * of a file: a character cut at its end is then not a problem.
 */
export function encodingProblem(bytes: Uint8Array, complete = true): EncodingProblem | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { offset: 0, message: 'is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8' };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    // ASCII text in UTF-16 has a zero byte beside every character.
    const utf16 = bytes.length >= 4 && (bytes[1] === 0 || bytes[0] === 0) && (bytes[3] === 0 || bytes[2] === 0);
    return utf16
      ? { offset: nul, message: 'is UTF-16 (zero bytes between the characters): save it as UTF-8' }
      : { offset: nul, message: `is binary, not text (a zero byte at byte offset ${nul})` };
  }
  if (isUtf8(bytes)) return undefined;
  const offset = firstInvalidUtf8(bytes);
  // A prefix may end inside a character.
  if (!complete && offset >= bytes.length - 3) return undefined;
  return { offset, message: `is not valid UTF-8 text (byte offset ${offset})` };
}
