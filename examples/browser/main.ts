/**
 * The page script of the browser demo (bundled by build.ts): fetches the digits, trains the MLP while drawing the
 * loss curve with `lossCurveSvg`, then compares gpu.js with the CPU path.
 *
 * Query parameters: `?allowSoftware=1` lets the gpu.js comparison run on a software renderer (SwiftShader in
 * headless Chromium), which the library otherwise refuses; `?backend=js` (or `auto`, the default) sets descent's
 * backend for the training (`gpu` only where `useGpu()` found a hardware GPU). When training ends the page sets
 * `globalThis.descentDemo` (see {@link DemoReport}) and `data-state="done"` (or `"failed"`) on <body>: what
 * test/browser/demo.test.ts waits for.
 */
import { type BackendChoice, type History, getBackend, lossCurveSvg, setBackend } from '../../src/index'
import { useGpu } from '../../src/gpu/index'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { sharedKernels } from '../../src/kernels/wasm/shared'
import type { DemoMeta } from './build'
import { type GpuCheck, checkGpu } from './gpuCheck'
import { type DigitBytes, trainMnist } from './trainMnist'

// The root tsconfig type-checks this file with lib ES2022 and no DOM (the library itself must not depend on one),
// so the few page APIs used here are declared by hand.
interface PageElement {
  textContent: string | null
  innerHTML: string
  setAttribute(name: string, value: string): void
}
interface Canvas2d {
  createImageData(width: number, height: number): { readonly data: Uint8ClampedArray }
  putImageData(image: { readonly data: Uint8ClampedArray }, x: number, y: number): void
}
interface Canvas {
  getContext(kind: '2d'): Canvas2d | null
}
interface Page {
  readonly document: { getElementById(id: string): PageElement | null; readonly body: PageElement }
  readonly location: { readonly search: string }
  descentDemo?: DemoReport
}
const page = globalThis as unknown as Page

/** What the page reports when it is done, on `globalThis.descentDemo`. */
export interface DemoReport {
  readonly accuracy: number
  readonly seconds: number
  readonly steps: number
  readonly epochs: number
  readonly train: number
  readonly test: number
  readonly wasmSimd: boolean
  /**
   * The matmul threads: whether the page is cross-origin isolated (SharedArrayBuffer), the worker's state ('up':
   * two threads; 'none': no shared memory, the one-thread fallback) and how many kernel calls it ran.
   */
  readonly threads: { readonly isolated: boolean; readonly state: string; readonly splits: number }
  /** Whether `useGpu()` (hardware GPUs only) installed gpu.js for the training's large matmuls, and on what or why not. */
  readonly gpu: { readonly used: boolean; readonly detail: string }
  readonly curveUpdates: number
  /** The held-out digits drawn with their predictions, and how many of those predictions are right. */
  readonly digits: { readonly shown: number; readonly correct: number }
  readonly gpuCheck: GpuCheck
}

