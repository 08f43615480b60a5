// The browser demo (examples/browser/) in headless Chromium: Debian's /usr/bin/chromium driven by playwright-core,
// never a browser Playwright downloads (this machine reaches no download host). The page must load, train the MLP to
// the target accuracy, draw the loss curve (checked in a screenshot, saved under test-output/browser/), and gpu.js
// (WebGL2 on SwiftShader here, accepted with ?allowSoftware=1) must match the CPU path.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type BrowserContext, type Page, chromium } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { buildDemo } from '../../examples/browser/build'
import type { DemoReport } from '../../examples/browser/main'
import { type DemoServer, serveDemo } from '../../examples/browser/serve'
import { countColor, decodePng } from './png'

const CHROMIUM = '/usr/bin/chromium'
const OUT = resolve(__dirname, '../../test-output/browser')
const TARGET_ACCURACY = 0.9
// The flags that keep Chromium from reaching for the network (which is closed here, and it would hang on it).
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL on SwiftShader for the gpu.js comparison: Chrome is retiring the automatic software fallback without it
  // (Playwright passes it by default too).
  '--enable-unsafe-swiftshader',
]

interface Run {
  readonly page: Page
  readonly report: DemoReport
  readonly pageErrors: readonly string[]
}

let server: DemoServer | undefined
let context: BrowserContext | undefined
let profile: string | undefined
let started: Promise<Run> | undefined

/**
 * Builds and serves the demo, opens it in Chromium and waits for the training to finish; once, shared by the tests.
 * Each test awaits it, so a missing browser fails every test with the same message (never a skip).
 */
function run(): Promise<Run> {
  started ??= (async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: the browser test needs Debian's chromium package. ` +
          'Install it with `bash scripts/install-browser.sh` (as root; .ci/run does this).',
      )
    }
    mkdirSync(OUT, { recursive: true })
    server = await serveDemo(await buildDemo(join(OUT, 'site')))
    profile = mkdtempSync(join(tmpdir(), 'descent-chromium-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      timeout: 60_000,
      viewport: { width: 800, height: 900 },
    })
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text())
    })
    await page.goto(`${server.url}?allowSoftware=1`)
    await page.waitForSelector('body[data-state]', { timeout: 60_000 })
    const state = await page.getAttribute('body', 'data-state')
    if (state !== 'done') throw new Error(`the page failed: ${await page.textContent('#status')}`)
    const report = (await page.evaluate('globalThis.descentDemo')) as DemoReport
    writeFileSync(join(OUT, 'report.json'), JSON.stringify(report, null, 2))
    return { page, report, pageErrors }
  })()
  return started
}

afterAll(async () => {
  await context?.close()
  await server?.close()
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true })
})

