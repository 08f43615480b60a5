import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/** glibc's version, or undefined elsewhere (musl, macOS, Windows): the prime only acts on glibc's heuristic. */
const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
  ?.glibcVersionRuntime

/**
 * Transparent huge pages on every anonymous mapping (of 2 MiB, or of any size from Linux 6.8's per-size settings):
 * faults then count larger pages, and the counts below mean nothing.
 */
const hugePagesAlways = (() => {
  const dir = '/sys/kernel/mm/transparent_hugepage'
  const always = (file: string): boolean => {
    try {
      return readFileSync(file, 'utf8').includes('[always]')
    } catch {
      return false
    }
  }
  let sizes: string[] = []
  try {
    sizes = readdirSync(dir).filter((d) => d.startsWith('hugepages-'))
  } catch {
    // no per-size settings
  }
  return always(`${dir}/enabled`) || sizes.some((d) => always(`${dir}/${d}/enabled`))
})()

function child(prime: '0' | '1') {
  const script = resolve(__dirname, 'fixtures/primeMallocChild.ts')
  // Without the settings that fix glibc's thresholds (which turn its dynamic threshold off either way) or replace
  // its allocator.
  const env = Object.fromEntries(
    Object.entries({ ...process.env, DESCENT_MALLOC_PRIME: prime }).filter(
      ([k]) => !k.startsWith('MALLOC_') && k !== 'GLIBC_TUNABLES' && k !== 'LD_PRELOAD',
    ),
  )
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8', env })
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as { faults: number; pages: number }
}

describe.runIf(process.platform === 'linux' && glibc !== undefined && !hugePagesAlways)(
  'primeMalloc (Node on glibc)',
  () => {
    it('an array freed and collected is reused for the next one that size; unprimed, the next one is fresh pages', () => {
      const off = child('0')
      const on = child('1')
      // Unprimed: the first 30 MiB was mmap'd and unmapped; the second comes from a heap grown by 7680 new pages.
      expect(off.faults).toBeGreaterThan(off.pages / 2)
      // Primed: the second is the first's memory, already written.
      expect(on.faults).toBeLessThan(on.pages / 20)
    })
  },
)
