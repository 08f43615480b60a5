import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// The committed base64 module must be exactly what a fresh `asc` build of the AssemblyScript source gives,
// so the kernel source and the shipped binary can never drift apart.
describe('src/kernels/wasm/kernelsWasm.ts', () => {
  it('matches a fresh build of src/kernels/wasm/assembly/kernels.ts', async () => {
    // @ts-expect-error -- plain .mjs build script without type declarations
    const { buildModuleSource } = (await import('../../scripts/build-wasm.mjs')) as {
      buildModuleSource: () => Promise<string>
    }
    const fresh = await buildModuleSource()
    const committed = readFileSync(resolve(__dirname, '../../src/kernels/wasm/kernelsWasm.ts'), 'utf8')
    expect(committed).toBe(fresh)
  })
})
