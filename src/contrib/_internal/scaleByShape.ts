import { ShapeError } from '../../core/errors'
import { checkInRange } from '../../core/hyperparams'
import { arrayTypeOf, fromStorage, isTensor } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { EmptyState } from '../../core/base'
import type { GradientTransformation } from '../../core/types'
import {
  type MuonDimensionNumbers,
  type WeightDimensionNumbers,
  dimensionNumbersAt,
  resolveDimensionNumbers,
} from '../transforms/muonDimensionNumbers'

const DEFAULT_DIMS: MuonDimensionNumbers = { reductionAxis: 0, outputAxis: 1 }
const axesOf = (a: number | readonly number[], nd: number) =>
  (typeof a === 'number' ? [a] : [...a]).map((x) => ((x % nd) + nd) % nd)

/**
 * optax's `scale_by_shape` (inside contrib.muon): each leaf times √max(1, fan_out/fan_in) (Jordan's width scaling),
 * or √max(fan_in, fan_out)·consistentRms (Liu et al. 2025), fan_in and fan_out from the leaf's dimension numbers.
 */
export function scaleByShape(
  weightDimensionNumbers: WeightDimensionNumbers | undefined,
  consistentRms: number | undefined,
): GradientTransformation<EmptyState> {
  const owner = 'muon'
  if (consistentRms !== undefined) checkInRange(owner, 'options.consistentRms', consistentRms, '[0, Infinity)')
  return {
    init: () => ({}),
    update: (updates, state) => {
      const resolved = resolveDimensionNumbers(weightDimensionNumbers, updates)
      const out = tree.mapWithPath((path, leaf) => {
        if (!isTensor(leaf) || leaf.shape.length < 2) {
          throw new ShapeError(`${owner}: ${tree.keystr(path, 'updates')} is not a tensor of rank ≥ 2.`)
        }
        const dims = (resolved === undefined ? null : dimensionNumbersAt(resolved, path)) ?? DEFAULT_DIMS
        const nd = leaf.shape.length
        const size = (axes: number[]) => axes.reduce((p, a) => p * leaf.shape[a]!, 1)
        const fanIn = size(axesOf(dims.reductionAxis ?? 0, nd))
        const fanOut = size(axesOf(dims.outputAxis ?? 1, nd))
        const s =
          consistentRms === undefined
            ? Math.sqrt(Math.max(1, fanOut / fanIn))
            : Math.sqrt(Math.max(fanIn, fanOut)) * consistentRms
        return fromStorage(arrayTypeOf(leaf.dtype).from(Float64Array.from(leaf.data, (v) => s * v)), leaf.shape)
      }, updates)
      return [out as typeof updates, state]
    },
  }
}
