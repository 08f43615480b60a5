// Another checkout of the library, loaded beside this tree's for the in-process A/B scripts (bench/ab-tree-*.ts):
//   git archive <rev> src package.json | (mkdir -p /tmp/old && tar -x -C /tmp/old)
//   ln -sfn "$PWD/node_modules" /tmp/old/
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { whenThreadsReady } from '../src/kernels/wasm/shared'

/**
 * Checks that `dir` holds a checkout that loads as ES modules, waits until both trees' workers are up (each tree has
 * its own), and returns an importer of the checkout's modules by path relative to it (`src/index.ts`).
 */
export async function otherCheckout(dir: string): Promise<<T>(path: string) => Promise<T>> {
  // Without the package.json ("type": "module") beside its src/, tsx compiles the other tree as CommonJS, which ran
  // ~5 % slower here: an A/B against such an archive measures the module format, not the change.
  const packageType = (() => {
    try {
      return (JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as { type?: string }).type
    } catch {
      return undefined
    }
  })()
  if (packageType !== 'module') {
    throw new Error(
      `${dir}/package.json with "type": "module" is missing: archive it with src (git archive <rev> src package.json)`,
    )
  }
  const load = async <T>(path: string): Promise<T> => (await import(resolve(dir, path))) as T
  const otherShared = await load<{ whenThreadsReady?: () => Promise<unknown> }>('src/kernels/wasm/shared.ts')
  await whenThreadsReady()
  await otherShared.whenThreadsReady?.()
  return load
}
