import { checkBoolean, checkInRange } from '../core/hyperparams'
import { HyperparameterError } from '../core/errors'
import type { History } from './history'

/**
 * Options of {@link lossCurveSvg}.
 * @category train
 * @since 0.2.0
 */
export interface LossCurveSvgOptions {
  /** The title above the plot (escaped for XML). @defaultValue 'Training loss' */
  readonly title?: string
  /** Width of the document in px, in [200, 10000]. @defaultValue 640 */
  readonly width?: number
  /** Height of the document in px, in [150, 10000]. @defaultValue 400 */
  readonly height?: number
  /** Plot log10 of the values; values ≤ 0 are left out (and counted in a note). @defaultValue false */
  readonly logScale?: boolean
  /**
   * β of a bias-corrected EMA of the training loss, in [0, 1). Above 0 the EMA is drawn solid and the raw loss faintly
   * behind it (as TensorBoard does). @defaultValue 0
   */
  readonly smoothing?: number
  /** The eval metrics to draw, by name. @defaultValue every name in `history.epochs[].eval`, in order of appearance */
  readonly evalMetrics?: readonly string[]
}

/** The plot box inside the document (px): the data are mapped into [LEFT, width − RIGHT] × [TOP, height − BOTTOM]. */
const LEFT = 64
const RIGHT = 16
const TOP = 36
const BOTTOM = 48
const TRAIN_COLOR = '#1f77b4'
const EVAL_COLORS = ['#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']

interface Curve {
  readonly label: string
  readonly color: string
  readonly points: readonly (readonly [x: number, v: number])[]
  readonly faint?: boolean
  readonly markers?: boolean
  /** Derived from another curve's values (the EMA), so its left-out points are not counted again. */
  readonly derived?: boolean
}

/**
 * The loss curves of a {@link History} as a standalone SVG document: the training loss at every step and each eval
 * metric at the end of each epoch, with axes, ticks, labels and a legend. No scripts, no external references; all
 * user text (title, metric names) is escaped for XML.
 *
 * Data map into the plot box [L, R] × [T, B] = [64, width − 16] × [36, height − 48] by one affine transform per axis:
 * ```text
 * X(step) = L + (step − s₀)/(s₁ − s₀)·(R − L)        [s₀, s₁] = min, max of the plotted steps
 * Y(v)    = B − (t(v) − t₀)/(t₁ − t₀)·(B − T)        t(v) = v, or log10(v) with logScale
 *                                                     [t₀, t₁] = min, max of t over the plotted values
 * a train point is (record.step, record.loss); an eval point is (epoch.step, epoch.eval[name]), the number of steps
 * taken at the end of the epoch. Coordinates are written rounded to 0.01 px.
 * ```
 * A degenerate range is widened: [s₀ − 1, s₀ + 1] for one step; [t₀ − d, t₀ + d] for one value, with d = ½ (a half
 * decade) on the log scale, else d = |t₀|/10 (1 when t₀ = 0). Non-finite values, and values ≤ 0 on the log scale,
 * are not plotted: they break the line, and a note above the plot counts them, so the document never contains NaN.
 * With `smoothing` β > 0 the train curve is the bias-corrected EMA a_n = β·a_{n−1} + (1−β)·x_n, ŝ_n = a_n/(1−βⁿ) over
 * the finite losses (n counts them). Log-scale ticks sit at powers of ten (at 1, 2, 5 × 10ᵏ when the data span less
 * than two decades).
 *
 * @param history - A {@link History}, e.g. `fit(...).history`.
 * @param options - {@link LossCurveSvgOptions}.
 * @returns The SVG document, starting with an XML declaration.
 * @throws HyperparameterError (a `RangeError`) for invalid options.
 * @example
 * import { lossCurveSvg } from 'descent-ts'
 * const steps = [4, 2, 1].map((loss, step) => ({ step, epoch: 0, loss, gradNorm: 0, updateNorm: 0, paramNorm: 0 }))
 * const svg = lossCurveSvg({ steps, epochs: [{ epoch: 0, step: 3, trainLoss: 7 / 3, eval: { 'x<y': 1.5 } }] }, {
 *   logScale: true,
 * })
 * assert.ok(svg.includes('xmlns="http://www.w3.org/2000/svg"') && svg.includes('eval x&lt;y'))
 * assert.ok(!svg.includes('NaN') && !svg.includes('<script'))
 * @see fit, lrFind
 * @category train
 * @since 0.2.0
 */
