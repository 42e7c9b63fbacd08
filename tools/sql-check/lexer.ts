/**
 * Reads an Oracle script the way SQL*Plus does: tokens, then statements.
 *
 * SQL statements end at `;` or at a line holding only `/`. PL/SQL units (CREATE TRIGGER, PROCEDURE,
 * FUNCTION, PACKAGE [BODY], TYPE [BODY], anonymous BEGIN/DECLARE blocks) end only at a `/` line:
 * a `;` inside them belongs to the PL/SQL code. Comments, string literals (including q'[...]') and
 * quoted identifiers are consumed whole, so nothing inside them is ever taken for code.
 *
 * One pass over the characters; statements are yielded one at a time so a large input never has
 * all its tokens in memory at once.
 */
import { PlsqlBlockTracker } from './plsql-block';

export type TokenKind = 'word' | 'quoted-identifier' | 'string' | 'number' | 'symbol';

export interface Token {
  readonly kind: TokenKind;
  /**
   * Words folded to upper case (Oracle folds unquoted names), quoted identifiers and strings
   * without their quotes (quoted identifiers keep their case), numbers and symbols as written.
   */
  readonly value: string;
  readonly line: number;
}

/**
 * How a statement ended; the last three mean SQL*Plus never ran it as intended. `period`: a line
 * holding only `.` (SQL*Plus's block terminator) ended its entry without running it, and no `/`
 * line ran it afterwards.
 */
export type StatementEnd = 'semicolon' | 'slash' | 'next-statement' | 'end-of-file' | 'period';

export interface Statement {
  /** The statement's tokens; a SQL statement's final `;` is not included. */
  readonly tokens: readonly Token[];
  readonly line: number;
  readonly isPlsql: boolean;
  readonly end: StatementEnd;
  /** Line of the terminator, of the token that started the next statement, or of the last token. */
  readonly endLine: number;
}

export class ScriptSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ScriptSyntaxError';
  }
}

const TAB = 9;
const NEWLINE = 10;
const VERTICAL_TAB = 11;
const FORM_FEED = 12;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const QUOTE = 39;
const ASTERISK = 42;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const AT = 64;
const UPPER_A = 65;
const UPPER_E = 69;
const UPPER_Z = 90;
const UNDERSCORE = 95;
const LOWER_A = 97;
const LOWER_E = 101;
const LOWER_Z = 122;
const FIRST_NON_ASCII = 128;
const BYTE_ORDER_MARK = 0xfeff;

const isBlank = (code: number): boolean =>
  code === SPACE || code === TAB || code === CARRIAGE_RETURN || code === VERTICAL_TAB || code === FORM_FEED;
const isDigit = (code: number): boolean => code >= DIGIT_0 && code <= DIGIT_9;
const isLetter = (code: number): boolean =>
  (code >= UPPER_A && code <= UPPER_Z) || (code >= LOWER_A && code <= LOWER_Z) || code >= FIRST_NON_ASCII;
const isIdentifierPart = (code: number): boolean =>
  isLetter(code) || isDigit(code) || code === UNDERSCORE || code === DOLLAR || code === HASH;

/** q'[...]' and friends close with the mirror of these openers; any other delimiter closes itself. */
const Q_QUOTE_CLOSERS: Readonly<Record<string, string>> = { '[': ']', '{': '}', '(': ')', '<': '>' };

/**
 * SQL*Plus commands, with the shortest abbreviation SQL*Plus accepts. SQL*Plus takes these only as
 * the first word of a line while its buffer is empty, and they run to the end of the line (a
 * trailing `-` continues them), so `PROMPT it's done` must not open a string literal.
 */
const SQLPLUS_COMMANDS: ReadonlyArray<readonly [command: string, shortest: number]> = [
  ['ACCEPT', 3], ['BREAK', 3], ['BTITLE', 3], ['CLEAR', 2], ['COLUMN', 3], ['COMPUTE', 4],
  ['CONNECT', 4], ['DEFINE', 3], ['DESCRIBE', 4], ['EXECUTE', 4], ['EXIT', 4], ['HOST', 2],
  ['PAUSE', 3], ['PRINT', 3], ['PROMPT', 3], ['QUIT', 4], ['REMARK', 3], ['SET', 3], ['SHOW', 3],
  ['SPOOL', 3], ['START', 3], ['TIMING', 4], ['TTITLE', 3], ['UNDEFINE', 5], ['VARIABLE', 3],
  ['WHENEVER', 5],
];

