/**
 * pack:check's library entry point, pure (no file system): builds each schema as the boot does
 * (the pack's scripts as SQL*Plus runs them, then our remedies), reports every defect of the pack
 * with the remedy that covers it, and judges the resulting schema against the multi-DC rules. Given
 * the committed GoldenGate table knowledge, it also reports where the pack's scripts give other
 * keys or LOB columns than the files the plan renders assume.
 */
import { describeStatement, displayName, type SchemaStatement } from '../sql-check/ddl';
import type { Statement } from '../sql-check/lexer';
import { RuleEngine, type Finding } from '../sql-check/rules';
import { PACK_SCRIPTS, REMEDIES, type Detection, type PackSchema, type Remedy } from '../../lib/pack/remedies';
import { compareTableKnowledge, deriveTableKnowledge, TableKnowledgeError, type TableKnowledge } from '../../lib/goldengate/table-knowledge';
import { readRemedyBlocks } from './remedy-sql';
import { runAsSqlPlus, type UnterminatedUnit } from './sqlplus-run';

export interface PackCheckInput {
  /** The pack's scripts by their path under `dbscripts/multi-dc/oracle/` (PACK_SCRIPTS). */
  readonly pack: Readonly<Record<string, string>>;
  /** Our remedy files by schema: their path as shown, and their text. */
  readonly remedies: Readonly<Record<PackSchema, { readonly path: string; readonly text: string }>>;
  /** Tables goldengateKeyColumns gives KEYCOLS, by schema: they may stay keyless. */
  readonly keyColumnTables?: Readonly<Partial<Record<PackSchema, readonly string[]>>>;
  /** The table knowledge the GoldenGate files are rendered from (the committed file), to compare with the pack's. */
  readonly tableKnowledge?: { readonly path: string; readonly knowledge: TableKnowledge };
}

export interface TableKnowledgeReport {
  /** The knowledge file compared with, as shown. */
  readonly path: string;
  /** Where the pack's scripts give other keys or LOB columns, one line each. */
  readonly differences: string[];
  /** Why the pack's knowledge could not be derived (a statement the derivation does not follow). */
  readonly underivable?: string;
}

export interface Defect {
  readonly finding: Finding;
  /** The remedy that covers it, when one applies. */
  readonly remedy?: Remedy;
  /** Why the defect is acceptable without a remedy (a keyless table with KEYCOLS). */
  readonly accepted?: string;
}

export interface SchemaReport {
  readonly schema: PackSchema;
  readonly files: readonly string[];
  readonly remedyFile: string;
  readonly defects: Defect[];
  /** Remedies of this schema whose defect the pack does not have, with the reason. */
  readonly notNeeded: Array<{ readonly remedy: Remedy; readonly reason: string }>;
  /** What is still wrong with the schema the boot builds: each names its object. */
  readonly problems: Finding[];
}

export interface PackReport {
  readonly schemas: SchemaReport[];
  readonly tableKnowledge?: TableKnowledgeReport;
  readonly ok: boolean;
}

const TOKEN_TABLE = 'IDN_OAUTH2_ACCESS_TOKEN';

interface Entry {
  readonly file: string;
  readonly statement: Statement;
  readonly described: SchemaStatement | undefined;
  /** A unit stored with compilation errors (it swallowed statements after its END). */
  readonly invalid: boolean;
}

/** The objects a schema holds after a series of statements ran, kept as the statements that made them. */
class SchemaModel {
  private readonly entries: Entry[] = [];

  add(file: string, statement: Statement, invalid = false): void {
    const described = describeStatement(statement, file);
    if (described?.kind === 'create-trigger') {
      // CREATE OR REPLACE TRIGGER replaces the trigger of that name.
      const replaced = this.entries.findIndex((entry) => entry.described?.kind === 'create-trigger' && entry.described.trigger === described.trigger);
      if (replaced >= 0) this.entries.splice(replaced, 1);
    }
    this.entries.push({ file, statement, described, invalid });
  }

  hasTable(table: string): boolean {
    return this.entries.some((entry) => entry.described?.kind === 'create-table' && entry.described.table === table);
  }

  trigger(name: string): { entry: Entry; described: Extract<SchemaStatement, { kind: 'create-trigger' }> } | undefined {
    for (const entry of this.entries) {
      if (entry.described?.kind === 'create-trigger' && entry.described.trigger === name) return { entry, described: entry.described };
    }
    return undefined;
  }

