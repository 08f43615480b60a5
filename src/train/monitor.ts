import type { Diagnosis } from './diagnosis'

/**
 * Thresholds of the checks that need a run's history (see `monitorStep`). The defaults are chosen to stay silent
 * on healthy runs (descent's convergence protocols, the GD theorems' problems, the MNIST demo are tested for it).
 * @category train
 * @since 0.2.0
 */
export interface MonitorOptions {
  /**
   * `lossDiverging` when the smoothed loss exceeds this multiple of its best (Lightning's lr-finder rule) and of where
   * the run started, while the loss rose in ≥ 8 of the last 10 steps without its growth fading (heavy ball's transient
   * peak is not a divergence), or once it is 1000× where it started. @defaultValue 4
   */
  readonly divergenceFactor?: number
  /** `noProgress` when, after this many steps, the best smoothed loss is not below (1 − 1e-3)·the first. @defaultValue 200 */
  readonly noProgressSteps?: number
  /** Window of `oscillation`: steps whose loss differences alternate in sign. @defaultValue 20 */
  readonly oscillationWindow?: number
  /** Steps running that the `divergenceFactor` rule (with the loss rising) must hold for `lossDiverging`. @defaultValue 1 */
  readonly divergenceSteps?: number
  /**
   * The window of the gradient-scale checks: `vanishingGradient` when in ≥ 80 % of the first `gradientSteps` steps the
   * first weight layer's gradient RMS is < 1e-3 × the largest layer's and < 1e-4; `explodingGradient` when in
   * ≥ 0.8·`gradientSteps` steps (and half of all) it is > 70 × the last layer's. AUTOTRAINER's thresholds (Zhang et
   * al., ICSE 2021), on per-element RMS so that layer sizes do not matter. @defaultValue 10
   */
  readonly gradientSteps?: number
  /**
   * `deadUnits` when, for `deadUnitSteps` steps running, at least this fraction of a weight leaf's units (columns) got
   * an exactly zero gradient from every example of the batch while the gradient as a whole was not 0 (AUTOTRAINER's
   * dying-ReLU rule: ≥ 70 % zero gradients). @defaultValue 0.7
   */
  readonly deadUnitFraction?: number
  /** Steps running that the `deadUnitFraction` rule must hold for `deadUnits`. @defaultValue 10 */
  readonly deadUnitSteps?: number
}

/** @internal The monitor's state: plain numbers, carried by fit or by healthCheck's state. */
export interface MonitorState {
  readonly count: number
  /** Bias-corrected EMA (β = 0.9) of the loss: its raw sum and the first and best corrected values. */
  readonly ema: number
  readonly first: number
  readonly best: number
  /** Steps since the smoothed loss last improved on its best. */
  readonly sinceBest: number
  /** Consecutive steps at which the smoothed loss was above the divergence threshold. */
  readonly diverging: number
  /** Consecutive steps at which the loss difference changed sign. */
  readonly alternating: number
  /** The last loss, and the last `oscillationWindow` differences of the loss, newest last (NaN before there are any). */
  readonly last: number
  readonly diffs: readonly number[]
  /** Steps so far at which the first/last layer gradient ratio looked vanishing / exploding. */
  readonly vanishing: number
  readonly exploding: number
  /** Consecutive steps at which some weight leaf had at least `deadUnitFraction` of its units dead. */
  readonly dead: number
  /** Codes already reported (each is reported once per run). */
  readonly reported: readonly string[]
}

/** @internal A monitor before the first step. */
export const initMonitor = (o: MonitorOptions = {}): MonitorState => ({
  count: 0,
  ema: 0,
  first: NaN,
  best: Infinity,
  last: NaN,
  sinceBest: 0,
  diverging: 0,
  alternating: 0,
  // A fixed length, so that a state holding the monitor keeps its structure from step to step.
  diffs: new Array<number>(o.oscillationWindow ?? 20).fill(NaN),
  vanishing: 0,
  exploding: 0,
  dead: 0,
  reported: [],
})