/** SET followed by one of these is SQL (SET TRANSACTION ...), not the SQL*Plus SET command. */
const SQL_SET_STATEMENTS = new Set(['TRANSACTION', 'ROLE', 'CONSTRAINT', 'CONSTRAINTS']);

/** Every accepted spelling, from the shortest abbreviation to the full command. */
const SQLPLUS_COMMAND_WORDS = new Set(
  SQLPLUS_COMMANDS.flatMap(([command, shortest]) => Array.from({ length: command.length - shortest + 1 }, (_, extra) => command.slice(0, shortest + extra))),
);

/** A line holding only `/` (run the buffer) or only `.` (end the entry without running it). */
type CommandLine = { readonly kind: 'slash-line'; readonly line: number } | { readonly kind: 'period-line'; readonly line: number };

class Scanner {
  private pos = 0;
  private currentLine = 1;
  /** Only blanks so far on this line: a `/` here may be the run command, a word a SQL*Plus command. */
  private lineBlankSoFar = true;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    if (text.charCodeAt(0) === BYTE_ORDER_MARK) this.pos = 1;
  }

  /** The next token or `/` line; `bufferEmpty` says whether SQL*Plus commands are recognised here. */
  next(bufferEmpty: boolean): Token | CommandLine | undefined {
    const text = this.text;
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.pos >= text.length) return undefined;
      const code = text.charCodeAt(this.pos);
      const following = text.charCodeAt(this.pos + 1);
      if (code === MINUS && following === MINUS) {
        this.pos = this.endOfLine(this.pos);
        continue;
      }
      if (code === SLASH && following === ASTERISK) {
        this.skipBlockComment();
        this.lineBlankSoFar = false;
        continue;
      }
      if (this.lineBlankSoFar) {
        if (code === SLASH && this.onlyBlanksUntilEndOfLine(this.pos + 1)) {
          const line = this.currentLine;
          this.pos = this.endOfLine(this.pos);
          return { kind: 'slash-line', line };
        }
        if (code === DOT && !bufferEmpty && this.onlyBlanksUntilEndOfLine(this.pos + 1)) {
          const line = this.currentLine;
          this.pos = this.endOfLine(this.pos);
          return { kind: 'period-line', line };
        }
        if (bufferEmpty && this.atSqlPlusCommand()) {
          this.skipSqlPlusCommand();
          continue;
        }
      }
      this.lineBlankSoFar = false;
      return this.readToken(code);
    }
  }

  private readToken(code: number): Token {
    const text = this.text;
    const start = this.pos;
    const line = this.currentLine;
    if (isLetter(code)) {
      let end = start + 1;
      let hasLowerCase = code >= LOWER_A;
      for (let next = text.charCodeAt(end); isIdentifierPart(next); next = text.charCodeAt(++end)) {
        if (next >= LOWER_A) hasLowerCase = true;
      }
      // Most scripts are written in upper case: fold only when there is something to fold.
      const word = hasLowerCase ? text.slice(start, end).toUpperCase() : text.slice(start, end);
      this.pos = end;
      if (text.charCodeAt(end) === QUOTE) {
        if (word === 'Q' || word === 'NQ') return this.readQQuoteLiteral(line);
        if (word === 'N') return this.readStringLiteral(line);
      }
      return { kind: 'word', value: word, line };
    }
    if (isDigit(code)) return this.readNumber(line);
    if (code === QUOTE) return this.readStringLiteral(line);
    if (code === DOUBLE_QUOTE) return this.readQuotedIdentifier(line);
    this.pos = start + 1;
    return { kind: 'symbol', value: text[start], line };
  }

  /** At the opening quote of '...', where '' stands for one quote. */
  private readStringLiteral(line: number): Token {
    const text = this.text;
    let pos = this.pos + 1;
    let value = '';
    let chunkStart = pos;
    for (;;) {
      if (pos >= text.length) throw new ScriptSyntaxError(this.file, line, 'unterminated string literal');
      const code = text.charCodeAt(pos);
      if (code === NEWLINE) {
        this.currentLine++;
      } else if (code === QUOTE) {
        if (text.charCodeAt(pos + 1) !== QUOTE) {
          this.pos = pos + 1;
          return { kind: 'string', value: value + text.slice(chunkStart, pos), line };
        }
        value += text.slice(chunkStart, pos + 1);
        pos += 2;
        chunkStart = pos;
        continue;
      }
      pos++;
    }
  }

  /** At the quote of q'X...X': the literal ends at the closing delimiter followed by a quote. */
  private readQQuoteLiteral(line: number): Token {
    const text = this.text;
    const openerCode = text.charCodeAt(this.pos + 1);
    if (Number.isNaN(openerCode) || isBlank(openerCode) || openerCode === NEWLINE) {
      throw new ScriptSyntaxError(this.file, line, 'q-quote literal without a delimiter');
    }
    const opener = text[this.pos + 1];
    const closer = Q_QUOTE_CLOSERS[opener] ?? opener;
    const contentStart = this.pos + 2;
    for (let pos = contentStart; pos < text.length; pos++) {
      if (text.charCodeAt(pos) === NEWLINE) this.currentLine++;
      else if (text[pos] === closer && text.charCodeAt(pos + 1) === QUOTE) {
        this.pos = pos + 2;
        return { kind: 'string', value: text.slice(contentStart, pos), line };
      }
    }
    throw new ScriptSyntaxError(this.file, line, `unterminated q-quote literal (q'${opener}...${closer}')`);
  }

  private readQuotedIdentifier(line: number): Token {
    const text = this.text;
    const contentStart = this.pos + 1;
    for (let pos = contentStart; pos < text.length; pos++) {
      const code = text.charCodeAt(pos);
      if (code === NEWLINE) this.currentLine++;
      else if (code === DOUBLE_QUOTE) {
        this.pos = pos + 1;
        return { kind: 'quoted-identifier', value: text.slice(contentStart, pos), line };
      }
    }
    throw new ScriptSyntaxError(this.file, line, 'unterminated quoted identifier');
  }

  private readNumber(line: number): Token {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    while (isDigit(text.charCodeAt(pos))) pos++;
    // `1..10` is a PL/SQL range, not the number `1.`.
    if (text.charCodeAt(pos) === DOT && text.charCodeAt(pos + 1) !== DOT) {
      pos++;
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    const exponent = text.charCodeAt(pos);
    if (exponent === UPPER_E || exponent === LOWER_E) {
      let digits = pos + 1;
      if (text[digits] === '+' || text[digits] === '-') digits++;
      if (isDigit(text.charCodeAt(digits))) {
        pos = digits;
        while (isDigit(text.charCodeAt(pos))) pos++;
      }
    }
    this.pos = pos;
    return { kind: 'number', value: text.slice(start, pos), line };
  }

  private skipBlockComment(): void {
    const text = this.text;
    const line = this.currentLine;
    for (let pos = this.pos + 2; pos < text.length; pos++) {
      const code = text.charCodeAt(pos);
      if (code === NEWLINE) this.currentLine++;
      else if (code === ASTERISK && text.charCodeAt(pos + 1) === SLASH) {
        this.pos = pos + 2;
        return;
      }
    }
    throw new ScriptSyntaxError(this.file, line, 'unterminated comment');
  }

  private skipBlanksAndNewlines(): void {
    const text = this.text;
    let pos = this.pos;
    for (; pos < text.length; pos++) {
      const code = text.charCodeAt(pos);
      if (code === NEWLINE) {
        this.currentLine++;
        this.lineBlankSoFar = true;
      } else if (!isBlank(code)) {
        break;
      }
    }
    this.pos = pos;
  }

  /** Index of the newline ending the line that holds `pos`, or the end of the text. */
  private endOfLine(pos: number): number {
    const newline = this.text.indexOf('\n', pos);
    return newline < 0 ? this.text.length : newline;
  }

  private onlyBlanksUntilEndOfLine(pos: number): boolean {
    const text = this.text;
    for (; pos < text.length; pos++) {
      const code = text.charCodeAt(pos);
      if (code === NEWLINE) return true;
      if (!isBlank(code)) return false;
    }
    return true;
  }

  private wordAt(pos: number): { word: string; end: number } | undefined {
    const text = this.text;
    if (!isLetter(text.charCodeAt(pos))) return undefined;
    let end = pos + 1;
    while (end < text.length && isIdentifierPart(text.charCodeAt(end))) end++;
    return { word: text.slice(pos, end).toUpperCase(), end };
  }

  private atSqlPlusCommand(): boolean {
    if (this.text.charCodeAt(this.pos) === AT) return true;
    const first = this.wordAt(this.pos);
    if (first === undefined || !SQLPLUS_COMMAND_WORDS.has(first.word)) return false;
    if (first.word !== 'SET') return true;
    let pos = first.end;
    while (isBlank(this.text.charCodeAt(pos))) pos++;
    const second = this.wordAt(pos);
    return second === undefined || !SQL_SET_STATEMENTS.has(second.word);
  }

  private skipSqlPlusCommand(): void {
    const text = this.text;
    for (;;) {
      const end = this.endOfLine(this.pos);
      let last = end - 1;
      while (last >= this.pos && isBlank(text.charCodeAt(last))) last--;
      const continues = text.charCodeAt(last) === MINUS && end < text.length;
      if (!continues) {
        this.pos = end;
        return;
      }
      this.pos = end + 1;
      this.currentLine++;
    }
  }
}