  /** Whether a named unit (trigger, procedure, ...) exists and compiled. */
  hasValidUnit(name: string): boolean {
    return this.entries.some((entry) => {
      const described = entry.described;
      const unitName = described?.kind === 'create-trigger' ? displayName(described.trigger) : described?.kind === 'plsql-unit' ? described.name : undefined;
      return unitName === name && !entry.invalid;
    });
  }

  isKeyed(table: string): boolean {
    return this.entries.some(({ described }) =>
      (described?.kind === 'create-table' || described?.kind === 'alter-table') ? described.table === table && described.elements.keys.length > 0
      : described?.kind === 'create-unique-index' ? described.table === table
      : false);
  }

  /** sql:check's rules over the statements that made the schema; invalid units are reported apart. */
  findings(): Finding[] {
    const engine = new RuleEngine();
    for (const entry of this.entries) if (!entry.invalid) engine.add(entry.file, entry.statement);
    return engine.finish();
  }
}

interface DetectionResult {
  readonly present: boolean;
  readonly reason: string;
  /** The defect is there but the remedy cannot fix it (its SQL stops the boot with this reason). */
  readonly blocker?: string;
}

function detect(model: SchemaModel, detection: Detection, keyColumnTables: ReadonlySet<string>): DetectionResult {
  switch (detection.kind) {
    case 'missing-trigger': {
      if (model.trigger(detection.trigger) !== undefined) return { present: false, reason: `trigger ${detection.trigger} exists` };
      const missing = detection.tables.filter((table) => !model.hasTable(table));
      if (missing.length > 0) return { present: false, reason: `no table ${missing.join(', ')}` };
      return { present: true, reason: `no trigger ${detection.trigger}` };
    }
    case 'self-deleting-trigger': {
      const trigger = model.trigger(detection.trigger);
      if (trigger === undefined || trigger.described.table !== detection.table) {
        return { present: false, reason: `no trigger ${detection.trigger} on ${detection.table}` };
      }
      const deletesItsTable = trigger.described.rowLevelDml.some((dml) => dml.verb === 'DELETE' && dml.table === detection.table);
      if (!deletesItsTable) return { present: false, reason: `${detection.trigger} does not delete from ${detection.table}` };
      const blocker = model.hasTable(detection.child) ? undefined : `table ${detection.child}, whose rows the trigger should delete, is missing`;
      return { present: true, reason: `${detection.trigger} deletes from its own table`, blocker };
    }
    case 'keyless-table': {
      if (!model.hasTable(detection.table)) return { present: false, reason: `no table ${detection.table}` };
      if (model.isKeyed(detection.table)) return { present: false, reason: `${detection.table} has a key` };
      if (keyColumnTables.has(detection.table)) return { present: false, reason: `goldengateKeyColumns gives ${detection.table} KEYCOLS` };
      return { present: true, reason: `${detection.table} has no key` };
    }
  }
}

function unterminatedFinding(file: string, run: UnterminatedUnit): Finding {
  const described = describeStatement(run.unit, file);
  const unit = described?.kind === 'create-trigger' ? `trigger ${displayName(described.trigger)}` : described?.kind === 'plsql-unit' ? described.description : 'PL/SQL block';
  const object = described?.kind === 'create-trigger' ? displayName(described.trigger) : described?.kind === 'plsql-unit' ? (described.name ?? unit) : unit;
  let message: string;
  if (run.unit.end === 'period') {
    message = `${unit} ends at the . line on line ${run.unit.endLine} with no / line after it; SQL*Plus never runs it`;
  } else if (run.swallowed.length === 0) {
    message = `${unit} has no / line before the end of the file; SQL*Plus never runs it`;
  } else {
    const lost = run.swallowed.map((statement) => describeObject(statement, file)).join(', ');
    const fate = run.sentAtLine === undefined ? 'and never runs any of it' : `and sends it all as one statement at the / on line ${run.sentAtLine}, so ${unit} gets compilation errors`;
    message = `${unit} has no / line: SQL*Plus reads lines ${run.swallowed[0].line}-${run.swallowed[run.swallowed.length - 1].endLine} into the same buffer (${lost}) ${fate}; those statements never run`;
  }
  return { file, line: run.unit.line, rule: 'unterminated-block', object, message };
}

/** The name of the object a statement creates, if it creates one. */
function createdName(statement: Statement, file: string): string | undefined {
  const described = describeStatement(statement, file);
  switch (described?.kind) {
    case 'create-table': return displayName(described.table);
    case 'create-unique-index': return displayName(described.index);
    case 'create-sequence': return displayName(described.sequence);
    case 'create-trigger': return displayName(described.trigger);
    case 'plsql-unit': return described.name;
    default: return undefined;
  }
}

