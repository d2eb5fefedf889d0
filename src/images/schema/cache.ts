import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProtoFile } from './types';

/** Where the parsed declarations are kept, next to the compiled module. */
const CACHE_FILE = path.join(__dirname, 'proto-cache.json');

interface CacheContents {
  /** The names, sizes and modification times of the .proto files and the parser that made the declarations. */
  key: string;
  declarations: ProtoFile;
}

/** The parser's own file counts too: a new parser may read the same files differently. */
function cacheKey(protoDir: string, fileNames: readonly string[]): string {
  const files = [...fileNames.map((name) => path.join(protoDir, name)), require.resolve('./parse')];
  return files
    .map((file) => {
      const stat = fs.statSync(file);
      return `${file}:${stat.size}:${stat.mtimeMs}`;
    })
    .join('\n');
}

/**
 * The declarations of `protoDir`'s .proto files (`fileNames`), parsed by
 * `parse` only when they changed since the last run: parsing costs more than
 * a short command's work. Without a writable cache file, it parses every time.
 */
export function cachedDeclarations(protoDir: string, fileNames: readonly string[], parse: () => ProtoFile): ProtoFile {
  const key = cacheKey(protoDir, fileNames);
  try {
    const cached = JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8')) as CacheContents;
    if (cached.key === key) return cached.declarations;
  } catch {
    // No cache yet, or an unreadable one: parse.
  }
  const declarations = parse();
  try {
    const temporary = `${CACHE_FILE}.${process.pid}`;
    fs.writeFileSync(temporary, JSON.stringify({ key, declarations } satisfies CacheContents));
    fs.renameSync(temporary, CACHE_FILE);
  } catch {
    // A read-only installation: parse again next time.
  }
  return declarations;
}