/** Words between CREATE and the kind of object: CREATE OR REPLACE EDITIONABLE TRIGGER. */
export const CREATE_MODIFIERS: ReadonlySet<string> = new Set(['OR', 'REPLACE', 'EDITIONABLE', 'NONEDITIONABLE', 'EDITIONING']);
const PLSQL_UNITS = new Set(['TRIGGER', 'PROCEDURE', 'FUNCTION', 'PACKAGE', 'TYPE']);
/** Reserved words that cannot start a PL/SQL statement: after a `;` they begin a new SQL statement. */
const DDL_VERBS = new Set(['CREATE', 'ALTER', 'DROP', 'GRANT']);

/**
 * Whether SQL*Plus reads the statement as PL/SQL, judged from its first words; undefined while
 * they are only CREATE [OR REPLACE] [EDITIONABLE ...]. Called once per token while undecided, it
 * looks at the newest token only, so a long run of modifiers costs no re-scan.
 */
function isPlsqlUnit(tokens: readonly Token[]): boolean | undefined {
  const first = tokens[0];
  if (first.kind !== 'word') return false;
  if (tokens.length === 1) {
    if (first.value === 'BEGIN' || first.value === 'DECLARE') return true;
    return first.value === 'CREATE' ? undefined : false;
  }
  const latest = tokens[tokens.length - 1];
  if (latest.kind !== 'word') return false;
  if (CREATE_MODIFIERS.has(latest.value)) return undefined;
  return PLSQL_UNITS.has(latest.value);
}