/** `table T`, `sequence S`: a short label for a statement in messages. */
function describeObject(statement: Statement, file: string): string {
  const described = describeStatement(statement, file);
  switch (described?.kind) {
    case 'create-table': return `table ${displayName(described.table)}`;
    case 'alter-table': return `ALTER TABLE ${displayName(described.table)}`;
    case 'create-unique-index': return `index ${displayName(described.index)}`;
    case 'create-sequence': return `sequence ${displayName(described.sequence)}`;
    case 'create-trigger': return `trigger ${displayName(described.trigger)}`;
    case 'plsql-unit': return described.description;
    default: return statement.tokens.slice(0, 3).map((token) => token.value).join(' ');
  }
}

function checkSchema(schema: PackSchema, input: PackCheckInput): SchemaReport {
  const files = PACK_SCRIPTS[schema];
  const keyColumnTables = new Set((input.keyColumnTables?.[schema] ?? []).map((table) => table.toUpperCase()));
  const remedyFile = input.remedies[schema];
  const blocks = readRemedyBlocks(remedyFile.text, remedyFile.path);
  const model = new SchemaModel();
  const unterminated: Array<{ file: string; run: UnterminatedUnit }> = [];

  for (const file of files) {
    const text = input.pack[file];
    if (text === undefined) throw new Error(`the pack has no ${file}`);
    const run = runAsSqlPlus(text, file);
    for (const statement of run.ran) model.add(file, statement);
    for (const unit of run.unterminated) {
      unterminated.push({ file, run: unit });
      // A named unit sent together with what it swallowed is stored, with compilation errors.
      if (unit.sentAtLine !== undefined) model.add(file, unit.unit, true);
    }
  }

  const found = [...model.findings(), ...unterminated.map(({ file, run }) => unterminatedFinding(file, run))];
  const remedies = REMEDIES.filter((remedy) => remedy.schema === schema);
  const detections = new Map(remedies.map((remedy) => [remedy.id, detect(model, remedy.detection, keyColumnTables)]));
  const defects: Defect[] = found.sort(byPlace).map((finding) => {
    const remedy = remedies.find((candidate) => candidate.rule === finding.rule && candidate.object === finding.object);
    const detection = remedy === undefined ? undefined : detections.get(remedy.id);
    if (remedy !== undefined && detection?.present === true && detection.blocker === undefined) return { finding, remedy };
    if (finding.rule === 'missing-key' && keyColumnTables.has(finding.object)) return { finding, accepted: 'goldengateKeyColumns gives it KEYCOLS' };
    return { finding };
  });
  const notNeeded = remedies.flatMap((remedy) => {
    const detection = detections.get(remedy.id)!;
    return detection.present ? [] : [{ remedy, reason: detection.reason }];
  });

  // Apply the remedies the boot would apply, from the remedy file itself.
  for (const remedy of remedies) {
    const detection = detections.get(remedy.id)!;
    if (!detection.present || detection.blocker !== undefined) continue;
    const block = blocks.get(remedy.id);
    if (block === undefined) throw new Error(`${remedyFile.path} has no block for remedy ${remedy.id}`);
    for (const statement of block.ddl) model.add(remedyFile.path, statement);
  }

  const problems: Finding[] = model.findings().filter((finding) => !(finding.rule === 'missing-key' && keyColumnTables.has(finding.object)));
  for (const [id, detection] of detections) {
    if (detection.present && detection.blocker !== undefined) {
      const remedy = remedies.find((candidate) => candidate.id === id)!;
      problems.push({ file: remedyFile.path, line: blocks.get(id)?.line ?? 0, rule: remedy.rule, object: remedy.object, message: `remedy ${id} cannot apply: ${detection.blocker}` });
    }
  }
  for (const { file, run } of unterminated) {
    const finding = unterminatedFinding(file, run);
    const named = finding.object !== 'PL/SQL block' && !finding.object.startsWith('anonymous');
    if (run.swallowed.length > 0 || !named || !model.hasValidUnit(finding.object)) problems.push(finding);
    for (const statement of run.swallowed) {
      const created = createdName(statement, file);
      if (created === undefined) continue;
      problems.push({ file, line: statement.line, rule: 'unterminated-block', object: created, message: `${describeObject(statement, file)} is never created: SQL*Plus reads it into the buffer of ${finding.object}, whose / line is missing` });
    }
  }
  if (schema === 'AM_DB' && !model.hasTable(TOKEN_TABLE)) {
    problems.push({ file: files[0], line: 1, rule: 'dcid', object: TOKEN_TABLE, message: `the AM_DB scripts never create ${TOKEN_TABLE}, whose DCID keeps tokens of two DCs apart` });
  }
  return { schema, files, remedyFile: remedyFile.path, defects, notNeeded, problems: problems.sort(byPlace) };
}