export function lossCurveSvg(history: History, options: LossCurveSvgOptions = {}): string {
  const owner = 'lossCurveSvg'
  const width = checkInRange(owner, 'options.width', options.width ?? 640, '[200, 10000]')
  const height = checkInRange(owner, 'options.height', options.height ?? 400, '[150, 10000]')
  const log = checkBoolean(owner, 'options.logScale', options.logScale ?? false)
  const beta = checkInRange(owner, 'options.smoothing', options.smoothing ?? 0, '[0, 1)')
  const title = options.title ?? 'Training loss'
  if (typeof title !== 'string') {
    throw new HyperparameterError(`${owner} options.title must be a string; got ${String(title)}`)
  }
  const steps = history?.steps ?? []
  const epochs = history?.epochs ?? []

  const train = steps.map((r) => [r.step, r.loss] as const)
  const curves: Curve[] = []
  if (beta > 0) {
    curves.push({ label: 'train loss (raw)', color: TRAIN_COLOR, points: train, faint: true })
    curves.push({ label: `train loss (EMA β=${beta})`, color: TRAIN_COLOR, points: ema(train, beta), derived: true })
  } else curves.push({ label: 'train loss', color: TRAIN_COLOR, points: train })
  const names = options.evalMetrics ?? [...new Set(epochs.flatMap((e) => Object.keys(e.eval ?? {})))]
  names.forEach((name, i) => {
    const points = epochs.flatMap((e) =>
      e.eval !== undefined && name in e.eval ? [[e.step, e.eval[name]!] as const] : [],
    )
    curves.push({ label: `eval ${name}`, color: EVAL_COLORS[i % EVAL_COLORS.length]!, points, markers: true })
  })

  // What can be plotted: finite values (positive ones on the log scale), at finite steps.
  const t = (v: number): number => (log ? Math.log10(v) : v)
  const ok = (x: number, v: number): boolean => Number.isFinite(x) && Number.isFinite(v) && (!log || v > 0)
  let nonFinite = 0
  let nonPositive = 0
  curves.forEach((c) => {
    if (c.derived === true) return
    c.points.forEach(([x, v]) => {
      if (!Number.isFinite(x) || !Number.isFinite(v)) nonFinite++
      else if (log && v <= 0) nonPositive++
    })
  })
  const plotted = curves.flatMap((c) => c.points.filter(([x, v]) => ok(x, v)))
  const [L, R, T, B] = [LEFT, width - RIGHT, TOP, height - BOTTOM]

  const out: string[] = []
  out.push('<?xml version="1.0" encoding="UTF-8"?>')
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
  )
  out.push(`<title>${escapeXml(title)}</title>`)
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`)
  out.push(`<text x="${f(width / 2)}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`)
  out.push(`<rect x="${L}" y="${T}" width="${f(R - L)}" height="${f(B - T)}" fill="none" stroke="#444444"/>`)
  out.push(`<text x="${f((L + R) / 2)}" y="${f(height - 10)}" text-anchor="middle">step</text>`)
  const yLabel = log ? 'value (log scale)' : 'value'
  out.push(`<text transform="translate(16 ${f((T + B) / 2)}) rotate(-90)" text-anchor="middle">${yLabel}</text>`)
  const notes: string[] = []
  if (nonFinite > 0) notes.push(`${nonFinite} non-finite value${nonFinite === 1 ? '' : 's'} not shown`)
  if (nonPositive > 0) notes.push(`${nonPositive} value${nonPositive === 1 ? '' : 's'} ≤ 0 not shown on the log scale`)
  if (notes.length > 0) {
    out.push(
      `<text x="${f(R)}" y="${T - 6}" text-anchor="end" font-size="10" fill="#aa0000">${notes.join('; ')}</text>`,
    )
  }

  if (plotted.length === 0) {
    out.push(
      `<text x="${f((L + R) / 2)}" y="${f((T + B) / 2)}" text-anchor="middle" fill="#666666">no data to plot</text>`,
    )
    out.push('</svg>')
    return out.join('\n') + '\n'
  }

  const [s0, s1] = widen(extent(plotted.map((p) => p[0])), () => 1)
  const [t0, t1] = widen(extent(plotted.map((p) => t(p[1]))), (lo) => (log ? 0.5 : lo === 0 ? 1 : Math.abs(lo) / 10))
  const X = (s: number): number => L + frac(s, s0, s1) * (R - L)
  const Y = (v: number): number => B - frac(t(v), t0, t1) * (B - T)

  // Ticks and grid.
  out.push('<g font-size="10" fill="#333333">')
  for (const s of linearTicks(s0, s1, true)) {
    out.push(`<line x1="${f(X(s))}" y1="${B}" x2="${f(X(s))}" y2="${B + 4}" stroke="#444444"/>`)
    out.push(`<text x="${f(X(s))}" y="${B + 16}" text-anchor="middle">${formatTick(s)}</text>`)
  }
  for (const v of log ? logTicks(t0, t1) : linearTicks(t0, t1, false)) {
    const y = f(Y(v))
    out.push(`<line x1="${L}" y1="${y}" x2="${f(R)}" y2="${y}" stroke="#e0e0e0"/>`)
    out.push(`<line x1="${L - 4}" y1="${y}" x2="${L}" y2="${y}" stroke="#444444"/>`)
    out.push(`<text x="${L - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(v)}</text>`)
  }
  out.push('</g>')

  // Curves: one polyline per run of plottable points; a lone point is a dot.
  curves.forEach((c) => {
    const style = `stroke="${c.color}"${c.faint === true ? ' stroke-opacity="0.3"' : ''}`
    const runs: [number, number][][] = [[]]
    c.points.forEach(([x, v]) => {
      if (ok(x, v)) runs[runs.length - 1]!.push([X(x), Y(v)])
      else if (runs[runs.length - 1]!.length > 0) runs.push([])
    })
    runs.forEach((run) => {
      if (run.length > 1) {
        const pts = run.map(([x, y]) => `${f(x)},${f(y)}`).join(' ')
        out.push(`<polyline fill="none" stroke-width="1.5" ${style} points="${pts}"/>`)
      }
      if (run.length === 1 || c.markers === true) {
        run.forEach(([x, y]) => out.push(`<circle cx="${f(x)}" cy="${f(y)}" r="2.5" fill="${c.color}"/>`))
      }
    })
  })

  // Legend, top right inside the plot.
  const lw = 36 + 7 * Math.max(...curves.map((c) => [...c.label].length))
  const lx = R - 8 - lw
  out.push(`<g font-size="11">`)
  out.push(
    `<rect x="${f(lx)}" y="${T + 8}" width="${f(lw)}" height="${8 + 16 * curves.length}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`,
  )
  curves.forEach((c, i) => {
    const y = T + 20 + 16 * i
    const op = c.faint === true ? ' stroke-opacity="0.3"' : ''
    out.push(
      `<line x1="${f(lx + 6)}" y1="${y}" x2="${f(lx + 26)}" y2="${y}" stroke="${c.color}" stroke-width="2"${op}/>`,
    )
    out.push(`<text x="${f(lx + 32)}" y="${y}" dominant-baseline="middle">${escapeXml(c.label)}</text>`)
  })
  out.push('</g>')
  out.push('</svg>')
  return out.join('\n') + '\n'
}

