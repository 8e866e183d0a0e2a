// The folder of the built page's own files, dist/b/HASH (scripts/build.sh), as a path relative
// to dist/ ("b/HASH"): the probes of the benchmarks are served inside it, beside the real pkg/.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function buildDir(root) {
  const builds = readdirSync(join(root, 'dist/b'));
  if (builds.length !== 1) throw new Error(`dist/b holds ${builds.length} builds (${builds.join(', ')}): run bash scripts/build.sh`);
  return `b/${builds[0]}`;
}
