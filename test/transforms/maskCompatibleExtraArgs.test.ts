import { describe, expect, it } from 'vitest'
import { type ExtraArgs, type GradientTransformation, type PyTree, masked, partition, tensor } from '../../src/index'

// optax's masked(…, mask_compatible_extra_args=True) and partition(…, mask_compatible_extra_args=True): an extra
// argument with the updates' structure reaches the inner transform masked like the updates; others pass unchanged.
/** A stateless transform that records the extra arguments it was given. */
const spy = (seen: ExtraArgs[]): GradientTransformation<Record<string, never>> => ({
  init: () => ({}),
  update: (u, s, _p, extra) => (seen.push(extra ?? {}), [u, s]),
})
const params = { w: tensor([1]), b: tensor([2]) }
const grad = { w: tensor([3]), b: tensor([4]) }

describe('maskCompatibleExtraArgs', () => {
  it('masked: the per-param extra argument is masked, a number is not; off by default', () => {
    const seen: ExtraArgs[] = []
    const tx = masked(spy(seen), { w: true, b: false }, { maskCompatibleExtraArgs: true })
    tx.update(grad, tx.init(params), params, { grad, value: 1.5 })
    expect((seen[0]!.grad as PyTree as { b: unknown }).b).toBeNull()
    expect((seen[0]!.grad as { w: unknown }).w).toBe(grad.w)
    expect(seen[0]!.value).toBe(1.5)
    const plain = masked(spy(seen), { w: true, b: false })
    plain.update(grad, plain.init(params), params, { grad })
    expect(seen[1]!.grad).toBe(grad)
  })
  it('the data-last form takes the options too', () => {
    const seen: ExtraArgs[] = []
    const tx = masked({ w: false, b: true }, { maskCompatibleExtraArgs: true })(spy(seen))
    tx.update(grad, tx.init(params), params, { grad })
    expect((seen[0]!.grad as { w: unknown }).w).toBeNull()
  })
  it('partition masks them per label', () => {
    const a: ExtraArgs[] = []
    const b: ExtraArgs[] = []
    const tx = partition({ a: spy(a), b: spy(b) }, { w: 'a', b: 'b' }, { maskCompatibleExtraArgs: true })
    tx.update(grad, tx.init(params), params, { grad })
    expect((a[0]!.grad as { b: unknown }).b).toBeNull()
    expect((b[0]!.grad as { w: unknown }).w).toBeNull()
  })
})
