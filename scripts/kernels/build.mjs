// Compiles src/engine/kernels/kernels.c to src/engine/kernels/kernels.wasm with Debian's clang
// and lld (`apt-get install clang lld`). The binary is checked in, so neither an install nor the
// extension needs a compiler; `npm run build:kernels -- --check` rebuilds it into a temporary
// file and fails when it differs from the checked-in one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Relative to the root, so that no path of this checkout can end up in the binary.
const source = join('src', 'engine', 'kernels', 'kernels.c');
const binary = join(root, 'src', 'engine', 'kernels', 'kernels.wasm');

const CLANG_FLAGS = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-ffreestanding',
  '-nostdlib',
  '-fno-builtin',
  '-Wall',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--export=__heap_base',
  // The memory comes from the TypeScript side, which gives it the run's memory limit as its maximum.
  '-Wl,--import-memory',
  '-Wl,--initial-memory=1048576',
  '-Wl,-z,stack-size=65536',
  '-Wl,--strip-all',
];

function compile(output) {
  execFileSync('clang', [...CLANG_FLAGS, '-o', output, source], { cwd: root, stdio: 'inherit' });
}

if (process.argv.includes('--check')) {
  const temp = mkdtempSync(join(tmpdir(), 'rnn-kernels-'));
  try {
    const rebuilt = join(temp, 'kernels.wasm');
    compile(rebuilt);
    if (!readFileSync(rebuilt).equals(readFileSync(binary))) {
      console.error('src/engine/kernels/kernels.wasm is not the build of kernels.c: run npm run build:kernels and commit it.');
      process.exitCode = 1;
    } else {
      console.log('kernels.wasm matches kernels.c');
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
} else {
  compile(binary);
  console.log(`Wrote ${binary} (${readFileSync(binary).length} bytes)`);
}
