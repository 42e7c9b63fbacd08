/**
 * Turns the command line's paths into GoldenGate homes: a directory holding GLOBALS or dirprm/ is
 * one hub; any other directory is searched for them (so `out/` finds every stack's hub, as
 * `npm run plan` writes them under out/<stack>/files/s3/<bucket>/goldengate/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HubInput, SourceFile } from './hub';

/** A path that does not exist, cannot be read, or holds no GoldenGate files. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isHub = (directory: string): boolean => fs.existsSync(path.join(directory, 'GLOBALS')) || fs.existsSync(path.join(directory, 'dirprm'));

/** GLOBALS and dirprm/*.prm, *.oby of a home, in sorted order. */
function hubFiles(directory: string): SourceFile[] {
  const files: SourceFile[] = [];
  if (fs.existsSync(path.join(directory, 'GLOBALS'))) files.push({ path: 'GLOBALS', text: fs.readFileSync(path.join(directory, 'GLOBALS'), 'utf8') });
  const dirprm = path.join(directory, 'dirprm');
  if (fs.existsSync(dirprm)) {
    for (const name of fs.readdirSync(dirprm).sort(byName)) {
      if (/\.(prm|oby)$/i.test(name)) files.push({ path: `dirprm/${name}`, text: fs.readFileSync(path.join(dirprm, name), 'utf8') });
    }
  }
  return files;
}

function findHubs(directory: string, found: string[]): void {
  if (isHub(directory)) {
    found.push(directory);
    return;
  }
  for (const entry of fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => byName(a.name, b.name))) {
    if (entry.isDirectory()) findHubs(path.join(directory, entry.name), found);
  }
}

/** The homes under the inputs, each once. */
export function readInputs(inputs: readonly string[]): HubInput[] {
  const directories: string[] = [];
  for (const input of inputs) {
    try {
      if (!fs.statSync(input).isDirectory()) throw new InputError(`${input} is not a directory (give a GoldenGate home: GLOBALS and dirprm/)`);
      const found: string[] = [];
      findHubs(input, found);
      if (found.length === 0) throw new InputError(`no GoldenGate files (GLOBALS or dirprm/) under ${input}`);
      directories.push(...found);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read ${input}: ${describeError(error)}`);
    }
  }
  const seen = new Set<string>();
  return directories
    .filter((directory) => {
      const resolved = path.resolve(directory);
      if (seen.has(resolved)) return false;
      seen.add(resolved);
      return true;
    })
    .map((directory) => {
      try {
        return { root: directory, files: hubFiles(directory) };
      } catch (error) {
        throw new InputError(`cannot read ${directory}: ${describeError(error)}`);
      }
    });
}
