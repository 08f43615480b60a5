import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import type { Diagnosis } from './diagnosis'

/** Spread of column scales above which features count as unscaled (1e3 / 1 / 1e-3 features give 1e6). */
const MAX_SCALE_RATIO = 1e4

/**
 * @internal `illConditioned` for a batch whose features live on very different scales: for each matrix leaf of the
 * batch (rows × features), the ratio of the largest to the smallest non-zero column RMS. Unscaled inputs make the
 * loss's curvature as uneven as their squared scales, so one learning rate is too large for some weights and too small
 * for the others (gradient descent needs η < 2/L, and converges at a rate set by L/μ).
 */
export function featureScaleChecks(batch: PyTree, step: number): Diagnosis[] {
  const out: Diagnosis[] = []
  for (const [path, leaf] of tree.flattenWithPath(batch)[0]) {
    if (!isTensor(leaf) || leaf.shape.length !== 2) continue
    const [rows, cols] = leaf.shape as [number, number]
    if (rows < 2 || cols < 2) continue
    const sq = new Float64Array(cols)
    const d = leaf.data
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sq[c] = sq[c]! + d[r * cols + c]! ** 2
    let lo = Infinity
    let hi = 0
    for (let c = 0; c < cols; c++) {
      const rms = Math.sqrt(sq[c]! / rows)
      if (rms > 0 && Number.isFinite(rms)) {
        lo = Math.min(lo, rms)
        hi = Math.max(hi, rms)
      }
    }
    if (hi / lo > MAX_SCALE_RATIO) {
      const where = tree.keystr(path, 'batch')
      out.push({
        code: 'illConditioned',
        severity: 'warning',
        step,
        path: where,
        message: `the columns of ${where} live on scales from ${lo.toExponential(1)} to ${hi.toExponential(1)} (RMS), a spread of ${(hi / lo).toExponential(1)}: no single learning rate suits all of their weights`,
        fix: 'standardise your features: subtract each column’s mean and divide by its standard deviation (computed on the training set)',
      })
    }
  }
  return out
}
