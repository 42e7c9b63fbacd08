/**
 * Pulls out of each statement the schema facts the rules need: tables with their columns, keys and
 * foreign-key actions, later ALTER TABLE additions, unique indexes, sequences and triggers.
 *
 * Statements the rules do not care about describe to `undefined`. Names are compared as Oracle
 * does: unquoted names folded to upper case, quoted names exactly; a schema prefix is dropped
 * because each script runs as the schema's owner.
 */
import { CREATE_MODIFIERS, ScriptSyntaxError, type Statement, type Token } from './lexer';

export interface DefaultValue {
  /** Set when the default is a single string literal, as DCID's must be. */
  readonly literal?: string;
  /** The expression as written, for messages. */
  readonly text: string;
  readonly line: number;
}

export interface ColumnDefinition {
  readonly name: string;
  readonly line: number;
  /**
   * The data type's first word (`VARCHAR2`, `BLOB`, `LONG` for LONG and LONG RAW); undefined when
   * the definition names none (ALTER TABLE MODIFY of a column's default or nullability).
   */
  readonly dataType?: string;
  readonly defaultValue?: DefaultValue;
}

export interface KeyConstraint {
  readonly name?: string;
  readonly kind: 'PRIMARY KEY' | 'UNIQUE';
  readonly columns: readonly string[];
  readonly line: number;
}

export interface ForeignKeyAction {
  readonly constraint?: string;
  readonly referencedTable: string;
  /** e.g. `ON DELETE CASCADE`, `ON DELETE SET NULL`, `ON UPDATE CASCADE`. */
  readonly action: string;
  readonly line: number;
}

export interface TableElements {
  readonly columns: ColumnDefinition[];
  readonly keys: KeyConstraint[];
  readonly foreignKeyActions: ForeignKeyAction[];
}

export interface DmlStatement {
  readonly verb: 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE';
  readonly table: string;
  readonly line: number;
}

export interface SequenceReference {
  readonly sequence: string;
  readonly line: number;
}

/** A literal integer, or `undefined` when the clause is there but not a literal integer. */
export type SequenceNumber = bigint | undefined;

export type SchemaStatement =
  | {
      readonly kind: 'create-table';
      readonly table: string;
      readonly line: number;
      /** Temporary tables hold session data GoldenGate never replicates. */
      readonly temporary: boolean;
      readonly elements: TableElements;
    }
  | { readonly kind: 'alter-table'; readonly table: string; readonly line: number; readonly elements: TableElements }
  | {
      readonly kind: 'create-unique-index';
      readonly index: string;
      readonly table: string;
      readonly line: number;
      /** The indexed columns in order; undefined when a key element is an expression (a function-based index). */
      readonly columns?: readonly string[];
    }
  | {
      readonly kind: 'create-sequence';
      readonly sequence: string;
      readonly line: number;
      /** START WITH; 1 when absent. */
      readonly start: SequenceNumber;
      /** INCREMENT BY; 1 when absent. */
      readonly increment: SequenceNumber;
    }
  | {
      readonly kind: 'create-trigger';
      readonly trigger: string;
      readonly line: number;
      /** Undefined for triggers on the schema, the database or a nested table. */
      readonly table?: string;
      /** DML the trigger runs for each row: in a FOR EACH ROW body or a compound trigger's EACH ROW sections. */
      readonly rowLevelDml: readonly DmlStatement[];
      readonly nextvalReferences: readonly SequenceReference[];
    }
  | {
      readonly kind: 'plsql-unit';
      readonly description: string;
      /** The unit's name as displayed; undefined for an anonymous block. */
      readonly name?: string;
      readonly line: number;
    };

const isWord = (token: Token | undefined, word: string): boolean =>
  token !== undefined && token.kind === 'word' && token.value === word;
const isSymbol = (token: Token | undefined, symbol: string): boolean =>
  token !== undefined && token.kind === 'symbol' && token.value === symbol;
const isIdentifier = (token: Token | undefined): token is Token =>
  token !== undefined && (token.kind === 'word' || token.kind === 'quoted-identifier');

