import fc from 'fast-check'
import type { Tensor } from '../../src/index'
import { fromStorage } from '../../src/core/tensor'

// Tensors built from raw bit patterns, for the exact round trips of checkpoints (JSON and safetensors).

/** Every float32 bit pattern is reachable: NaN payloads, ±Infinity, −0 and subnormals included. */
const float32Bits = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(0x7fc00000, 0x7f800001, 0xffc00001, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x807fffff),
)
const float64Words = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })),
  fc.constantFrom<[number, number]>(
    [1, 0x7ff00000],
    [0, 0x7ff80000],
    [0, 0xfff00000],
    [0, 0x80000000],
    [1, 0],
    [7, 0xfff8dead],
  ),
)
const shapeAndSize = fc
  .array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })
  .map((shape) => [shape, shape.reduce((a, b) => a * b, 1)] as const)

export const float32Tensor = shapeAndSize.chain(([shape, n]) =>
  fc.array(float32Bits, { minLength: n, maxLength: n }).map((bits) => {
    // fromStorage wraps the bits as they are (copying through JS numbers could canonicalise NaN payloads).
    return fromStorage(new Float32Array(Uint32Array.from(bits).buffer), shape)
  }),
)
export const float64Tensor = shapeAndSize.chain(([shape, n]) =>
  fc.array(float64Words, { minLength: n, maxLength: n }).map((words) => {
    return fromStorage(new Float64Array(Uint32Array.from(words.flat()).buffer), shape)
  }),
)
export const numberLeaf = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 5e-324, -2.2250738585072014e-308),
)
export const bitLeaf = fc.oneof(float32Tensor, float64Tensor, numberLeaf, fc.boolean())

/** The bytes of a tensor's storage, for comparisons that must not go through JS numbers. */
export const rawBytes = (t: Tensor): number[] =>
  Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength))
