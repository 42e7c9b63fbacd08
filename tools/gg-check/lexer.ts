/**
 * Reads GoldenGate parameter files (GLOBALS, dirprm/*.prm) and GGSCI obey files (dirprm/*.oby)
 * into statements, the way the Reference for Oracle GoldenGate describes their syntax:
 *
 * - `--` starts a comment to the end of the line, and so does COMMENT at the start of a statement
 *   ("Use the COMMENT parameter or double hyphens (--) to indicate comments anywhere within a
 *   parameter file. Anything on the same line after COMMENT or double hyphens is ignored",
 *   Reference, COMMENT | --);
 * - a statement is one line, unless the line ends with `&` ("When using line breaks to split a
 *   parameter statement into multiple lines, use an ampersand (&) at the end of each line",
 *   "Using Oracle GoldenGate for Oracle Database" 19c, Sample Exceptions Mapping);
 * - TABLE, MAP and SEQUENCE end at their `;` and may span lines (every TABLE/MAP of the Reference's
 *   examples, e.g. ALLOWDUPTARGETMAP and the exceptions samples, ends with `;`);
 * - group and (for Oracle) object names are case-insensitive ("Working with Runtime Parameters",
 *   Administering Oracle GoldenGate 19c, read in its Japanese edition,
 *   https://docs.oracle.com/cd/F22974_01/admin/working-runtime-parameters.html); keywords are read
 *   in any case too, which no page states: the project writes them in upper case, as the docs do;
 * - single quotes delimit literals (a SQLEXEC query "must be
 *   within single quotes and must be contained all on one line", Administering Oracle GoldenGate
 *   26ai, Executing SQLEXEC within a TABLE or MAP Statement, read in its zh-cn and ja editions:
 *   https://docs.oracle.com/zh-cn/database/goldengate/core/26/coredoc/administer-executing-sqlexec-table-or-map-statement.html), double
 *   quotes delimit names that keep their case.
 *
 * Pure: text in, statements out. Text it cannot read as statements is a ParameterSyntaxError
 * naming the file and line.
 */

export type TokenKind = 'word' | 'string' | 'symbol';

export interface Token {
  readonly kind: TokenKind;
  /** A word as written (names keep their quotes: `"Mixed".T`); a string without its quotes. */
  readonly value: string;
  readonly line: number;
}

export interface Statement {
  /** The first word, upper-cased: the parameter (`MAP`) or GGSCI verb (`ADD`). */
  readonly keyword: string;
  /** Every token, the keyword first; `&` continuations and the closing `;` left out. */
  readonly tokens: readonly Token[];
  readonly line: number;
  readonly endLine: number;
}

/** Text that cannot be read as statements: an unclosed quote or parenthesis, a MAP without its `;`. */
export class ParameterSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ParameterSyntaxError';
  }
}

/** Statements that end at `;` rather than at the end of their line. */
const SEMICOLON_TERMINATED = new Set(['TABLE', 'MAP', 'SEQUENCE']);
const SYMBOLS = new Set(['(', ')', ',', ';', '=', '&']);

/** The tokens of one physical line, comment removed. */
function lineTokens(text: string, line: number, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (text.startsWith('--', i)) break;
    if (SYMBOLS.has(char)) {
      tokens.push({ kind: 'symbol', value: char, line });
      i++;
      continue;
    }
    if (char === "'") {
      // '' inside a literal is a quote, as in SQL.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new ParameterSyntaxError(file, line, 'unterminated string literal (a quoted value must close on its line)');
        if (text[j] === "'" && text[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (text[j] === "'") {
          break;
        } else {
          value += text[j++];
        }
      }
      tokens.push({ kind: 'string', value, line });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]) && !SYMBOLS.has(text[j]) && text[j] !== "'" && !text.startsWith('--', j)) {
      if (text[j] === '"') {
        const close = text.indexOf('"', j + 1);
        if (close < 0) throw new ParameterSyntaxError(file, line, 'unterminated quoted name');
        j = close + 1;
      } else {
        j++;
      }
    }
    tokens.push({ kind: 'word', value: text.slice(i, j), line });
    i = j;
  }
  return tokens;
}