const BETA = 0.9

/**
 * @internal Feeds one finite step loss to the monitor; returns the next state and what it found (each code once):
 * - `lossDiverging` (error): the smoothed loss rose above `divergenceFactor` × its best — the learning rate is too
 *   high for this problem (GD on an L-smooth function is stable only for η < 2/L);
 * - `oscillation` (warning): the loss went up and down at every step for two `oscillationWindow`s, by over 20 % of
 *   its size, with no new best for a window — the steps overshoot the valley;
 * - `noProgress` (warning): after `noProgressSteps` the smoothed loss is not 0.1 % below where it started;
 * - `vanishingGradient` / `explodingGradient` (warnings): the first and last weight layers' gradient scales (from
 *   {@link StepInfo.layerGradRms}) stay far apart (see {@link MonitorOptions.gradientSteps});
 * - `deadUnits` (warning): most units of a weight leaf got an exactly zero gradient for many steps running (from
 *   {@link StepInfo.deadUnits}; see {@link MonitorOptions.deadUnitFraction}).
 */
export function monitorStep(
  s: MonitorState,
  loss: number,
  step: number,
  layerGradRms: Readonly<Record<string, number>> = {},
  o: MonitorOptions = {},
  deadUnits: Readonly<Record<string, number>> = {},
): readonly [MonitorState, Diagnosis[]] {
  const factor = o.divergenceFactor ?? 4
  const noProgressSteps = o.noProgressSteps ?? 200
  const window = o.oscillationWindow ?? 20
  const count = s.count + 1
  const ema = BETA * s.ema + (1 - BETA) * loss
  const smooth = ema / (1 - BETA ** count)
  const first = count === 1 ? smooth : s.first
  const improved = smooth < s.best
  const best = Math.min(s.best, smooth)
  const sinceBest = improved ? 0 : s.sinceBest + 1
  const diffs = count === 1 ? s.diffs : [...s.diffs.slice(1), loss - s.last]
  const found: Diagnosis[] = []
  const reported = new Set(s.reported)
  const report = (d: Diagnosis) => {
    if (reported.has(d.code)) return
    reported.add(d.code)
    found.push(d)
  }
  // Relative to |best| so that negative losses (log-likelihoods) work; a best of 0 never diverges by ratio.
  // Also `factor` × worse than where the run started (a loss rising from 1e-8 to 1e-6 near a minimum is float32 noise
  // or an adaptive optimizer bouncing in a valley; adagrad(1) wanders up to 2× Rosenbrock's start in its valley and
  // still converges), and still rising in ≥ 8 of the last 10 steps (its first step jumps from 1 to 100, then falls).
  const above =
    count > 1 &&
    Number.isFinite(best) &&
    best !== 0 &&
    smooth - best > (factor - 1) * Math.abs(best) &&
    smooth - first > (factor - 1) * Math.abs(first)
  const rising = count > 10 && diffs.slice(-10).filter((x) => x > 0).length >= 8
  // A loss that has grown a thousandfold past its start diverges however it gets there (alternating on a valley's
  // walls, sgd above 2/λ on the steep axis, climbs in a zigzag that the rising rule does not see).
  const exploded = count > 1 && first !== 0 && smooth - first > 1e3 * Math.abs(first)
  const diverging = (above && rising && !decelerating(loss, diffs)) || exploded ? s.diverging + 1 : 0
  if (diverging >= (o.divergenceSteps ?? 1)) {
    report({
      code: 'lossDiverging',
      severity: 'error',
      step,
      message: `the loss is diverging: its smoothed value ${fmt(smooth)} at step ${step} is over ${factor}× its best ${fmt(best)}`,
      fix: 'lower the learning rate (lrFind suggests one), add clipByGlobalNorm, or use a warmup schedule',
    })
  }
  // Up and down at every step for two windows running (minibatch noise alternates like that with probability 2⁻⁴⁰:
  // a ≥ 90 % rule over one window fired on the MNIST demo's plateau), with swings over 20 % of the loss, and no new
  // smoothed best for a whole window.
  const d = loss - s.last
  const alternating = count > 2 && d * s.diffs[s.diffs.length - 1]! < 0 ? s.alternating + 1 : 0
  if (alternating >= 2 * window && sinceBest >= window) {
    let swing = 0
    for (const x of diffs) swing += Math.abs(x) / window
    // Swings that matter at the run's scale: over 1 % of the starting loss (sign descent and lion bouncing by ±lr
    // around the optimum, as they do at a constant learning rate, move it far less).
    if (swing > 0.2 * Math.abs(smooth) && swing > 0.1 * Math.abs(first)) {
      report({
        code: 'oscillation',
        severity: 'warning',
        step,
        message: `the loss has gone up and down alternately for ${alternating} steps without improving`,
        fix: 'the steps overshoot: lower the learning rate, or add momentum damping (a smaller b1/momentum)',
      })
    }
  }
  if (count === noProgressSteps && !(best < first - 1e-3 * Math.abs(first))) {
    report({
      code: 'noProgress',
      severity: 'warning',
      step,
      message: `the loss has not decreased in ${count} steps (smoothed ${fmt(first)} → best ${fmt(best)})`,
      fix: 'check that the loss depends on the params and that updates are applied; try a larger learning rate (lrFind), standardised inputs, or another initialisation',
    })
  }
  const layers = Object.entries(layerGradRms)
  let { vanishing, exploding } = s
  if (layers.length >= 2) {
    // The first layer against the layer with the largest gradient (AUTOTRAINER compares with the last layer, whose
    // gradient collapses as soon as the output fits the targets' mean; the largest does not).
    const [firstPath, a] = layers[0]!
    const [lastPath, b] = layers.reduce((m, e) => (e[1] > m[1] ? e : m))
    const gradientSteps = o.gradientSteps ?? 10
    // Vanishing is a property of the architecture and initialisation, seen in the first steps (once the output layer
    // has fitted the targets' mean, every gradient is small); exploding can start at any time.
    if (count <= gradientSteps && a < 1e-3 * b && a < 1e-4) vanishing++
    const [lastLayer, lastRms] = layers[layers.length - 1]!
    if (lastRms > 0 && a > 70 * lastRms) exploding++
    const persistent = (n: number) => n >= 0.8 * gradientSteps && n >= count / 2
    if (count === gradientSteps && persistent(vanishing)) {
      report({
        code: 'vanishingGradient',
        severity: 'warning',
        step,
        path: firstPath,
        message: `the gradient vanishes towards the input: RMS ${fmt(a)} at ${firstPath} vs ${fmt(b)} at ${lastPath}, in ${vanishing} of ${count} steps`,
        fix: 'use relu/gelu instead of sigmoid/tanh in hidden layers, He/Glorot initialisation (heNormal, glorotUniform), residual connections or normalisation',
      })
    }
    if (persistent(exploding)) {
      report({
        code: 'explodingGradient',
        severity: 'warning',
        step,
        path: firstPath,
        message: `the gradient explodes towards the input: RMS ${fmt(a)} at ${firstPath} vs ${fmt(lastRms)} at ${lastLayer}, in ${exploding} of ${count} steps`,
        fix: 'add clipByGlobalNorm, lower the learning rate, or use a smaller initialisation scale (glorotUniform / lecunNormal)',
      })
    }
  }
  const [dead, deadFound] = deadUnitsStep(s.dead, deadUnits, step, o)
  if (deadFound !== undefined) report(deadFound)
  return [
    {
      count,
      ema,
      first,
      best,
      sinceBest,
      diverging,
      alternating,
      last: loss,
      diffs,
      vanishing,
      exploding,
      dead,
      reported: [...reported],
    },
    found,
  ]
}