describe('browser demo (examples/browser) in headless Chromium', () => {
  it('loads and trains the MLP to the target test accuracy with no page error', async () => {
    const { report, pageErrors } = await run()
    expect(pageErrors).toEqual([])
    expect(report.train).toBe(6000)
    expect(report.test).toBe(1000)
    expect(report.steps).toBe(2 * 60) // 2 epochs of 6000 digits in batches of 100
    expect(report.accuracy).toBeGreaterThanOrEqual(TARGET_ACCURACY)
    expect(report.wasmSimd).toBe(true)
  }, 120_000)

  it('runs the large matmuls on two threads: a Web Worker over SharedArrayBuffer (the page is isolated)', async () => {
    const { threads } = (await run()).report
    expect(threads.isolated).toBe(true)
    expect(threads.state).toBe(availableParallelism() >= 2 ? 'up' : 'one')
    // At least one split (a loaded machine backs off to one thread for a while after a late worker, so not every step).
    if (threads.state === 'up') expect(threads.splits).toBeGreaterThan(0)
  }, 120_000)

  it('without cross-origin isolation: the one-thread fallback trains to the same accuracy, bit for bit', async () => {
    const { report } = await run()
    const page = await context!.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(`${server!.url}?allowSoftware=1&isolated=0`)
    await page.waitForSelector('body[data-state]', { timeout: 60_000 })
    expect(await page.getAttribute('body', 'data-state')).toBe('done')
    const fallback = (await page.evaluate('globalThis.descentDemo')) as DemoReport
    await page.close()
    expect(pageErrors).toEqual([])
    expect(fallback.threads).toEqual({ isolated: false, state: 'none', splits: 0 })
    // Same seed, same batches: one thread in the module's own memory computes what two threads did.
    expect(fallback.accuracy).toBe(report.accuracy)
    expect(fallback.steps).toBe(report.steps)
    writeFileSync(
      join(OUT, 'threads.json'),
      JSON.stringify({ twoThreadsSeconds: report.seconds, oneThreadSeconds: fallback.seconds }, null, 2),
    )
  }, 180_000)

  it('draws the loss curve while training and shows it when done (screenshot)', async () => {
    const { page, report } = await run()
    // One redraw every 5 steps and one per epoch: the curve grew during the run, not only at its end.
    expect(report.curveUpdates).toBe(120 / 5 + 2)
    const shot = await page.locator('#curve').screenshot()
    writeFileSync(join(OUT, 'loss-curve.png'), shot)
    await page.screenshot({ path: join(OUT, 'page.png'), fullPage: true })
    const image = decodePng(shot)
    expect(image.width).toBeGreaterThan(600)
    // lossCurveSvg draws the smoothed training loss in #1f77b4 across the 576 px wide plot box, and the two eval
    // metrics in #d62728 (test loss) and #2ca02c (test accuracy): a marker per epoch, joined by a line across the
    // second half. Measured here: 898, 318 and 313 pixels; each legend entry alone has about 40.
    expect(countColor(image, '#1f77b4', 40)).toBeGreaterThan(500)
    expect(countColor(image, '#d62728', 40)).toBeGreaterThan(150)
    expect(countColor(image, '#2ca02c', 40)).toBeGreaterThan(150)
  }, 120_000)

  it('shows held-out digits with the predictions of the trained MLP (screenshot)', async () => {
    const { page, report } = await run()
    expect(report.digits.shown).toBe(15)
    const shot = await page.locator('#digits').screenshot()
    writeFileSync(join(OUT, 'digits.png'), shot)
    // Each digit is drawn dark on white at 1.5× scale: an MNIST digit has about 150 of its 784 pixels inked, so about
    // 250–340 dark screen pixels a digit (measured: 4069 for 16 digits); an empty canvas has none.
    expect(countColor(decodePng(shot), '#000000', 100)).toBeGreaterThan(15 * 100)
  }, 120_000)

  it('refuses the software renderer for training: useGpu() without allowSoftware leaves the CPU path', async () => {
    const { gpu } = (await run()).report
    expect(gpu.used).toBe(false)
    expect(gpu.detail).toMatch(/only a software renderer is available \(.*SwiftShader/)
  }, 120_000)

  it('gpu.js (WebGL2 on SwiftShader, allowSoftware) matches the CPU path: matmul, grad, element-wise', async () => {
    const check = (await run()).report.gpuCheck
    expect(check.reason).toBe('')
    expect(check).toMatchObject({ backend: 'webgl2', software: true })
    expect(check.renderer).toMatch(/SwiftShader/)
    expect(check.ops.map((o) => `${o.op} ${o.shape}`)).toEqual([
      'matmul 1×300 · 300×40',
      'matmul 33×70 · 70×45',
      'matmul 64×128 · 128×96',
      'grad (Xᵀ·C) 50×40 · 40×30',
      'add 10000',
      'mul 10000',
      'div 10000',
      'max 10000',
    ])
    for (const op of check.ops) expect(op, `${op.op} ${op.shape}`).toMatchObject({ ok: true })
  }, 120_000)
})
