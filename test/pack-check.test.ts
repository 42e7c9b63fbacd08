/**
 * `npm run pack:check` and the remedy SQL it shares with the boot. The packs under
 * test/fixtures/pack-check are our own SQL with the kinds of defects of WSO2's 3.1.0 multi-DC
 * scripts (docs/database.md): stock-like has all three, wso2-fixed has some fixed, unremediable adds
 * defects no remedy covers.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../lib/config';
import { deriveTableKnowledge, formatTableKnowledge } from '../lib/goldengate/table-knowledge';
import { PACK_SCRIPTS, REMEDIES, REMEDY_FILES, type PackSchema } from '../lib/pack/remedies';
import { bootObjects } from '../lib/region-files';
import { renderSqlParameters, sqlArtifacts, SQL_DIR } from '../lib/render/sql-parameters';
import { checkPack, type PackCheckInput } from '../tools/pack-check/check';
import { readRemedyBlocks } from '../tools/pack-check/remedy-sql';
import { runAsSqlPlus } from '../tools/pack-check/sqlplus-run';
import { checkScripts } from '../tools/sql-check/check';
import { sourcesOf, stackConfig } from './harness';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'pack-check');
const SCHEMAS: readonly PackSchema[] = ['SHARED_DB', 'AM_DB'];

const remedyFile = (schema: PackSchema) => ({ path: `sql/${REMEDY_FILES[schema]}`, text: fs.readFileSync(path.join(SQL_DIR, REMEDY_FILES[schema]), 'utf8') });

function inputOf(pack: string, keyColumnTables?: PackCheckInput['keyColumnTables']): PackCheckInput {
  const scripts = Object.fromEntries(Object.values(PACK_SCRIPTS).flat().map((file) => [file, fs.readFileSync(path.join(FIXTURES, pack, file), 'utf8')]));
  return { pack: scripts, remedies: { SHARED_DB: remedyFile('SHARED_DB'), AM_DB: remedyFile('AM_DB') }, keyColumnTables };
}

/**
 * A table knowledge file derived from a fixture pack: the committed one is the real 3.1.0 schema's,
 * which these fixtures are not (test/goldengate-table-knowledge.test.ts covers the comparison).
 */
const knowledgeDirectories: string[] = [];
function knowledgeFileOf(pack: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-check-tables-'));
  knowledgeDirectories.push(directory);
  const file = path.join(directory, 'tables.json');
  fs.writeFileSync(file, formatTableKnowledge(deriveTableKnowledge(inputOf(pack).pack)));
  return file;
}

function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'sucrase/register/ts', 'tools/pack-check/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const remediesUsed = (input: PackCheckInput): string[] =>
  checkPack(input).schemas.flatMap((schema) => schema.defects.flatMap((defect) => (defect.remedy ? [defect.remedy.id] : [])));

