import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * A TypeScript code block of a markdown page. Blocks fenced ```` ```ts ```` are type-checked and run; blocks fenced
 * ```` ```ts no-run ```` (code that needs a browser, a GPU or a network) are type-checked only.
 */
export interface MarkdownBlock {
  /** `docs/page.md:line` of the opening fence. */
  readonly name: string
  readonly file: string
  readonly code: string
  readonly run: boolean
}

/** The opt-out marker: the fence's info string after the language. */
export const NO_RUN = 'no-run'

/** The pages whose code blocks are checked: README.md and every docs/*.md. */
export const markdownPages = (root: string): string[] => [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(root, 'docs', f)),
]

/** Every fenced block of a page whose info string names TypeScript (`ts`, `typescript`, `tsx`), in page order. */
export function markdownBlocks(file: string, root: string): MarkdownBlock[] {
  const text = readFileSync(file, 'utf8')
  const page = relative(root, file)
  return [...text.matchAll(/^```[ \t]*(ts|typescript|tsx)\b([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => {
    const info = `${m[1]}${m[2]}`.trim()
    if (info !== 'ts' && info !== `ts ${NO_RUN}`)
      throw new Error(`${page}: fence \`\`\`${info}: write \`\`\`ts (checked and run) or \`\`\`ts ${NO_RUN}`)
    return {
      name: `${page}:${text.slice(0, m.index).split('\n').length}`,
      file: page,
      code: m[3]!,
      run: info === 'ts',
    }
  })
}
