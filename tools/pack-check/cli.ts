/**
 * `npm run pack:check -- <pack's dbscripts/multi-dc/oracle directory> [--keycols OWNER.TABLE(COL, …)]... [--tables <file>]`
 *
 * Exit 0: the schema the boot builds (pack + remedies) satisfies every multi-DC rule, and the pack's
 * scripts give the table knowledge the GoldenGate files are rendered from. 1: objects stay broken
 * (each is named), or the knowledge differs (each difference is named). 2: unreadable input or bad arguments.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATABASE_USERS } from '../../lib/database-names';
import { parseKeyColumns } from '../../lib/goldengate/key-columns';
import { KnowledgeFileError, parseTableKnowledge } from '../../lib/goldengate/table-knowledge';
import { WSO2_TABLES_FILE } from '../../lib/goldengate/wso2-tables';
import { PACK_SCRIPTS, REMEDY_FILES, type PackSchema } from '../../lib/pack/remedies';
import { SQL_DIR } from '../../lib/render/sql-parameters';
import { ScriptSyntaxError } from '../sql-check/lexer';
import { checkPack, formatPackReport, type PackCheckInput } from './check';

const USAGE = `usage: npm run pack:check -- <dbscripts/multi-dc/oracle directory> [--keycols OWNER.TABLE(COL, ...)]... [--tables <file>]

Reads the pack's multi-DC scripts as the boot applies them (SHARED_DB: tables.sql, sequences.sql;
AM_DB: apimgt/tables.sql, apimgt/sequences.sql; SQL*Plus's rules), applies the project's remedies
(sql/remedies-*.sql), reports every defect with the remedy that covers it, and judges the result
against the multi-DC rules. Then compares the keys and LOB columns the scripts give with the table
knowledge the GoldenGate files are rendered from.

  --keycols <entry>   a goldengateKeyColumns entry: that table may stay without a key
  --tables <file>     the table knowledge to compare with (default ${path.relative(process.cwd(), WSO2_TABLES_FILE)})

Exit status: 0 every rule holds and the knowledge fits, 1 objects stay broken or the knowledge
differs, 2 unreadable input or bad arguments.`;

const EXIT_OK = 0;
const EXIT_BROKEN = 1;
const EXIT_ERROR = 2;

class InputError extends Error {}

const SCHEMA_OF_OWNER: Record<string, PackSchema> = { [DATABASE_USERS.sharedDb]: 'SHARED_DB', [DATABASE_USERS.amDb]: 'AM_DB' };

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseArguments(argv: readonly string[]): { directory?: string; keyColumnTables: Partial<Record<PackSchema, string[]>>; tables: string; help: boolean } {
  let directory: string | undefined;
  let tables = path.relative(process.cwd(), WSO2_TABLES_FILE);
  const keyColumnTables: Partial<Record<PackSchema, string[]>> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '-h' || argument === '--help') {
      help = true;
    } else if (argument === '--keycols') {
      const entry = argv[++i];
      if (entry === undefined) throw new InputError('--keycols needs an OWNER.TABLE(COL, ...) entry');
      const parsed = parseKeyColumns(entry);
      if ('error' in parsed) throw new InputError(`--keycols ${parsed.error}`);
      const schema = SCHEMA_OF_OWNER[parsed.owner];
      (keyColumnTables[schema] ??= []).push(parsed.table);
    } else if (argument === '--tables') {
      const file = argv[++i];
      if (file === undefined) throw new InputError('--tables needs a table knowledge file');
      tables = file;
    } else if (argument.startsWith('-')) {
      throw new InputError(`unknown option ${argument}`);
    } else if (directory !== undefined) {
      throw new InputError('give one pack directory');
    } else {
      directory = argument;
    }
  }
  if (!help && directory === undefined) throw new InputError('no pack directory to check');
  return { directory, keyColumnTables, tables, help };
}

function main(argv: readonly string[]): number {
  let directory: string | undefined;
  let input: PackCheckInput;
  try {
    const parsed = parseArguments(argv);
    if (parsed.help) {
      console.log(USAGE);
      return EXIT_OK;
    }
    directory = parsed.directory!;
    const pack: Record<string, string> = {};
    for (const file of Object.values(PACK_SCRIPTS).flat()) pack[file] = readText(path.join(directory, file));
    const remedy = (schema: PackSchema) => {
      const file = path.join(SQL_DIR, REMEDY_FILES[schema]);
      return { path: path.relative(process.cwd(), file), text: readText(file) };
    };
    const tableKnowledge = { path: parsed.tables, knowledge: parseTableKnowledge(readText(parsed.tables), parsed.tables) };
    input = { pack, remedies: { SHARED_DB: remedy('SHARED_DB'), AM_DB: remedy('AM_DB') }, keyColumnTables: parsed.keyColumnTables, tableKnowledge };
  } catch (error) {
    if (error instanceof InputError || error instanceof KnowledgeFileError) {
      console.error(`pack:check: ${error.message}\n\n${USAGE}`);
      return EXIT_ERROR;
    }
    throw error;
  }
  try {
    const report = checkPack(input);
    console.log(`pack:check ${directory}`);
    for (const line of formatPackReport(report)) console.log(line);
    return report.ok ? EXIT_OK : EXIT_BROKEN;
  } catch (error) {
    if (error instanceof ScriptSyntaxError) {
      console.error(`pack:check: cannot read ${path.join(directory, error.file)} as SQL: line ${error.line}: ${error.reason}`);
      return EXIT_ERROR;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