const isSymbol = (token: Token | undefined, symbol: string): boolean =>
  token !== undefined && token.kind === 'symbol' && token.value === symbol;

/** Splits a script into statements as SQL*Plus would send them to the database. */
export function* readStatements(text: string, file: string): Generator<Statement> {
  const scanner = new Scanner(text, file);
  let tokens: Token[] = [];
  let plsql: boolean | undefined;
  let block: PlsqlBlockTracker | undefined;

  const finish = (end: StatementEnd, endLine: number): Statement => {
    const statement: Statement = { tokens, line: tokens[0].line, isPlsql: plsql === true, end, endLine };
    tokens = [];
    plsql = undefined;
    block = undefined;
    return statement;
  };

  // A statement whose entry a `.` line ended: a `/` line right after it runs it after all.
  let entered: Statement | undefined;

  for (;;) {
    const item = scanner.next(tokens.length === 0);
    if (entered !== undefined) {
      const ranBySlash = item?.kind === 'slash-line';
      yield ranBySlash ? { ...entered, end: 'slash', endLine: item.line } : entered;
      entered = undefined;
      if (ranBySlash) continue;
    }
    if (item === undefined) {
      if (tokens.length > 0) yield finish('end-of-file', tokens[tokens.length - 1].line);
      return;
    }
    if (item.kind === 'slash-line') {
      if (tokens.length > 0) yield finish('slash', item.line);
      continue;
    }
    if (item.kind === 'period-line') {
      entered = finish('period', item.line);
      continue;
    }
    if (block !== undefined) {
      const blockOver = block.complete || (item.kind === 'word' && DDL_VERBS.has(item.value) && isSymbol(tokens[tokens.length - 1], ';'));
      if (blockOver) {
        yield finish('next-statement', item.line);
        // A `/` left on the END line was meant as the terminator; it starts nothing.
        if (isSymbol(item, '/')) continue;
      }
    }
    tokens.push(item);
    if (plsql === undefined) {
      plsql = isPlsqlUnit(tokens);
      if (plsql === true) {
        const tracker = new PlsqlBlockTracker();
        for (const token of tokens) tracker.feed(token);
        block = tracker;
      }
    } else if (block !== undefined) {
      block.feed(item);
    }
    if (plsql !== true && isSymbol(item, ';')) {
      tokens.pop();
      if (tokens.length > 0) yield finish('semicolon', item.line);
      else plsql = undefined;
    }
  }
}
