/** Turns the command line's files and directories into the scripts to check. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScriptFile } from './check';

/** A path that does not exist, cannot be read, or is a directory with no scripts in it. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const isSqlFile = (name: string): boolean => name.toLowerCase().endsWith('.sql');
const byName = (a: fs.Dirent, b: fs.Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Every `*.sql` under `directory`, recursively, in sorted order. */
export function findSqlFiles(directory: string): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  const walk = (current: string): void => {
    // Symbolic links are followed, but a directory is never entered twice (a link loop).
    const real = fs.realpathSync(current);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort(byName)) {
      const entryPath = path.join(current, entry.name);
      const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(entryPath, { throwIfNoEntry: false })?.isDirectory() === true);
      if (isDirectory) walk(entryPath);
      else if (isSqlFile(entry.name)) found.push(entryPath);
    }
  };
  walk(directory);
  return found;
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Reads files as given and directories' `*.sql`; each file once even if named twice. */
export function readInputs(inputs: readonly string[]): ScriptFile[] {
  const paths: string[] = [];
  for (const input of inputs) {
    let stats: fs.Stats;
    try {
      stats = fs.statSync(input);
    } catch (error) {
      throw new InputError(`cannot read ${input}: ${describeError(error)}`);
    }
    if (!stats.isDirectory()) {
      paths.push(input);
      continue;
    }
    let files: string[];
    try {
      files = findSqlFiles(input);
    } catch (error) {
      throw new InputError(`cannot read ${input}: ${describeError(error)}`);
    }
    if (files.length === 0) throw new InputError(`no .sql files under ${input}`);
    paths.push(...files);
  }
  const seen = new Set<string>();
  const scripts: ScriptFile[] = [];
  for (const file of paths) {
    const resolved = path.resolve(file);
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    try {
      scripts.push({ path: file, text: fs.readFileSync(file, 'utf8') });
    } catch (error) {
      throw new InputError(`cannot read ${file}: ${describeError(error)}`);
    }
  }
  return scripts;
}