/** How a name is shown in messages: bare when Oracle would fold it to itself, quoted otherwise. */
export const displayName = (name: string): string => (/^[A-Z][A-Z0-9_$#]*$/.test(name) ? name : `"${name}"`);

const TABLE_PREFIXES = new Set(['GLOBAL', 'PRIVATE', 'TEMPORARY', 'SHARDED', 'DUPLICATED', 'BLOCKCHAIN', 'IMMUTABLE']);
const PLSQL_UNIT_KINDS = new Set(['PROCEDURE', 'FUNCTION', 'PACKAGE', 'TYPE']);
/** Words that end a column's DEFAULT expression (a second DEFAULT too, so no token is read twice by it). */
const DEFAULT_ENDS = new Set(['DEFAULT', 'CONSTRAINT', 'NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CHECK', 'ENABLE', 'DISABLE']);
/** Words that open a column's clauses: a column definition that starts with one names no data type. */
const COLUMN_CLAUSE_STARTS = new Set([...DEFAULT_ENDS, 'VISIBLE', 'INVISIBLE', 'COLLATE', 'SORT', 'GENERATED', 'AS', 'ENCRYPT', 'DECRYPT']);
/** Words that start an ALTER TABLE action, ending the unparenthesised element before them. */
const ALTER_ACTIONS = new Set(['ADD', 'MODIFY', 'DROP', 'RENAME']);
/**
 * Table elements that are neither columns nor key or foreign-key constraints, by their first word and
 * the token that follows it: only CHECK is reserved, so a column may be named SCOPE or PERIOD.
 */
const NON_COLUMN_ELEMENTS: ReadonlyMap<string, string | undefined> = new Map([
  ['CHECK', undefined], ['SUPPLEMENTAL', 'LOG'], ['PERIOD', 'FOR'], ['SCOPE', 'FOR'], ['REF', '('],
]);
/** `ON SCHEMA`, `ON DATABASE` (system triggers) and `ON NESTED TABLE` name no table the trigger could mutate. */
const NON_TABLE_TRIGGER_TARGETS = new Set(['SCHEMA', 'DATABASE', 'NESTED']);
const TRIGGER_BODY_STARTS = new Set(['DECLARE', 'BEGIN', 'COMPOUND', 'CALL']);

interface QualifiedName {
  /** The object's own name, without schema. */
  readonly name: string;
  readonly next: number;
}

function readQualifiedName(tokens: readonly Token[], start: number): QualifiedName | undefined {
  let last = tokens[start];
  if (!isIdentifier(last)) return undefined;
  let next = start + 1;
  while (isSymbol(tokens[next], '.') && isIdentifier(tokens[next + 1])) {
    last = tokens[next + 1];
    next += 2;
  }
  return { name: last.value, next };
}

/** Parses one statement; `file` only labels syntax errors. */
export function describeStatement(statement: Statement, file: string): SchemaStatement | undefined {
  return new StatementReader(statement, file).describe();
}

class StatementReader {
  private readonly tokens: readonly Token[];

  constructor(
    private readonly statement: Statement,
    private readonly file: string,
  ) {
    this.tokens = statement.tokens;
  }

  describe(): SchemaStatement | undefined {
    const tokens = this.tokens;
    if (isWord(tokens[0], 'ALTER') && isWord(tokens[1], 'TABLE')) return this.alterTable();
    if (isWord(tokens[0], 'BEGIN') || isWord(tokens[0], 'DECLARE')) {
      return { kind: 'plsql-unit', description: 'anonymous PL/SQL block', line: this.statement.line };
    }
    if (!isWord(tokens[0], 'CREATE')) return undefined;
    let i = 1;
    while (tokens[i]?.kind === 'word' && CREATE_MODIFIERS.has(tokens[i].value)) i++;
    let temporary = false;
    while (tokens[i]?.kind === 'word' && TABLE_PREFIXES.has(tokens[i].value)) {
      if (tokens[i].value === 'TEMPORARY') temporary = true;
      i++;
    }
    const kind = tokens[i]?.kind === 'word' ? tokens[i].value : undefined;
    if (kind === 'TABLE') return this.createTable(i + 1, temporary);
    if (kind === 'SEQUENCE') return this.createSequence(i + 1);
    if (kind === 'TRIGGER') return this.createTrigger(i + 1);
    if (kind === 'UNIQUE' && isWord(tokens[i + 1], 'INDEX')) return this.createUniqueIndex(i + 2);
    if (kind !== undefined && PLSQL_UNIT_KINDS.has(kind)) return this.plsqlUnit(i);
    return undefined;
  }

  private fail(line: number, reason: string): never {
    throw new ScriptSyntaxError(this.file, line, reason);
  }

  private requireName(start: number, what: string): QualifiedName {
    const name = readQualifiedName(this.tokens, this.skipIfNotExists(start));
    return name ?? this.fail(this.tokens[start]?.line ?? this.statement.line, `${what} without a name`);
  }

  private skipIfNotExists(start: number): number {
    const tokens = this.tokens;
    const ifNotExists = isWord(tokens[start], 'IF') && isWord(tokens[start + 1], 'NOT') && isWord(tokens[start + 2], 'EXISTS');
    return ifNotExists ? start + 3 : start;
  }

  /** Index of the `)` that closes the `(` at `open`. */
  private closingParenthesis(open: number, end: number): number {
    let depth = 0;
    for (let i = open; i < end; i++) {
      const token = this.tokens[i];
      if (token.kind !== 'symbol') continue;
      if (token.value === '(') depth++;
      else if (token.value === ')' && --depth === 0) return i;
    }
    return this.fail(this.tokens[open].line, 'unbalanced parentheses');
  }

  /** The comma-separated elements of a parenthesised list, as [start, end) ranges. */
  private listElements(open: number, close: number): Array<[number, number]> {
    const elements: Array<[number, number]> = [];
    let depth = 0;
    let start = open + 1;
    for (let i = open + 1; i < close; i++) {
      const token = this.tokens[i];
      if (token.kind !== 'symbol') continue;
      if (token.value === '(') depth++;
      else if (token.value === ')') depth--;
      else if (token.value === ',' && depth === 0) {
        elements.push([start, i]);
        start = i + 1;
      }
    }
    elements.push([start, close]);
    return elements;
  }

  private identifierList(open: number, end: number): string[] {
    if (!isSymbol(this.tokens[open], '(')) return [];
    const close = this.closingParenthesis(open, end);
    return this.listElements(open, close).flatMap(([start]) => (isIdentifier(this.tokens[start]) ? [this.tokens[start].value] : []));
  }

  private createTable(start: number, temporary: boolean): SchemaStatement {
    const tokens = this.tokens;
    const name = this.requireName(start, 'CREATE TABLE');
    const elements: TableElements = { columns: [], keys: [], foreignKeyActions: [] };
    if (isSymbol(tokens[name.next], '(')) {
      const close = this.closingParenthesis(name.next, tokens.length);
      for (const [elementStart, elementEnd] of this.listElements(name.next, close)) {
        this.readTableElement(elementStart, elementEnd, elements, 'define');
      }
    }
    return { kind: 'create-table', table: name.name, line: this.statement.line, temporary, elements };
  }

  private alterTable(): SchemaStatement {
    const tokens = this.tokens;
    const end = tokens.length;
    const name = this.requireName(2, 'ALTER TABLE');
    const elements: TableElements = { columns: [], keys: [], foreignKeyActions: [] };
    let i = name.next;
    while (i < end) {
      const token = tokens[i];
      if (isSymbol(token, '(')) {
        i = this.closingParenthesis(i, end) + 1;
        continue;
      }
      const mode = isWord(token, 'ADD') ? 'define' : isWord(token, 'MODIFY') ? 'modify' : undefined;
      if (mode === undefined) {
        i++;
        continue;
      }
      if (isSymbol(tokens[i + 1], '(')) {
        const close = this.closingParenthesis(i + 1, end);
        for (const [elementStart, elementEnd] of this.listElements(i + 1, close)) {
          this.readTableElement(elementStart, elementEnd, elements, mode);
        }
        i = close + 1;
      } else {
        const elementEnd = this.nextAlterAction(i + 1, end);
        this.readTableElement(i + 1, elementEnd, elements, mode);
        i = elementEnd;
      }
    }
    return { kind: 'alter-table', table: name.name, line: this.statement.line, elements };
  }

  private nextAlterAction(start: number, end: number): number {
    let depth = 0;
    for (let i = start; i < end; i++) {
      const token = this.tokens[i];
      if (isSymbol(token, '(')) depth++;
      else if (isSymbol(token, ')')) depth--;
      else if (depth === 0 && token.kind === 'word' && ALTER_ACTIONS.has(token.value)) return i;
    }
    return end;
  }

  /**
   * One element of a table's column list, or of ALTER TABLE ADD/MODIFY. MODIFY of a constraint
   * only changes its state, so in `modify` mode only column definitions count.
   */
  private readTableElement(start: number, end: number, into: TableElements, mode: 'define' | 'modify'): void {
    const tokens = this.tokens;
    const first = tokens[start];
    if (!isIdentifier(first)) return;
    const isConstraint = first.kind === 'word' && (first.value === 'CONSTRAINT' || first.value === 'PRIMARY' || first.value === 'UNIQUE' || first.value === 'FOREIGN');
    if (isConstraint) {
      if (mode === 'define') this.readOutOfLineConstraint(start, end, into);
      return;
    }
    if (first.kind === 'word' && NON_COLUMN_ELEMENTS.has(first.value)) {
      const follower = NON_COLUMN_ELEMENTS.get(first.value);
      if (follower === undefined || tokens[start + 1]?.value === follower) return;
    }
    this.readColumn(start, end, into);
  }

  private readOutOfLineConstraint(start: number, end: number, into: TableElements): void {
    const tokens = this.tokens;
    let i = start;
    let constraint: string | undefined;
    if (isWord(tokens[i], 'CONSTRAINT')) {
      constraint = isIdentifier(tokens[i + 1]) ? tokens[i + 1].value : undefined;
      i += 2;
    }
    const line = tokens[i]?.line ?? tokens[start].line;
    if (isWord(tokens[i], 'PRIMARY') && isWord(tokens[i + 1], 'KEY')) {
      into.keys.push({ name: constraint, kind: 'PRIMARY KEY', columns: this.identifierList(i + 2, end), line });
    } else if (isWord(tokens[i], 'UNIQUE')) {
      into.keys.push({ name: constraint, kind: 'UNIQUE', columns: this.identifierList(i + 1, end), line });
    } else if (isWord(tokens[i], 'FOREIGN')) {
      for (let j = i; j < end; j++) {
        if (isWord(tokens[j], 'REFERENCES')) {
          this.readReferences(j, end, constraint, into);
          break;
        }
      }
    }
  }

  private readColumn(start: number, end: number, into: TableElements): void {
    const tokens = this.tokens;
    const column = tokens[start].value;
    const typeToken = tokens[start + 1];
    const dataType = start + 1 < end && typeToken.kind === 'word' && !COLUMN_CLAUSE_STARTS.has(typeToken.value) ? typeToken.value : undefined;
    let defaultValue: DefaultValue | undefined;
    let constraint: string | undefined;
    let depth = 0;
    for (let i = start + 1; i < end; i++) {
      const token = tokens[i];
      if (token.kind === 'symbol') {
        if (token.value === '(') depth++;
        else if (token.value === ')') depth--;
        continue;
      }
      if (depth > 0 || token.kind !== 'word') continue;
      switch (token.value) {
        case 'DEFAULT':
          defaultValue = this.readDefault(i + 1, end);
          break;
        case 'CONSTRAINT':
          constraint = isIdentifier(tokens[i + 1]) ? tokens[i + 1].value : undefined;
          break;
        case 'PRIMARY':
          if (isWord(tokens[i + 1], 'KEY')) into.keys.push({ name: constraint, kind: 'PRIMARY KEY', columns: [column], line: token.line });
          break;
        case 'UNIQUE':
          into.keys.push({ name: constraint, kind: 'UNIQUE', columns: [column], line: token.line });
          break;
        case 'REFERENCES':
          this.readReferences(i, end, constraint, into);
          break;
      }
    }
    into.columns.push({ name: column, line: tokens[start].line, dataType, defaultValue });
  }

  /** `DEFAULT [ON NULL] expr`, read up to the next column constraint. */
  private readDefault(start: number, end: number): DefaultValue | undefined {
    const tokens = this.tokens;
    let i = start;
    if (isWord(tokens[i], 'ON') && isWord(tokens[i + 1], 'NULL')) i += 2;
    const first = i;
    let depth = 0;
    for (; i < end; i++) {
      const token = tokens[i];
      if (isSymbol(token, '(')) depth++;
      else if (isSymbol(token, ')')) depth--;
      // `DEFAULT NULL` is an expression; a later NULL is the column's NULL constraint.
      else if (depth === 0 && i > first && token.kind === 'word' && DEFAULT_ENDS.has(token.value)) break;
    }
    if (i === first) return undefined;
    const expression = tokens.slice(first, i);
    const literal = expression.length === 1 && expression[0].kind === 'string' ? expression[0].value : undefined;
    return { literal, text: renderTokens(expression), line: tokens[first].line };
  }

  /** `REFERENCES table [(columns)] [ON DELETE ...] [ON UPDATE ...]` at `start`. */
  private readReferences(start: number, end: number, constraint: string | undefined, into: TableElements): void {
    const tokens = this.tokens;
    const referenced = readQualifiedName(tokens, start + 1);
    if (referenced === undefined) return;
    let i = referenced.next;
    if (isSymbol(tokens[i], '(')) i = this.closingParenthesis(i, end) + 1;
    while (i < end && isWord(tokens[i], 'ON')) {
      const on = tokens[i];
      const event = tokens[i + 1]?.value;
      const action = isWord(tokens[i + 2], 'SET') || isWord(tokens[i + 2], 'NO') ? 2 : 1;
      const actionWords = tokens.slice(i + 2, i + 2 + action).map((token) => token.value).join(' ');
      const propagates = event === 'UPDATE' || (event === 'DELETE' && (actionWords === 'CASCADE' || actionWords.startsWith('SET ')));
      if (propagates) {
        into.foreignKeyActions.push({ constraint, referencedTable: referenced.name, action: `ON ${event} ${actionWords}`, line: on.line });
      }
      i += 2 + action;
    }
  }

  private createUniqueIndex(start: number): SchemaStatement {
    const tokens = this.tokens;
    const index = this.requireName(start, 'CREATE UNIQUE INDEX');
    const table = isWord(tokens[index.next], 'ON') ? readQualifiedName(tokens, index.next + 1) : undefined;
    if (table === undefined) return this.fail(this.statement.line, `CREATE UNIQUE INDEX ${displayName(index.name)} without ON <table>`);
    return { kind: 'create-unique-index', index: index.name, table: table.name, line: this.statement.line, columns: this.indexColumns(table.next) };
  }

  /** `(col [ASC|DESC], ...)` at `open`; undefined when an element is anything else (an expression). */
  private indexColumns(open: number): string[] | undefined {
    const tokens = this.tokens;
    if (!isSymbol(tokens[open], '(')) return undefined;
    const close = this.closingParenthesis(open, tokens.length);
    const columns: string[] = [];
    for (const [start, end] of this.listElements(open, close)) {
      const plainColumn = isIdentifier(tokens[start]) && (end === start + 1 || (end === start + 2 && (isWord(tokens[start + 1], 'ASC') || isWord(tokens[start + 1], 'DESC'))));
      if (!plainColumn) return undefined;
      columns.push(tokens[start].value);
    }
    return columns;
  }

  private createSequence(start: number): SchemaStatement {
    const tokens = this.tokens;
    const sequence = this.requireName(start, 'CREATE SEQUENCE');
    let startWith: SequenceNumber = 1n;
    let incrementBy: SequenceNumber = 1n;
    for (let i = sequence.next; i < tokens.length; i++) {
      if (isWord(tokens[i], 'START') && isWord(tokens[i + 1], 'WITH')) startWith = this.integerAt(i + 2);
      else if (isWord(tokens[i], 'INCREMENT') && isWord(tokens[i + 1], 'BY')) incrementBy = this.integerAt(i + 2);
    }
    return { kind: 'create-sequence', sequence: sequence.name, line: this.statement.line, start: startWith, increment: incrementBy };
  }

  /** A signed literal integer at `start`, or undefined for anything else (a substitution variable, a decimal). */
  private integerAt(start: number): SequenceNumber {
    const tokens = this.tokens;
    let i = start;
    let negative = false;
    while (isSymbol(tokens[i], '-') || isSymbol(tokens[i], '+')) {
      if (tokens[i].value === '-') negative = !negative;
      i++;
    }
    const token = tokens[i];
    if (token?.kind !== 'number' || !/^\d+$/.test(token.value)) return undefined;
    const value = BigInt(token.value);
    return negative ? -value : value;
  }

  private createTrigger(start: number): SchemaStatement {
    const tokens = this.tokens;
    const end = tokens.length;
    const trigger = this.requireName(start, 'CREATE TRIGGER');
    let table: string | undefined;
    let sawOn = false;
    let forEachRow = false;
    let bodyStart = end;
    let depth = 0;
    for (let i = trigger.next; i < end; i++) {
      const token = tokens[i];
      if (isSymbol(token, '(')) depth++;
      else if (isSymbol(token, ')')) depth--;
      if (depth > 0 || token.kind !== 'word') continue;
      if (token.value === 'ON' && !sawOn) {
        sawOn = true;
        const target = tokens[i + 1];
        const onTable = !(target?.kind === 'word' && NON_TABLE_TRIGGER_TARGETS.has(target.value));
        table = onTable ? readQualifiedName(tokens, i + 1)?.name : undefined;
      } else if (token.value === 'FOR' && isWord(tokens[i + 1], 'EACH') && isWord(tokens[i + 2], 'ROW')) {
        forEachRow = true;
      } else if (TRIGGER_BODY_STARTS.has(token.value)) {
        bodyStart = i;
        break;
      }
    }
    const compound = isWord(tokens[bodyStart], 'COMPOUND');
    const rowLevelDml: DmlStatement[] = [];
    const nextvalReferences: SequenceReference[] = [];
    // A compound trigger's statement-level sections may change its table; only EACH ROW ones may not.
    let inRowLevelCode = forEachRow && !compound;
    for (let i = bodyStart; i < end; i++) {
      const token = tokens[i];
      if (token.kind !== 'word') continue;
      if (compound && token.value === 'EACH' && isWord(tokens[i + 1], 'ROW')) {
        // `BEFORE|AFTER EACH ROW IS` opens a row section, `END BEFORE|AFTER EACH ROW` closes it. INSTEAD OF
        // EACH ROW is the only section a compound trigger on a view may have, so its end needs no tracking.
        inRowLevelCode = !isWord(tokens[i - 2], 'END');
      } else if (token.value === 'NEXTVAL' && isSymbol(tokens[i - 1], '.') && isIdentifier(tokens[i - 2])) {
        nextvalReferences.push({ sequence: tokens[i - 2].value, line: token.line });
      } else if (inRowLevelCode) {
        const dml = this.dmlAt(i);
        if (dml !== undefined) rowLevelDml.push(dml);
      }
    }
    return {
      kind: 'create-trigger',
      trigger: trigger.name,
      line: this.statement.line,
      table,
      rowLevelDml,
      nextvalReferences,
    };
  }

  /** The DML statement starting at `i`, if any: INSERT INTO t, UPDATE t, DELETE [FROM] t, MERGE INTO t. */
  private dmlAt(i: number): DmlStatement | undefined {
    const tokens = this.tokens;
    const token = tokens[i];
    // Words that only look like DML (`ids.DELETE;`, `FOR UPDATE NOWAIT`) are followed by no table name or a keyword.
    let target: QualifiedName | undefined;
    switch (token.value) {
      case 'INSERT':
      case 'MERGE':
        target = isWord(tokens[i + 1], 'INTO') ? readQualifiedName(tokens, i + 2) : undefined;
        break;
      case 'UPDATE':
        target = readQualifiedName(tokens, i + 1);
        break;
      case 'DELETE':
        target = readQualifiedName(tokens, isWord(tokens[i + 1], 'FROM') ? i + 2 : i + 1);
        break;
      default:
        return undefined;
    }
    if (target === undefined) return undefined;
    return { verb: token.value as DmlStatement['verb'], table: target.name, line: token.line };
  }

  private plsqlUnit(kindIndex: number): SchemaStatement {
    const tokens = this.tokens;
    const isBody = isWord(tokens[kindIndex + 1], 'BODY');
    const kind = tokens[kindIndex].value.toLowerCase() + (isBody ? ' body' : '');
    const name = readQualifiedName(tokens, this.skipIfNotExists(kindIndex + (isBody ? 2 : 1)));
    const description = name === undefined ? kind : `${kind} ${displayName(name.name)}`;
    return { kind: 'plsql-unit', description, name: name === undefined ? undefined : displayName(name.name), line: this.statement.line };
  }
}

/** Tokens back to readable SQL for messages, e.g. `SYS_CONTEXT('USERENV', 'DB_NAME')`. */
function renderTokens(tokens: readonly Token[]): string {
  let text = '';
  let previous: Token | undefined;
  for (const token of tokens) {
    const rendered =
      token.kind === 'string' ? `'${token.value.replaceAll("'", "''")}'` : token.kind === 'quoted-identifier' ? `"${token.value}"` : token.value;
    const joined = previous === undefined || isSymbol(previous, '(') || isSymbol(previous, '.') || isSymbol(token, ')') || isSymbol(token, ',') || isSymbol(token, '.') || (isSymbol(token, '(') && previous.kind === 'word');
    text += joined ? rendered : ` ${rendered}`;
    previous = token;
  }
  return text;
}
