/**
 * The multi-DC rules. Statements are fed in reading order; rules that need the whole input (a key
 * added by a later ALTER TABLE, a sequence created in another file) are settled in `finish()`.
 */
import type { Statement } from './lexer';
import {
  describeStatement,
  displayName,
  type ColumnDefinition,
  type DefaultValue,
  type KeyConstraint,
  type SchemaStatement,
  type SequenceNumber,
  type TableElements,
} from './ddl';

export const RULE_IDS = [
  'cascade',
  'missing-key',
  'unterminated-block',
  'self-mutating-trigger',
  'dcid',
  'sequence-stripe',
  'trigger-sequence',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule: RuleId;
  /** The object the finding is about (table, trigger, sequence or PL/SQL unit), as displayed in the message. */
  readonly object: string;
  readonly message: string;
}

export interface RuleOptions {
  /** This DC's id: the DCID default IDN_OAUTH2_ACCESS_TOKEN must have. */
  readonly dc?: string;
  /** This DC's sequence stripe: START WITH ≡ index (mod count), INCREMENT BY count. */
  readonly stripe?: { readonly index: number; readonly count: number };
}

const TOKEN_TABLE = 'IDN_OAUTH2_ACCESS_TOKEN';
const TOKEN_TABLE_KEY = 'CON_APP_KEY';
const DCID = 'DCID';

interface Located<T> {
  readonly file: string;
  readonly item: T;
}

interface CreatedTable {
  readonly file: string;
  readonly line: number;
  readonly table: string;
  readonly temporary: boolean;
  readonly elements: TableElements;
}

interface NextvalUse {
  readonly file: string;
  readonly line: number;
  readonly trigger: string;
  readonly sequence: string;
}

export class RuleEngine {
  private readonly findings: Finding[] = [];
  private readonly createdTables: CreatedTable[] = [];
  /** ALTER TABLE additions by table name, from any file. */
  private readonly alterations = new Map<string, Array<Located<TableElements>>>();
  /** Tables given a key after their CREATE TABLE: by ALTER TABLE or CREATE UNIQUE INDEX. */
  private readonly laterKeyedTables = new Set<string>();
  private readonly createdSequences = new Set<string>();
  private readonly nextvalUses: NextvalUse[] = [];

  constructor(private readonly options: RuleOptions = {}) {}

  add(file: string, statement: Statement): void {
    const described = describeStatement(statement, file);
    if (statement.end === 'period' || (statement.isPlsql && (statement.end === 'next-statement' || statement.end === 'end-of-file'))) {
      this.reportUnterminatedBlock(file, statement, described);
    }
    switch (described?.kind) {
      case 'create-table':
        this.createdTables.push({ file, ...described });
        this.reportCascades(file, described.table, described.elements);
        break;
      case 'alter-table': {
        const alterations = this.alterations.get(described.table) ?? [];
        alterations.push({ file, item: described.elements });
        this.alterations.set(described.table, alterations);
        if (described.elements.keys.length > 0) this.laterKeyedTables.add(described.table);
        this.reportCascades(file, described.table, described.elements);
        break;
      }
      case 'create-unique-index':
        this.laterKeyedTables.add(described.table);
        break;
      case 'create-sequence':
        this.createdSequences.add(described.sequence);
        this.checkStripe(file, described.sequence, described.line, described.start, described.increment);
        break;
      case 'create-trigger':
        for (const dml of described.rowLevelDml) {
          if (described.table !== undefined && dml.table === described.table) {
            const table = displayName(described.table);
            this.report(file, dml.line, 'self-mutating-trigger', displayName(described.trigger), `row trigger ${displayName(described.trigger)} on ${table} runs ${dml.verb} on ${table}; Oracle raises ORA-04091 (table is mutating) when it fires`);
          }
        }
        for (const use of described.nextvalReferences) {
          this.nextvalUses.push({ file, line: use.line, trigger: described.trigger, sequence: use.sequence });
        }
        break;
    }
  }

  /** Findings that depend on the whole input, added to those found statement by statement. */
  finish(): Finding[] {
    for (const created of this.createdTables) {
      const hasKey = created.elements.keys.length > 0 || this.laterKeyedTables.has(created.table);
      if (!created.temporary && !hasKey) {
        this.report(created.file, created.line, 'missing-key', displayName(created.table), `table ${displayName(created.table)} has no primary key or unique constraint; GoldenGate needs one to match rows and detect conflicts`);
      }
      if (created.table === TOKEN_TABLE) this.checkTokenTable(created);
    }
    for (const use of this.nextvalUses) {
      if (!this.createdSequences.has(use.sequence)) {
        this.report(use.file, use.line, 'trigger-sequence', displayName(use.trigger), `trigger ${displayName(use.trigger)} takes NEXTVAL from sequence ${displayName(use.sequence)}, which the input never creates`);
      }
    }
    return this.findings;
  }

  private report(file: string, line: number, rule: RuleId, object: string, message: string): void {
    this.findings.push({ file, line, rule, object, message });
  }