const element = (id: string): PageElement => {
  const e = page.document.getElementById(id)
  if (e === null) throw new Error(`index.html has no #${id}`)
  return e
}
const pct = (a: number) => `${(100 * a).toFixed(1)} %`
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(path)
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`)
  return new Uint8Array(await response.arrayBuffer())
}

async function fetchDigits(name: 'train' | 'test', count: number, imageSize: number): Promise<DigitBytes> {
  const [images, labels] = await Promise.all([
    fetchBytes(`data/${name}-images.u8`),
    fetchBytes(`data/${name}-labels.u8`),
  ])
  if (images.length !== count * imageSize || labels.length !== count) {
    throw new Error(`data/${name}: expected ${count} digits, got ${labels.length}`)
  }
  return { images, labels, count }
}

/**
 * Opts in to gpu.js for training: `useGpu()` installs its kernels where the browser has a hardware GPU, and the
 * default backend ('auto') then sends the matmuls of at least 256³ multiply-adds there (here the evaluation on the
 * held-out digits; a training batch's matmuls stay on the SIMD kernel). A software renderer is refused: the CPU path.
 */
function gpuForTraining(): { used: boolean; detail: string } {
  const gpu = useGpu()
  if (gpu._tag === 'Left') return { used: false, detail: gpu.left.reason }
  return { used: true, detail: `gpu.js ${gpu.right.backend} on ${gpu.right.renderer || 'an unnamed renderer'}` }
}

const SIDE = 28

/** Draws the first `count` held-out digits (dark ink on white) with the digit the trained MLP predicts for each. */
function showDigits(test: DigitBytes, predicted: Int32Array, count: number): { shown: number; correct: number } {
  let correct = 0
  element('digits').innerHTML = Array.from({ length: count }, (_, i) => {
    const right = predicted[i] === test.labels[i]
    if (right) correct++
    return (
      `<figure><canvas id="digit-${i}" width="${SIDE}" height="${SIDE}"></canvas>` +
      `<figcaption class="${right ? 'ok' : 'bad'}">${predicted[i]}</figcaption></figure>`
    )
  }).join('')
  for (let i = 0; i < count; i++) {
    const context = (page.document.getElementById(`digit-${i}`) as unknown as Canvas).getContext('2d')
    if (context === null) continue
    const image = context.createImageData(SIDE, SIDE)
    for (let p = 0; p < SIDE * SIDE; p++) {
      const v = 255 - test.images[i * SIDE * SIDE + p]!
      image.data.set([v, v, v, 255], 4 * p)
    }
    context.putImageData(image, 0, 0)
  }
  return { shown: count, correct }
}

function renderGpuCheck(check: GpuCheck): string {
  if (check.backend === '') return `gpu.js unavailable: ${check.reason}`
  const rows = check.ops
    .map(
      (o) =>
        `<tr><td style="text-align:left">${o.op}</td><td>${o.shape}</td><td>${o.maxAbsDiff.toExponential(2)}</td>` +
        `<td>${o.worstRatio.toFixed(3)}</td><td class="${o.ok ? 'ok' : 'bad'}">${o.ok ? 'match' : 'MISMATCH'}</td></tr>`,
    )
    .join('')
  return (
    `gpu.js <code>${check.backend}</code> on ${check.renderer || 'an unnamed renderer'}` +
    `${check.software ? ' (a software renderer, accepted by <code>?allowSoftware=1</code>)' : ''}:` +
    '<table><tr><th>op</th><th>shape</th><th>max |gpu − cpu|</th><th>worst diff / bound</th><th></th></tr>' +
    `${rows}</table>`
  )
}

async function main(): Promise<void> {
  const params = new URLSearchParams(page.location.search)
  const backend = params.get('backend')
  if (backend !== null) setBackend(backend as BackendChoice)
  const wasmSimd = wasmAvailable()
  const gpu = gpuForTraining()
  element('backend').textContent =
    `kernels: matmul on ${wasmSimd ? 'WebAssembly SIMD' : 'plain JS'}; gpu.js for large matmuls ` +
    `(backend '${getBackend()}'): ${gpu.used ? gpu.detail : `not used, ${gpu.detail}`}`

  const meta = (await (await fetch('data/meta.json')).json()) as DemoMeta
  const [train, test] = await Promise.all([
    fetchDigits('train', meta.train, meta.imageSize),
    fetchDigits('test', meta.test, meta.imageSize),
  ])
  const status = element('status')
  const curve = element('curve')
  let curveUpdates = 0
  const draw = async (history: History) => {
    // lossCurveSvg returns a standalone document; inline SVG needs only the <svg> element.
    const svg = lossCurveSvg(history, { title: 'MNIST MLP in the browser', smoothing: 0.6 })
    curve.innerHTML = svg.slice(svg.indexOf('<svg'))
    curveUpdates++
    const last = history.steps.at(-1)
    const evalAcc = history.epochs.at(-1)?.eval?.['test accuracy']
    status.textContent =
      `training on ${meta.train} digits: step ${history.steps.length}, loss ${last?.loss.toFixed(4) ?? '…'}` +
      (evalAcc === undefined ? '' : `, test accuracy ${pct(evalAcc)} after epoch ${history.epochs.length}`)
    await nextTask()
  }
  status.textContent = `training on ${meta.train} digits…`
  await nextTask()
  const result = await trainMnist(train, test, { onProgress: draw })
  status.textContent =
    `done: test accuracy ${pct(result.accuracy)} on ${meta.test} held-out digits after ` +
    `${result.history.steps.length} steps (${result.history.epochs.length} epochs) in ${result.seconds.toFixed(1)} s`
  const digits = showDigits(test, result.predicted, 15)

  const gpuEl = element('gpu')
  gpuEl.textContent = 'comparing…'
  await nextTask()
  const gpuCheck = checkGpu(params.get('allowSoftware') === '1')
  gpuEl.innerHTML = renderGpuCheck(gpuCheck)

  page.descentDemo = {
    accuracy: result.accuracy,
    seconds: result.seconds,
    steps: result.history.steps.length,
    epochs: result.history.epochs.length,
    train: meta.train,
    test: meta.test,
    wasmSimd,
    threads: {
      isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      state: sharedKernels()?.workerState() ?? 'none',
      splits: sharedKernels()?.splits() ?? 0,
    },
    gpu,
    curveUpdates,
    digits,
    gpuCheck,
  }
  page.document.body.setAttribute('data-state', 'done')
}

main().catch((e: unknown) => {
  element('status').textContent = `failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`
  page.document.body.setAttribute('data-state', 'failed')
})