/**
 * @internal The dead-unit rule alone (healthCheck runs it without a loss): `dead` counts the steps running at which some
 * weight leaf had at least `deadUnitFraction` of its units dead; at `deadUnitSteps` it reports the worst leaf.
 */
export function deadUnitsStep(
  dead: number,
  deadUnits: Readonly<Record<string, number>>,
  step: number,
  o: MonitorOptions = {},
): readonly [number, Diagnosis | undefined] {
  let worst: [string, number] | undefined
  for (const e of Object.entries(deadUnits)) if (worst === undefined || e[1] > worst[1]) worst = e
  const next = worst !== undefined && worst[1] >= (o.deadUnitFraction ?? 0.7) ? dead + 1 : 0
  if (worst === undefined || next < (o.deadUnitSteps ?? 10)) return [next, undefined]
  return [next, deadUnitsDiagnosis(worst[0], worst[1], next, step)]
}

/** @internal The `deadUnits` warning: `fraction` of the units of `path` had a zero gradient for `steps` steps running. */
export function deadUnitsDiagnosis(path: string, fraction: number, steps: number | undefined, step: number): Diagnosis {
  const running = steps === undefined ? 'for deadUnitSteps (10 by default) steps running' : `for ${steps} steps running`
  return {
    code: 'deadUnits',
    severity: 'warning',
    step,
    path,
    message:
      `${(100 * fraction).toFixed(0)} % of the units of ${path} (its columns) have had an exactly zero gradient on ` +
      `every example of the batch ${running}, while the rest of the model still learns: dead ` +
      'ReLUs (inactive on every input) never recover, since no gradient reaches them',
    fix:
      'lower the learning rate (a too-large step pushes pre-activations below 0 for good), use He initialisation ' +
      '(heNormal) and biases initialised at 0 or a small positive value, or leakyRelu / gelu instead of relu',
  }
}

