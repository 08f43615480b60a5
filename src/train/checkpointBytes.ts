// Raw bytes of tensor storage as base64 text, for checkpoints. Portable (Node and browsers: no Buffer, no atob, whose
// Latin-1 strings cost a copy per byte), and little-endian on every host, so a checkpoint reads the same everywhere.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0))
const INVALID = 255
const DECODE = new Uint8Array(128).fill(INVALID)
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i
const PAD = '='.charCodeAt(0)

/** @internal True when typed arrays store their elements little-endian on this host (every mainstream CPU). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** @internal A copy of `bytes` with the byte order of each `width`-byte element reversed (host ↔ little-endian). */
export function swapBytes(bytes: Uint8Array, width: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j]!
  }
  return out
}

const ascii = new TextDecoder()

/** @internal RFC 4648 base64 (with `=` padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length
  const out = new Uint8Array(Math.ceil(n / 3) * 4)
  let o = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out[o++] = ENCODE[v >>> 18]!
    out[o++] = ENCODE[(v >>> 12) & 63]!
    out[o++] = ENCODE[(v >>> 6) & 63]!
    out[o++] = ENCODE[v & 63]!
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | (i + 1 < n ? bytes[i + 1]! << 8 : 0)
    out[o++] = ENCODE[v >>> 18]!
    out[o++] = ENCODE[(v >>> 12) & 63]!
    out[o++] = i + 1 < n ? ENCODE[(v >>> 6) & 63]! : PAD
    out[o++] = PAD
  }
  return ascii.decode(out)
}

/**
 * @internal The bytes of RFC 4648 base64 text, or a string saying why the text is not base64 (a character outside the
 * alphabet, a length that is not a multiple of 4, misplaced padding, or non-zero bits in the padding).
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | string {
  if (text.length % 4 !== 0) return `its length ${text.length} is not a multiple of 4`
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  const at = (k: number): number => {
    const c = text.charCodeAt(k)
    return c < 128 ? DECODE[c]! : INVALID
  }
  const full = pad === 0 ? text.length : text.length - 4
  let o = 0
  for (let k = 0; k < full; k += 4) {
    const a = at(k)
    const b = at(k + 1)
    const c = at(k + 2)
    const d = at(k + 3)
    // INVALID is 255, so the OR of four codes is 255 exactly when one of them is invalid (valid codes are < 64).
    if ((a | b | c | d) === INVALID) {
      return `it has a character outside the base64 alphabet near offset ${k}`
    }
    const v = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = v >>> 16
    out[o++] = (v >>> 8) & 255
    out[o++] = v & 255
  }
  if (pad > 0) {
    const a = at(full)
    const b = at(full + 1)
    const c = pad === 1 ? at(full + 2) : 0
    if (a === INVALID || b === INVALID || c === INVALID)
      return `it has a character outside the base64 alphabet near offset ${full}`
    const v = (a << 18) | (b << 12) | (c << 6)
    // Canonical base64 only: the bits below the last byte must be zero, so one byte string has one spelling.
    if ((pad === 2 ? v & 0xffff : v & 0xff) !== 0) return 'its padding bits are not zero (edited text?)'
    out[o++] = v >>> 16
    if (pad === 1) out[o++] = (v >>> 8) & 255
  }
  return out
}
