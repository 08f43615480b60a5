/**
 * A static file server for the built demo (node:http only), on 127.0.0.1. It sends the cross-origin isolation
 * headers (COOP/COEP) so the page may use SharedArrayBuffer, which descent's two-thread kernels and gpu.js's threaded
 * WebAssembly mode need; not for a URL with `?isolated=0` (the page then runs the one-thread fallback).
 *
 * `npm run demo:browser` builds the demo and serves it at http://127.0.0.1:8080/ (PORT overrides the port).
 */
import { readFile } from 'node:fs/promises'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_OUT_DIR, buildDemo } from './build'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.u8': 'application/octet-stream',
}

export interface DemoServer {
  readonly url: string
  readonly close: () => Promise<void>
}

/** Serves the files under `root` (GET and HEAD, nothing outside `root`); `port` 0 picks a free port. */
export function serveDemo(root: string, port = 0): Promise<DemoServer> {
  const base = resolve(root)
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = decodeURIComponent(url.pathname)
    const isolation =
      url.searchParams.get('isolated') === '0'
        ? {}
        : { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path))
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (!file.startsWith(base + sep)) {
      res.writeHead(403).end()
      return
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          ...isolation,
          'cache-control': 'no-store',
        })
        res.end(req.method === 'HEAD' ? undefined : body)
      },
      () => res.writeHead(404).end(),
    )
  })
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo
      done({
        url: `http://127.0.0.1:${actual}/`,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => closed())
            server.closeAllConnections()
          }),
      })
    })
  })
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildDemo(DEFAULT_OUT_DIR)
  const { url } = await serveDemo(DEFAULT_OUT_DIR, Number(process.env.PORT ?? 8080))
  console.log(`descent browser demo: ${url} (Ctrl-C stops)`)
}