/**
 * Whether the last 10 steps' growth is fading: the loss grew over the last 10 steps, but by less than half as much
 * (in log) over the last 5 as over the 5 before. An unstable learning rate grows the loss geometrically (GD above 2/λ
 * multiplies it by (1 − ηλ)² every step); heavy ball tuned for κ = L/μ rises like (n + 1)²·q²ⁿ before it converges
 * (the peak effect: 60–140× at κ = 400–1000 in descent-ts/testing's heavyBallQuadratic), and its growth fades every step.
 * Losses ≤ 0, or fewer than 10 differences, cannot say (false).
 */
function decelerating(loss: number, diffs: readonly number[]): boolean {
  const ls = [loss]
  for (let i = diffs.length - 1; ls.length < 11; i--) {
    const d = diffs[i]
    if (d === undefined || Number.isNaN(d)) return false
    ls.unshift(ls[0]! - d)
  }
  if (ls.some((x) => !(x > 0))) return false
  const early = Math.log(ls[5]! / ls[0]!)
  const late = Math.log(ls[10]! / ls[5]!)
  return early > 0 && late < 0.5 * early
}

const fmt = (x: number): string => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(3))

/**
 * @internal At the end of a run: `noProgress` when the run ended worse than it started (its last smoothed loss above its
 * first), e.g. Adam with a learning rate of 10 on a problem it bounces around in.
 */
export function finishMonitor(s: MonitorState, step: number): Diagnosis[] {
  if (s.count < 20 || s.reported.includes('noProgress') || s.reported.includes('lossDiverging')) return []
  const last = s.ema / (1 - BETA ** s.count)
  if (!(last > s.first)) return []
  return [
    {
      code: 'noProgress',
      severity: 'warning',
      step,
      message: `the run ended worse than it started: smoothed loss ${fmt(s.first)} at the start, ${fmt(last)} at the end (best ${fmt(s.best)})`,
      fix: 'the learning rate is probably too high (try lrFind), or the schedule ends too late/early; keep the best params with earlyStopping',
    },
  ]
}
