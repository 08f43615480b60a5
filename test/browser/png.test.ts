import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { countColor, decodePng } from './png'

/** A PNG built by hand from the spec: signature, IHDR, one IDAT, IEND (CRCs left 0; the decoder does not read them). */
function png(width: number, height: number, colorType: 2 | 6, scanlines: number[][]): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    out.write(type, 4, 'latin1')
    out.set(data, 8)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, colorType, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(scanlines.flat()))),
    chunk('IEND', new Uint8Array(0)),
  ])
}

describe('decodePng (test helper for the browser screenshots)', () => {
  it('undoes each of the five filter types', () => {
    // 2×5 RGB; row y uses filter y. Pixels (raw): row 0 (10,20,30)(40,50,60); every later row adds 1 to the row above.
    // Filtered bytes worked out by hand from PNG spec §9.2 (Sub: x − a, Up: x − b, Average: x − ⌊(a+b)/2⌋,
    // Paeth: x − paeth(a, b, c)), a = left, b = above, c = above-left, 0 outside the image.
    const rows = [
      [0, 10, 20, 30, 40, 50, 60], // None
      [1, 11, 21, 31, 30, 30, 30], // Sub: 41−11, 51−21, 61−31
      [2, 1, 1, 1, 1, 1, 1], // Up: each byte is 1 more than above
      [3, 13 - 6, 23 - 11, 33 - 16, 43 - ((13 + 42) >> 1), 53 - ((23 + 52) >> 1), 63 - ((33 + 62) >> 1)], // Average
      // Paeth, first pixel: a = c = 0, b = 12 → paeth = b; second: a = 14, b = 43, c = 13 → p = 44, picks b = 43.
      [4, 1, 1, 1, 1, 1, 1],
    ]
    const image = decodePng(png(2, 5, 2, rows))
    expect([image.width, image.height]).toEqual([2, 5])
    const pixel = (x: number, y: number) => Array.from(image.rgba.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 4))
    expect(pixel(0, 0)).toEqual([10, 20, 30, 255])
    expect(pixel(1, 0)).toEqual([40, 50, 60, 255])
    for (let y = 1; y < 5; y++) {
      expect(pixel(0, y), `row ${y}`).toEqual([10 + y, 20 + y, 30 + y, 255])
      expect(pixel(1, y), `row ${y}`).toEqual([40 + y, 50 + y, 60 + y, 255])
    }
  })

  it('reads alpha and counts colours within a tolerance', () => {
    const image = decodePng(png(3, 1, 6, [[0, 31, 119, 180, 255, 0, 0, 0, 255, 35, 115, 185, 128]]))
    expect(Array.from(image.rgba)).toEqual([31, 119, 180, 255, 0, 0, 0, 255, 35, 115, 185, 128])
    expect(countColor(image, '#1f77b4', 0)).toBe(1)
    expect(countColor(image, '#1f77b4', 5)).toBe(2)
  })

  it('refuses what it cannot read', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow('not a PNG file')
    const sixteenBit = png(1, 1, 2, [[0, 0, 0, 0, 0, 0, 0]])
    sixteenBit[8 + 8 + 8] = 16 // IHDR bit depth
    expect(() => decodePng(sixteenBit)).toThrow('unsupported PNG: depth 16')
  })
})