describe('pack:check', () => {
  after(() => {
    for (const directory of knowledgeDirectories) fs.rmSync(directory, { recursive: true, force: true });
  });

  it('the stock-like pack (three kinds of defect): exit 0, every defect named with its remedy', () => {
    const { status, stdout } = runCli('test/fixtures/pack-check/stock-like', '--tables', knowledgeFileOf('stock-like'));
    assert.equal(status, 0, stdout);
    assert.match(stdout, /tables\.sql:22: unterminated-block: trigger TRG_DEL_HYBRID_ROLE has no \/ line before the end of the file/);
    assert.match(stdout, /self-mutating-trigger: row trigger TRG_DEL_IDN_CIBA_AUTH on IDN_OAUTH2_CIBA_AUTH_CODE/);
    for (const table of ['IDN_OAUTH2_ACCESS_TOKEN_AUDIT', 'IDN_OAUTH2_SCOPE_BINDING', 'IDN_OAUTH2_CIBA_REQUEST_SCOPES']) {
      assert.match(stdout, new RegExp(`missing-key: table ${table} has no primary key`));
    }
    for (const remedy of REMEDIES) assert.match(stdout, new RegExp(`remedy ${remedy.id}: `), remedy.id);
    assert.match(stdout, /pack:check: 5 defects, 5 covered; the schema the boot builds satisfies every multi-DC rule\n$/);
  });

  it('a pack whose WSO2 updates fixed some defects: those remedies are reported as not needed', () => {
    const report = checkPack(inputOf('wso2-fixed'));
    assert.ok(report.ok);
    const notNeeded = report.schemas.flatMap((schema) => schema.notNeeded.map(({ remedy, reason }) => `${remedy.id}: ${reason}`));
    assert.deepEqual(notNeeded.sort(), [
      'am-ciba-auth-code-trigger: TRG_DEL_IDN_CIBA_AUTH does not delete from IDN_OAUTH2_CIBA_AUTH_CODE',
      'am-scope-binding-key: IDN_OAUTH2_SCOPE_BINDING has a key',
      'shared-hybrid-role-trigger: trigger TRG_DEL_HYBRID_ROLE exists',
    ]);
    assert.deepEqual(remediesUsed(inputOf('wso2-fixed')).sort(), ['am-access-token-audit-key', 'am-ciba-request-scopes-key']);
  });

  it('defects no remedy covers: exit 1 naming each object that stays broken', () => {
    const { status, stdout } = runCli('test/fixtures/pack-check/unremediable', '--tables', knowledgeFileOf('unremediable'));
    assert.equal(status, 1, stdout);
    assert.match(stdout, /pack:check: 4 objects stay broken: IDN_OAUTH2_CIBA_AUTH_CODE, TRG_DEL_IDN_OAUTH2_SCOPE, AM_SWALLOWED, AM_NEW_KEYLESS\n$/);
    assert.match(stdout, /cascade: foreign key on IDN_OAUTH2_CIBA_AUTH_CODE references IDN_OAUTH_CONSUMER_APPS with ON DELETE CASCADE/);
    assert.match(stdout, /table AM_SWALLOWED is never created: SQL\*Plus reads it into the buffer of TRG_DEL_IDN_OAUTH2_SCOPE/);
    // The covered defects are still covered.
    assert.match(stdout, /remedy am-ciba-auth-code-trigger: /);
  });

  it('unreadable input: exit 2 naming the file', () => {
    const pack = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-check-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'stock-like'), pack, { recursive: true });
      fs.rmSync(path.join(pack, 'apimgt', 'sequences.sql'));
      const missing = runCli(pack);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, new RegExp(`cannot read ${path.join(pack, 'apimgt', 'sequences.sql').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      fs.writeFileSync(path.join(pack, 'apimgt', 'sequences.sql'), "INSERT INTO T VALUES ('never closed);\n");
      const unparsable = runCli(pack);
      assert.equal(unparsable.status, 2);
      assert.match(unparsable.stderr, /cannot read .*apimgt\/sequences\.sql as SQL: line 1: unterminated string literal/);
    } finally {
      fs.rmSync(pack, { recursive: true, force: true });
    }
    assert.equal(runCli('/nonexistent/pack').status, 2);
  });

  it('a table goldengateKeyColumns names may stay keyless, and its remedy is not needed', () => {
    const report = checkPack(inputOf('unremediable', { AM_DB: ['AM_NEW_KEYLESS', 'IDN_OAUTH2_SCOPE_BINDING'] }));
    const am = report.schemas.find((schema) => schema.schema === 'AM_DB')!;
    assert.deepEqual(am.problems.map((problem) => problem.object), ['IDN_OAUTH2_CIBA_AUTH_CODE', 'TRG_DEL_IDN_OAUTH2_SCOPE', 'AM_SWALLOWED']);
    assert.ok(am.notNeeded.some(({ remedy, reason }) => remedy.id === 'am-scope-binding-key' && reason === 'goldengateKeyColumns gives IDN_OAUTH2_SCOPE_BINDING KEYCOLS'));
    assert.equal(am.defects.find((defect) => defect.finding.object === 'AM_NEW_KEYLESS')?.accepted, 'goldengateKeyColumns gives it KEYCOLS');
  });

  it('applies the DDL of the remedy file itself: a block that fails to add the key leaves the table broken', () => {
    const input = inputOf('stock-like');
    const am = input.remedies.AM_DB;
    const withoutKey = am.text.replace('ADD CONSTRAINT MDC_SCOPE_BINDING_PK PRIMARY KEY (ID)', 'ADD (NOTE VARCHAR2(10))');
    assert.notEqual(withoutKey, am.text);
    const report = checkPack({ ...input, remedies: { ...input.remedies, AM_DB: { ...am, text: withoutKey } } });
    assert.equal(report.ok, false);
    assert.deepEqual(report.schemas[1].problems.map((problem) => `${problem.rule} ${problem.object}`), ['missing-key IDN_OAUTH2_SCOPE_BINDING']);
  });
});

describe('pack:check reads scripts as SQL*Plus runs them', () => {
  const outline = (text: string) => {
    const run = runAsSqlPlus(text, 't.sql');
    return {
      ran: run.ran.map((statement) => `${statement.line}:${statement.tokens[2].value}`),
      unterminated: run.unterminated.map((unit) => `${unit.unit.line}:${unit.unit.tokens[2].value} swallows ${unit.swallowed.map((s) => s.line).join(',') || 'nothing'} sent at ${unit.sentAtLine ?? 'never'}`),
    };
  };
  const trigger = (name: string) => `CREATE TRIGGER ${name} BEFORE DELETE ON P FOR EACH ROW\nBEGIN\n  DELETE FROM C WHERE C.P_ID = :OLD.ID;\nEND;\n`;

  it('a unit without its / line in the middle swallows everything up to the next / line', () => {
    const text = `${trigger('T1')}CREATE TABLE A (ID INTEGER PRIMARY KEY);\nCREATE TABLE B (ID INTEGER PRIMARY KEY)\n/\nCREATE TABLE D (ID INTEGER PRIMARY KEY)\n/\n`;
    assert.deepEqual(outline(text), { ran: ['8:D'], unterminated: ['1:T1 swallows 5,6 sent at 7'] });
  });

  it('a unit ended by a . line with no / line after it never runs, and swallows nothing', () => {
    assert.deepEqual(outline(`${trigger('T1')}.\nCREATE TABLE A (ID INTEGER PRIMARY KEY)\n/\n`), { ran: ['6:A'], unterminated: ['1:T1 swallows nothing sent at never'] });
  });

  it('a unit without its / line at the end never runs; nor does a SQL statement without ; or /', () => {
    assert.deepEqual(outline(`CREATE TABLE A (ID INTEGER PRIMARY KEY)\n/\n${trigger('T1')}`), { ran: ['1:A'], unterminated: ['3:T1 swallows nothing sent at never'] });
    assert.deepEqual(outline('CREATE TABLE A (ID INTEGER PRIMARY KEY)\n'), { ran: [], unterminated: ['1:A swallows nothing sent at never'] });
  });
});

describe('remedy SQL (sql/remedies-*.sql)', () => {
  for (const schema of SCHEMAS) {
    const file = remedyFile(schema);
    const blocks = readRemedyBlocks(file.text, file.path);

    describe(file.path, () => {
      it('has exactly one block, ended by a / line, for each remedy lib/pack/remedies.ts lists for its schema', () => {
        assert.deepEqual([...blocks.keys()].sort(), REMEDIES.filter((remedy) => remedy.schema === schema).map((remedy) => remedy.id).sort());
      });

      it('guards every block with a data-dictionary check before any DDL', () => {
        for (const { id, block } of blocks.values()) {
          const words = block.tokens.filter((token) => token.kind === 'word').map((token) => token.value);
          const firstDdl = words.indexOf('EXECUTE');
          const dictionary = words.findIndex((word) => /^USER_(TABLES|TRIGGERS|CONSTRAINTS)$/.test(word));
          const condition = words.indexOf('IF');
          assert.ok(firstDdl > 0, `${id} runs no DDL`);
          assert.ok(dictionary >= 0 && dictionary < firstDdl, `${id} reads no dictionary view before its DDL`);
          assert.ok(condition >= 0 && condition < firstDdl, `${id} runs DDL unconditionally`);
        }
      });

      it('has no defect sql:check can find, in the file or in the DDL it runs', () => {
        assert.deepEqual(checkScripts([{ path: file.path, text: file.text }]), []);
        for (const { id, ddl } of blocks.values()) {
          assert.ok(ddl.length > 0, id);
          for (const statement of ddl) assert.equal(statement.end, 'slash');
        }
      });
    });
  }

  it('goes to the boot bucket with the parameters that tell it which tables have KEYCOLS', () => {
    const parameters = { dcId: 'DC1', dcIndex: 1, dcCount: 2, amDbUser: 'WSO2AM', sharedDbUser: 'WSO2SHARED', goldengateUser: 'OGGADMIN', archiveLogRetentionHours: 72 };
    const artifacts = sqlArtifacts({ ...parameters, keyColumnTables: [{ owner: 'wso2am', table: 'am_example' }] });
    for (const schema of SCHEMAS) {
      assert.equal(artifacts.find((artifact) => artifact.name === REMEDY_FILES[schema])?.content, remedyFile(schema).text);
    }
    assert.match(artifacts[0].content, /^DEFINE keycols_tables = ',WSO2AM\.AM_EXAMPLE,'$/m);
    assert.match(renderSqlParameters(parameters), /^DEFINE keycols_tables = ','$/m);
    const many = Array.from({ length: 12 }, (_, i) => ({ owner: 'WSO2AM', table: `IDN_SOME_LONG_TABLE_NAME_${i}` }));
    assert.throws(() => renderSqlParameters({ ...parameters, keyColumnTables: many }), /goldengateKeyColumns names too many tables for SQL\*Plus: their list \(\d+ characters\) must fit in 240/);
  });

  it('a region hands its goldengateKeyColumns tables to the remedies and to verify', () => {
    const { project, aws } = sourcesOf(stackConfig('us-east', { goldengateKeyColumns: ['wso2am.am_example(api_id, name)'] }));
    const objects = bootObjects(parseConfig(project, aws, 'us-east'));
    assert.match(objects['sql/parameters.sql'], /^DEFINE keycols_tables = ',WSO2AM\.AM_EXAMPLE,'$/m);
    for (const schema of SCHEMAS) assert.equal(objects[`sql/${REMEDY_FILES[schema]}`], remedyFile(schema).text);
  });
});