/** Escapes text for XML content and attribute values; characters XML 1.0 forbids become U+FFFD. */
function escapeXml(s: string): string {
  return s
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '\ufffd',
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** A coordinate rounded to 0.01, never "-0". */
const f = (x: number): string => {
  const r = Math.round(x * 100) / 100
  return String(r === 0 ? 0 : r)
}

/** [min, max] of a non-empty list (a loop: spreading a million points into Math.min overflows the stack). */
function extent(xs: readonly number[]): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const x of xs) {
    if (x < lo) lo = x
    if (x > hi) hi = x
  }
  return [lo, hi]
}
const widen = ([lo, hi]: [number, number], d: (lo: number) => number): [number, number] =>
  lo < hi ? [lo, hi] : [lo - d(lo), lo + d(lo)]
/** (x − lo)/(hi − lo), computed on halves when hi − lo overflows. */
const frac = (x: number, lo: number, hi: number): number =>
  Number.isFinite(hi - lo) ? (x - lo) / (hi - lo) : (x / 2 - lo / 2) / (hi / 2 - lo / 2)

/** The bias-corrected EMA of the finite values (non-finite ones keep their place and are skipped). */
function ema(points: readonly (readonly [number, number])[], beta: number): [number, number][] {
  let a = 0
  let n = 0
  return points.map(([x, v]) => {
    if (!Number.isFinite(v)) return [x, v]
    a = beta * a + (1 - beta) * v
    n++
    return [x, a / (1 - beta ** n)]
  })
}

/** Multiples of a 1-2-5 step in [lo, hi], about 5 of them (integers only for steps). */
function linearTicks(lo: number, hi: number, integer: boolean): number[] {
  const raw = (hi - lo) / 5
  if (!(raw > 0) || !Number.isFinite(raw)) return [lo]
  const p = 10 ** Math.floor(Math.log10(raw))
  let step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p
  if (integer) step = Math.max(1, Math.round(step))
  const out: number[] = []
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k * step)
  return out
}

/** Log-scale ticks (values, not logs) for log10 range [t0, t1]: powers of ten, or 1-2-5 multiples when too few. */
function logTicks(t0: number, t1: number): number[] {
  const k0 = Math.ceil(t0 - 1e-9)
  const k1 = Math.floor(t1 + 1e-9)
  const every = Math.max(1, Math.ceil((k1 - k0 + 1) / 8))
  const decades: number[] = []
  for (let k = k0; k <= k1; k += every) decades.push(10 ** k)
  if (decades.length >= 2) return decades
  const out: number[] = []
  for (let k = Math.floor(t0) - 1; k <= Math.ceil(t1); k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k
      const lv = Math.log10(v)
      if (lv >= t0 - 1e-9 && lv <= t1 + 1e-9) out.push(v)
    }
  }
  return out.length > 0 ? out : [10 ** t0]
}

/** A short tick label: up to 4 significant digits, exponent form outside [1e-3, 1e5). */
function formatTick(v: number): string {
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1e5 || a < 1e-3)
    return v
      .toExponential(2)
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e')
  return String(Number(v.toPrecision(4)))
}
