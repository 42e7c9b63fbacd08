/**
 * One GoldenGate home's files read into what the rules look at: GLOBALS, the Manager's
 * parameters, each group's parameter file (its TABLE and MAP statements with their options), and
 * the GGSCI commands of the obey files. Pure.
 */
import { isWord, nest, ParameterSyntaxError, readStatements, splitAtCommas, type Node, type Statement, type Token } from './lexer';
import { parseObjectName, type ObjectName } from './names';
import { OPTION_NAMES } from './parameters';

export interface SourceFile {
  /** Relative to the GoldenGate home: `GLOBALS`, `dirprm/ratob.prm`, `dirprm/setup.oby`. */
  readonly path: string;
  readonly text: string;
}

/** A GoldenGate home's files; `root` prefixes their paths in findings (a directory, or a DC id). */
export interface HubInput {
  readonly root: string;
  readonly files: readonly SourceFile[];
}

export type ParameterFileKind = 'globals' | 'manager' | 'extract' | 'replicat' | 'other';

export interface ParameterFile {
  readonly path: string;
  /** The path shown in findings: root and path. */
  readonly display: string;
  readonly kind: ParameterFileKind;
  /** The group its first statement names (EXTRACT or REPLICAT), upper-cased. */
  readonly group?: { readonly name: string; readonly line: number };
  readonly statements: readonly Statement[];
  /** Its TABLE and MAP statements (Extract and Replicat files). */
  readonly mappings: readonly Mapping[];
}

export interface MappingOption {
  /** Upper-cased: `TARGET`, `COMPARECOLS`, `EXCEPTIONSONLY`. */
  readonly name: string;
  /** What follows the option's name, parentheses nested. */
  readonly args: readonly Node[];
  readonly line: number;
}

/** A TABLE or MAP statement. */
export interface Mapping {
  readonly file: ParameterFile;
  readonly statement: Statement;
  /** Position of the statement in its file. */
  readonly index: number;
  readonly kind: 'TABLE' | 'MAP';
  readonly source: ObjectName;
  readonly target?: ObjectName;
  readonly options: readonly MappingOption[];
}

/** A GGSCI command of an obey file: `ADD REPLICAT RATOB, EXTTRAIL ./dirdat/ab, CHECKPOINTTABLE X`. */
export interface Command {
  readonly display: string;
  readonly line: number;
  /** `ADD`, `DBLOGIN`, `START` ... upper-cased. */
  readonly verb: string;
  /** The object of verbs that take one: `EXTRACT`, `EXTTRAIL`, `CHECKPOINTTABLE` ... upper-cased. */
  readonly object?: string;
  /** The argument after the object (a group, a trail, a table), as written. */
  readonly name?: string;
  /** Options after the first comma, by their first word upper-cased: `EXTTRAIL` → `./dirdat/ab`. */
  readonly options: ReadonlyMap<string, readonly Node[]>;
  readonly statement: Statement;
}

export interface Hub {
  readonly root: string;
  readonly globals?: ParameterFile;
  readonly manager?: ParameterFile;
  /** Every other parameter file: Extracts, pumps, Replicats. */
  readonly groupFiles: readonly ParameterFile[];
  readonly commands: readonly Command[];
}

/** GGSCI verbs followed by the kind of object they act on. */
const VERBS_WITH_OBJECT = new Set(['ADD', 'ALTER', 'DELETE', 'INFO', 'START', 'STOP', 'KILL', 'REGISTER', 'UNREGISTER', 'SEND', 'STATS', 'LAG', 'VIEW']);

const displayPath = (root: string, path: string): string => (root === '' ? path : `${root.replace(/\/+$/, '')}/${path}`);

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The words of a node list joined as written (for names and values that are one word). */
export const wordsOf = (nodes: readonly Node[]): string[] => nodes.filter((node): node is Token => node.kind === 'word').map((node) => node.value);