function byPlace(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.object.localeCompare(b.object);
}

/** Throws ScriptSyntaxError for a script that cannot be read as SQL, Error for a missing pack script. */
export function checkPack(input: PackCheckInput): PackReport {
  const schemas = (['SHARED_DB', 'AM_DB'] as const).map((schema) => checkSchema(schema, input));
  const tableKnowledge = input.tableKnowledge === undefined ? undefined : compareKnowledge(input.pack, input.tableKnowledge);
  const knowledgeHolds = tableKnowledge === undefined || (tableKnowledge.differences.length === 0 && tableKnowledge.underivable === undefined);
  return { schemas, tableKnowledge, ok: knowledgeHolds && schemas.every((schema) => schema.problems.length === 0) };
}

function compareKnowledge(pack: PackCheckInput['pack'], committed: NonNullable<PackCheckInput['tableKnowledge']>): TableKnowledgeReport {
  try {
    return { path: committed.path, differences: compareTableKnowledge(committed.knowledge, deriveTableKnowledge(pack), committed.path, 'the pack') };
  } catch (error) {
    if (!(error instanceof TableKnowledgeError)) throw error;
    return { path: committed.path, differences: [], underivable: error.message };
  }
}

const formatFinding = (finding: Finding): string => `${finding.file}:${finding.line}: ${finding.rule}: ${finding.message}`;

/** The report as pack:check prints it. */
export function formatPackReport(report: PackReport): string[] {
  const lines: string[] = [];
  let defectCount = 0;
  let coveredCount = 0;
  for (const schema of report.schemas) {
    lines.push(`${schema.schema} (${schema.files.join(', ')}, then ${schema.remedyFile})`);
    lines.push(schema.defects.length === 0 ? '  defects: none' : '  defects:');
    for (const defect of schema.defects) {
      defectCount++;
      lines.push(`    ${formatFinding(defect.finding)}`);
      if (defect.remedy !== undefined) {
        coveredCount++;
        lines.push(`      remedy ${defect.remedy.id}: ${defect.remedy.fix}`);
      } else if (defect.accepted !== undefined) {
        coveredCount++;
        lines.push(`      accepted: ${defect.accepted}`);
      } else {
        lines.push('      no remedy');
      }
    }
    for (const { remedy, reason } of schema.notNeeded) lines.push(`  remedy ${remedy.id} not needed: ${reason}`);
    if (schema.problems.length === 0) {
      lines.push('  schema after the remedies: every multi-DC rule holds');
    } else {
      lines.push('  schema after the remedies, still broken:');
      for (const problem of schema.problems) lines.push(`    ${formatFinding(problem)}`);
    }
  }
  const knowledge = report.tableKnowledge;
  const knowledgeDiffers = knowledge !== undefined && (knowledge.differences.length > 0 || knowledge.underivable !== undefined);
  if (knowledge !== undefined) {
    lines.push(`GoldenGate table knowledge (${knowledge.path})`);
    if (knowledge.underivable !== undefined) {
      lines.push(`  cannot be derived from the pack: ${knowledge.underivable}`);
    } else if (knowledge.differences.length === 0) {
      lines.push("  the pack's scripts give the same keys and LOB columns");
    } else {
      lines.push("  the pack's scripts give other keys or LOB columns than the GoldenGate files are rendered from:");
      for (const difference of knowledge.differences) lines.push(`    ${difference}`);
      lines.push(`  regenerate it from this pack (npm run gg:tables -- <this directory>) and commit it`);
    }
  }
  const broken = [...new Set(report.schemas.flatMap((schema) => schema.problems.map((problem) => problem.object)))];
  const failures = [
    ...(broken.length > 0 ? [`${broken.length} objects stay broken: ${broken.join(', ')}`] : []),
    ...(knowledgeDiffers ? [`the GoldenGate table knowledge does not fit the pack (${knowledge.path})`] : []),
  ];
  lines.push(
    report.ok
      ? `pack:check: ${defectCount} defects, ${coveredCount} covered; the schema the boot builds satisfies every multi-DC rule`
      : `pack:check: ${failures.join('; ')}`,
  );
  return lines;
}