const isSymbol = (token: Token | undefined, value: string): boolean => token?.kind === 'symbol' && token.value === value;

/**
 * Statements of a parameter file or an obey file. `obey`: GGSCI commands, one a line (no `;`
 * statements, no `&` continuation).
 */
export function readStatements(text: string, file: string, obey = false): Statement[] {
  const statements: Statement[] = [];
  let open: { tokens: Token[]; line: number; depth: number } | undefined;

  const finish = (endLine: number): void => {
    if (open === undefined) return;
    const first = open.tokens[0];
    if (first.kind !== 'word') throw new ParameterSyntaxError(file, open.line, `a statement must start with a parameter name, not '${first.value}'`);
    if (open.depth !== 0) throw new ParameterSyntaxError(file, open.line, `unbalanced parentheses in ${first.value.toUpperCase()}`);
    statements.push({ keyword: first.value.toUpperCase(), tokens: open.tokens, line: open.line, endLine });
    open = undefined;
  };

  const endsAtSemicolon = (statement: { tokens: Token[] }): boolean => !obey && SEMICOLON_TERMINATED.has(statement.tokens[0].value.toUpperCase());
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    let tokens = lineTokens(raw, line, file);
    if (tokens.length === 0) return;
    if (open === undefined && isWord(tokens[0], 'COMMENT')) return;
    const continues = !obey && isSymbol(tokens[tokens.length - 1], '&');
    if (continues) tokens = tokens.slice(0, -1);
    if (open !== undefined && endsAtSemicolon(open) && open.depth === 0 && isWord(tokens[0], ...SEMICOLON_TERMINATED)) {
      throw new ParameterSyntaxError(file, open.line, `${open.tokens[0].value.toUpperCase()} has no ';' before the ${tokens[0].value.toUpperCase()} on line ${line}`);
    }
    for (const token of tokens) {
      if (open === undefined) open = { tokens: [], line, depth: 0 };
      if (isSymbol(token, '(')) open.depth++;
      if (isSymbol(token, ')')) {
        if (open.depth === 0) throw new ParameterSyntaxError(file, line, "')' without '('");
        open.depth--;
      }
      if (isSymbol(token, ';') && open.depth === 0 && !obey) {
        // `;` ends a TABLE or MAP; after other parameters (TABLEEXCLUDE x;) it is optional.
        if (open.tokens.length > 0) finish(line);
        else open = undefined;
        continue;
      }
      open.tokens.push(token);
    }
    if (open !== undefined && !endsAtSemicolon(open) && !continues) finish(line);
  });
  if (open !== undefined) {
    const keyword = open.tokens[0].value.toUpperCase();
    if (SEMICOLON_TERMINATED.has(keyword)) throw new ParameterSyntaxError(file, open.line, `${keyword} has no ';' before the end of the file`);
    finish(lines.length);
  }
  return statements;
}

/** A token, or a parenthesised group of them. */
export type Node = Token | Group;

export interface Group {
  readonly kind: 'group';
  readonly children: readonly Node[];
  readonly line: number;
}

/** Nests the tokens at their parentheses (balanced: readStatements checked them). */
export function nest(tokens: readonly Token[]): Node[] {
  const stack: Node[][] = [[]];
  const lines: number[] = [];
  for (const token of tokens) {
    if (isSymbol(token, '(')) {
      stack.push([]);
      lines.push(token.line);
    } else if (isSymbol(token, ')')) {
      const children = stack.pop()!;
      stack[stack.length - 1].push({ kind: 'group', children, line: lines.pop()! });
    } else {
      stack[stack.length - 1].push(token);
    }
  }
  return stack[0];
}

/** Splits nodes at top-level commas. */
export function splitAtCommas(nodes: readonly Node[]): Node[][] {
  const parts: Node[][] = [[]];
  for (const node of nodes) {
    if (node.kind === 'symbol' && node.value === ',') parts.push([]);
    else parts[parts.length - 1].push(node);
  }
  return parts.filter((part) => part.length > 0);
}

export const isWord = (node: Node | undefined, ...values: string[]): node is Token =>
  node !== undefined && node.kind === 'word' && (values.length === 0 || values.includes(node.value.toUpperCase()));

