// Compiles src/engine/kernels/kernels.c to WebAssembly with Debian's clang 16 and lld 16
// (`apt-get install clang-16 lld-16`), in two builds:
// - kernels.wasm, deterministic: 128-bit SIMD with separately rounded multiplies and adds, the
//   same result on every machine; the reference checks use it;
// - kernels-relaxed.wasm: the same with relaxed SIMD's multiply-add (fused where the processor
//   has FMA), picked at load where the engine supports it.
// Both share their memory between threads (atomics). The binaries are checked in, so neither an
// install nor the extension needs a compiler; `npm run build:kernels -- --check` rebuilds them
// into a temporary folder and fails when either differs from the checked-in one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Relative to the root, so that no path of this checkout can end up in the binary.
const source = join('src', 'engine', 'kernels', 'kernels.c');
const kernelsDir = join(root, 'src', 'engine', 'kernels');
const CLANG = 'clang-16';

const CLANG_FLAGS = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-matomics',
  '-mbulk-memory',
  '-ffreestanding',
  '-nostdlib',
  '-fno-builtin',
  '-Wall',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--export=__heap_base',
  // Each helper thread's instance gets its own stack, set from the TypeScript side.
  '-Wl,--export=__stack_pointer',
  // The memory comes from the TypeScript side, shared, with the run's memory limit as its maximum.
  '-Wl,--import-memory',
  '-Wl,--shared-memory',
  '-Wl,--max-memory=4294967296',
  '-Wl,--initial-memory=2097152',
  '-Wl,-z,stack-size=65536',
  '-Wl,--strip-all',
];

const BUILDS = [
  { file: 'kernels.wasm', flags: [] },
  { file: 'kernels-relaxed.wasm', flags: ['-mrelaxed-simd', '-DRELAXED_SIMD'] },
];

function compile(build, directory) {
  execFileSync(CLANG, [...CLANG_FLAGS, ...build.flags, '-o', join(directory, build.file), source], { cwd: root, stdio: 'inherit' });
}

if (process.argv.includes('--check')) {
  const temp = mkdtempSync(join(tmpdir(), 'rnn-kernels-'));
  try {
    for (const build of BUILDS) {
      compile(build, temp);
      if (!readFileSync(join(temp, build.file)).equals(readFileSync(join(kernelsDir, build.file)))) {
        console.error(`src/engine/kernels/${build.file} is not the build of kernels.c: run npm run build:kernels and commit it.`);
        process.exitCode = 1;
      } else {
        console.log(`${build.file} matches kernels.c`);
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
} else {
  for (const build of BUILDS) {
    compile(build, kernelsDir);
    console.log(`Wrote src/engine/kernels/${build.file} (${readFileSync(join(kernelsDir, build.file)).length} bytes)`);
  }
}
