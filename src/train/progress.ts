/**
 * Where {@link fit} is, for a progress display: sent after every step, and at the end of every epoch with `eval`.
 * @category train
 * @since 0.2.0
 */
export interface ProgressEvent {
  readonly epoch: number
  /** The number of epochs, when `fit` was given `epochs`. */
  readonly epochs?: number
  /** Steps taken so far (the state's step count). */
  readonly step: number
  /** The step budget, when `fit` was given `steps`. */
  readonly steps?: number
  readonly loss: number
  /** True at the end of an epoch. */
  readonly epochEnd: boolean
  readonly eval?: Readonly<Record<string, number>>
}

const fmt = (x: number): string => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toFixed(4) : x.toExponential(3))

/** @internal The one-line text of a progress event. */
export function progressLine(e: ProgressEvent): string {
  const epoch = `epoch ${e.epoch + 1}${e.epochs !== undefined ? `/${e.epochs}` : ''}`
  const step = `step ${e.step}${e.steps !== undefined ? `/${e.steps}` : ''}`
  const evals = Object.entries(e.eval ?? {}).map(([k, v]) => `eval ${k} ${fmt(v)}`)
  return [epoch, step, `loss ${fmt(e.loss)}`, ...evals].join(' · ')
}

interface Stream {
  readonly isTTY?: boolean
  write(text: string): unknown
}

/**
 * @internal `progress: true`: on a TTY (Node's stderr), one line rewritten in place at most every 100 ms and kept at
 * each epoch's end; elsewhere (a pipe, CI) one line per epoch; nothing where there is no `process` (browsers: pass a
 * callback instead).
 */
export function terminalProgress(now: () => number = Date.now): (e: ProgressEvent) => void {
  const stream = (globalThis as { process?: { stderr?: Stream } }).process?.stderr
  if (stream === undefined) return () => {}
  let last = -Infinity
  return (e) => {
    if (stream.isTTY === true) {
      const t = now()
      if (!e.epochEnd && t - last < 100) return
      last = t
      stream.write(`\r\x1b[2K${progressLine(e)}${e.epochEnd ? '\n' : ''}`)
    } else if (e.epochEnd) {
      stream.write(`${progressLine(e)}\n`)
    }
  }
}