  private reportUnterminatedBlock(file: string, statement: Statement, described: SchemaStatement | undefined): void {
    const unit =
      described?.kind === 'create-trigger' ? `trigger ${displayName(described.trigger)}`
      : described?.kind === 'plsql-unit' ? described.description
      : described?.kind === 'create-table' ? `CREATE TABLE ${displayName(described.table)}`
      : statement.isPlsql ? 'PL/SQL block'
      : `${statement.tokens[0].value} statement`;
    const unitName = described?.kind === 'create-trigger' ? displayName(described.trigger) : described?.kind === 'plsql-unit' ? (described.name ?? unit) : unit;
    if (statement.end === 'period') {
      this.report(file, statement.line, 'unterminated-block', unitName, `${unit} ends at the . line on line ${statement.endLine} with no / line after it; SQL*Plus ends its entry there without running it`);
      return;
    }
    const where = statement.end === 'end-of-file' ? 'before the end of the file' : `before the next statement on line ${statement.endLine}`;
    this.report(file, statement.line, 'unterminated-block', unitName, `${unit} is not followed by a / line ${where}; SQL*Plus will not run it`);
  }

  private reportCascades(file: string, table: string, elements: TableElements): void {
    for (const foreignKey of elements.foreignKeyActions) {
      const constraint = foreignKey.constraint === undefined ? '' : ` ${displayName(foreignKey.constraint)}`;
      this.report(file, foreignKey.line, 'cascade', displayName(table), `foreign key${constraint} on ${displayName(table)} references ${displayName(foreignKey.referencedTable)} with ${foreignKey.action}; it fires again when the parent change replicates to the other DC; replace it with a trigger`);
    }
  }

  private checkStripe(file: string, sequence: string, line: number, start: SequenceNumber, increment: SequenceNumber): void {
    const { stripe, dc } = this.options;
    if (stripe === undefined) return;
    const count = BigInt(stripe.count);
    const index = BigInt(stripe.index);
    const name = displayName(sequence);
    const dcName = dc ?? `DC${stripe.index}`;
    if (start === undefined || increment === undefined) {
      this.report(file, line, 'sequence-stripe', name, `sequence ${name} has a START WITH or INCREMENT BY that is not a literal integer; cannot confirm it is on ${dcName}'s stripe`);
      return;
    }
    const onStripe = increment === count && (((start - index) % count) + count) % count === 0n;
    if (!onStripe) {
      const stripeValues = [index, index + count, index + 2n * count].join(', ');
      this.report(file, line, 'sequence-stripe', name, `sequence ${name} has START WITH ${start} INCREMENT BY ${increment}; ${dcName} of ${count} DCs needs INCREMENT BY ${count} and a START WITH in ${stripeValues}, ...`);
    }
  }

  /** DCID column, DCID in CON_APP_KEY, and (with a DC id) DCID's default, counting later ALTER TABLEs. */
  private checkTokenTable(created: CreatedTable): void {
    const table = displayName(created.table);
    const alterations = this.alterations.get(created.table) ?? [];
    const located = <T>(items: readonly T[], file: string): Array<Located<T>> => items.map((item) => ({ file, item }));
    const columns: Array<Located<ColumnDefinition>> = [
      ...located(created.elements.columns, created.file),
      ...alterations.flatMap((alteration) => located(alteration.item.columns, alteration.file)),
    ];
    const keys: Array<Located<KeyConstraint>> = [
      ...located(created.elements.keys, created.file),
      ...alterations.flatMap((alteration) => located(alteration.item.keys, alteration.file)),
    ];
    const dcidColumns = columns.filter((column) => column.item.name === DCID);
    if (dcidColumns.length === 0) {
      this.report(created.file, created.line, 'dcid', table, `${table} has no DCID column; the same token request in two DCs then collides on ${TOKEN_TABLE_KEY}`);
    }
    const appKey = keys.find((key) => key.item.name === TOKEN_TABLE_KEY);
    if (appKey === undefined) {
      this.report(created.file, created.line, 'dcid', table, `${table} has no ${TOKEN_TABLE_KEY} unique constraint to hold DCID`);
    } else if (!appKey.item.columns.includes(DCID)) {
      this.report(appKey.file, appKey.item.line, 'dcid', table, `${TOKEN_TABLE_KEY} on ${table} does not include DCID, so tokens issued in different DCs still collide`);
    }
    const expected = this.options.dc;
    if (expected === undefined || dcidColumns.length === 0) return;
    // The last definition with a default wins: ALTER TABLE ... MODIFY (DCID DEFAULT 'DC2') overrides CREATE TABLE.
    let effective: Located<DefaultValue> | undefined;
    for (const column of dcidColumns) {
      if (column.item.defaultValue !== undefined) effective = { file: column.file, item: column.item.defaultValue };
    }
    const expectedLiteral = `'${expected.replaceAll("'", "''")}'`;
    if (effective === undefined) {
      const column = dcidColumns[0];
      this.report(column.file, column.item.line, 'dcid', table, `DCID on ${table} has no default; this DC needs DEFAULT ${expectedLiteral}`);
    } else if (effective.item.literal !== expected) {
      this.report(effective.file, effective.item.line, 'dcid', table, `DCID on ${table} defaults to ${effective.item.text}; this DC needs DEFAULT ${expectedLiteral}`);
    }
  }
}
