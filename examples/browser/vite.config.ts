import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/** A file inside one of @gft/arena's dependencies (they are not this page's own). */
function arenaDependency(name: string, file: string): string {
  return join(realpathSync(join(here, '../../packages/arena/node_modules', name)), file);
}

// @gft/arena's file readers pull in two packages that need steering for the browser (the
// page never reads files, but the readers are in the same entry point):
// - hyparquet: arena imports the Node-only `asyncBufferFromFile`, which hyparquet's browser
//   build does not export, so the page gets hyparquet's Node entry (Vite stubs its `fs`);
// - csv-parse: its default ESM entry touches Node's global `Buffer` at load; its dist/esm
//   build carries its own Buffer polyfill.
const alias = [
  { find: /^hyparquet$/, replacement: arenaDependency('hyparquet', 'src/node.js') },
  { find: /^csv-parse$/, replacement: arenaDependency('csv-parse', 'dist/esm/index.js') },
];

// A static page; `vite build` writes dist/ for `vite preview` or any static server.
export default defineConfig({
  resolve: { alias },
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 8000 },
});