function parseMapping(file: ParameterFile, statement: Statement, index: number): Mapping {
  const kind = statement.keyword as 'TABLE' | 'MAP';
  const [first, ...rest] = splitAtCommas(nest(statement.tokens.slice(1)));
  const sourceWord = first?.[0];
  if (!isWord(sourceWord)) throw new ParameterSyntaxError(file.display, statement.line, `${kind} must name a source table`);
  const options: MappingOption[] = [];
  // A new option starts at a comma, or at a documented option name (`INSERTALLRECORDS COLMAP (...)`).
  const leftover = first.slice(1);
  for (const part of leftover.length > 0 ? [leftover, ...rest] : rest) {
    let current: { name: string; args: Node[]; line: number } | undefined;
    for (const node of part) {
      const startsOption = current === undefined || (isWord(node) && OPTION_NAMES.has(node.value.toUpperCase()) && !(current.name === 'TARGET' && current.args.length === 0));
      if (startsOption) {
        if (current) options.push(current);
        current = { name: isWord(node) ? node.value.toUpperCase() : '', args: isWord(node) ? [] : [node], line: node.line };
      } else {
        current!.args.push(node);
      }
    }
    if (current) options.push(current);
  }
  const target = options.find((option) => option.name === 'TARGET');
  const targetWord = target?.args[0];
  return {
    file,
    statement,
    index,
    kind,
    source: parseObjectName(sourceWord.value),
    target: isWord(targetWord) ? parseObjectName(targetWord.value) : undefined,
    options,
  };
}

function kindOf(path: string, statements: readonly Statement[]): ParameterFileKind {
  if (baseName(path).toUpperCase() === 'GLOBALS') return 'globals';
  if (baseName(path).toLowerCase() === 'mgr.prm') return 'manager';
  const first = statements[0]?.keyword;
  if (first === 'EXTRACT') return 'extract';
  if (first === 'REPLICAT') return 'replicat';
  return 'other';
}

function readParameterFile(root: string, source: SourceFile): ParameterFile {
  const display = displayPath(root, source.path);
  const statements = readStatements(source.text, display);
  const kind = kindOf(source.path, statements);
  const groupWord = statements[0]?.tokens[1];
  const group = (kind === 'extract' || kind === 'replicat') && isWord(groupWord) ? { name: groupWord.value.toUpperCase(), line: statements[0].line } : undefined;
  const mappings: Mapping[] = [];
  const file: ParameterFile = { path: source.path, display, kind, group, statements, mappings };
  statements.forEach((statement, index) => {
    if (statement.keyword === 'TABLE' || statement.keyword === 'MAP') mappings.push(parseMapping(file, statement, index));
  });
  return file;
}

function readCommands(root: string, source: SourceFile): Command[] {
  const display = displayPath(root, source.path);
  return readStatements(source.text, display, true).map((statement) => {
    const [head, ...rest] = splitAtCommas(nest(statement.tokens));
    const words = head.map((node) => (isWord(node) ? node.value : ''));
    const verb = statement.keyword;
    const hasObject = VERBS_WITH_OBJECT.has(verb) && isWord(head[1]);
    const object = hasObject ? words[1].toUpperCase() : undefined;
    const name = hasObject ? words[2] || undefined : undefined;
    const options = new Map<string, Node[]>();
    for (const part of rest) {
      if (isWord(part[0])) options.set(part[0].value.toUpperCase(), part.slice(1));
    }
    // Words after the name on the first segment (`REGISTER EXTRACT E DATABASE`, `ADD SCHEMATRANDATA S ALLCOLS`).
    for (const node of head.slice(hasObject ? 3 : 1)) {
      if (isWord(node)) options.set(node.value.toUpperCase(), []);
    }
    return { display, line: statement.line, verb, object, name, options, statement };
  });
}

const isObeyFile = (path: string): boolean => path.toLowerCase().endsWith('.oby');

/** Reads a home's files. Throws ParameterSyntaxError on text that is not GoldenGate syntax. */
export function readHub(input: HubInput): Hub {
  const parameterFiles: ParameterFile[] = [];
  const commands: Command[] = [];
  for (const source of input.files) {
    if (isObeyFile(source.path)) {
      commands.push(...readCommands(input.root, source));
    } else {
      parameterFiles.push(readParameterFile(input.root, source));
    }
  }
  return {
    root: input.root,
    globals: parameterFiles.find((file) => file.kind === 'globals'),
    manager: parameterFiles.find((file) => file.kind === 'manager'),
    groupFiles: parameterFiles.filter((file) => file.kind !== 'globals' && file.kind !== 'manager'),
    commands,
  };
}

/** The value words of a parameter statement (`EXTTRAIL ./dirdat/ab` → `./dirdat/ab`). */
export const argumentsOf = (statement: Statement): Token[] => statement.tokens.slice(1).filter((token): token is Token => token.kind === 'word');

export const statementsNamed = (file: ParameterFile | undefined, keyword: string): Statement[] => (file?.statements ?? []).filter((statement) => statement.keyword === keyword);
