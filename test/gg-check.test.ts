/**
 * `npm run gg:check`: GoldenGate parameter and obey files read as GoldenGate reads them and judged
 * by Oracle's documented rules (tools/gg-check/rules.ts). First the files as the renderer wrote
 * them before issue 21's rework (test/fixtures/goldengate-before, with every defect the issue
 * lists), then each rule on small hubs that pass and fail, the command line, and last every
 * stack's rendered files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../lib/config';
import { BOOT_KEYS, bootObjects } from '../lib/region-files';
import { listStacks, loadStackConfig } from '../lib/stack-config';
import { checkHubs, ParameterSyntaxError, RULES, type Finding, type HubInput, type RuleId, type TableKnowledge } from '../tools/gg-check/check';
import { readStatements } from '../tools/gg-check/lexer';
import { CITATIONS } from '../tools/gg-check/rules';
import { DEFAULT_TABLES } from '../tools/gg-check/tables';
import { PROJECT_DIR, sourcesOf, STACKS, stackConfig, threeDatacenterProject } from './harness';

const CLI = path.join(PROJECT_DIR, 'tools/gg-check/cli.ts');
const BEFORE = 'test/fixtures/goldengate-before';

function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'sucrase/register/ts', CLI, ...args], { cwd: PROJECT_DIR, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A file's text from an indented template literal: line 1 is the line after the backtick. */
function text(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.raw.reduce((all, part, i) => all + part + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

type Files = Record<string, string>;

/**
 * A correct two-hub deployment: DC1 (a) and DC2 (b), each with an Extract and pump to the other
 * and a Replicat of the other's trail, in the project's naming. Tests change one file of it.
 */
function hubFiles(self: 'a' | 'b'): Files {
  const peer = self === 'a' ? 'b' : 'a';
  const [S, P] = [self.toUpperCase(), peer.toUpperCase()];
  const tag = self === 'a' ? '02' : '01';
  return {
    GLOBALS: text`
      CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT
      GGSCHEMA OGGADMIN
    `,
    'dirprm/mgr.prm': text`
      PORT 7809
      DYNAMICPORTLIST 7810-7820
      AUTOSTART ER *
    `,
    [`dirprm/e${self}to${peer}.prm`]: text`
      EXTRACT E${S}TO${P}
      USERIDALIAS ogg_dc${S} DOMAIN wso2apim
      TRANLOGOPTIONS EXCLUDETAG ${tag}
      EXTTRAIL ./dirdat/${self}${peer}
      TABLE WSO2AM.*;
    `,
    [`dirprm/p${self}to${peer}.prm`]: text`
      EXTRACT P${S}TO${P}
      PASSTHRU
      RMTHOST 10.0.0.${peer === 'a' ? 1 : 2}, MGRPORT 7809
      RMTTRAIL ./dirdat/${self}${peer}
      TABLE WSO2AM.*;
    `,
    [`dirprm/r${peer}to${self}.prm`]: text`
      REPLICAT R${P}TO${S}
      USERIDALIAS ogg_dc${S} DOMAIN wso2apim
      DBOPTIONS SETTAG ${self === 'a' ? '02' : '01'}
      REPERROR (DEFAULT, ABEND)
      MAP WSO2AM.*, TARGET WSO2AM.*;
    `,
    'dirprm/setup.oby': text`
      DBLOGIN USERIDALIAS ogg_dc${S} DOMAIN wso2apim
      ADD CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT
      ADD HEARTBEATTABLE
    `,
    [`dirprm/start-e${self}to${peer}.oby`]: text`
      REGISTER EXTRACT E${S}TO${P} DATABASE
      ADD EXTRACT E${S}TO${P}, INTEGRATED TRANLOG, BEGIN NOW
      ADD EXTTRAIL ./dirdat/${self}${peer}, EXTRACT E${S}TO${P}
      ADD EXTRACT P${S}TO${P}, EXTTRAILSOURCE ./dirdat/${self}${peer}
      ADD RMTTRAIL ./dirdat/${self}${peer}, EXTRACT P${S}TO${P}
    `,
    [`dirprm/add-r${peer}to${self}.oby`]: text`
      ADD REPLICAT R${P}TO${S}, EXTTRAIL ./dirdat/${peer}${self}, CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT
    `,
  };
}

const hub = (root: string, files: Files): HubInput => ({ root, files: Object.entries(files).map(([p, t]) => ({ path: p, text: t })) });

/** The two hubs, DC1's files changed by `change`. */
function pair(change: Partial<Files> = {}, tables: readonly TableKnowledge[] = []): Finding[] {
  const dc1 = Object.fromEntries(Object.entries({ ...hubFiles('a'), ...change }).filter(([, content]) => content !== undefined)) as Files;
  return checkHubs([hub('dc1', dc1), hub('dc2', hubFiles('b'))], tables);
}

/** DC1's Replicat of DC2 with `body` after its header. */
const replicat = (body: string): Partial<Files> => ({
  'dirprm/rbtoa.prm': `REPLICAT RBTOA\nUSERIDALIAS ogg_dcA DOMAIN wso2apim\n${body}`,
});

/** `file:line rule` of each finding, for exact comparisons. */
const located = (findings: readonly Finding[]): string[] => findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`);

function assertOnly(findings: readonly Finding[], expected: readonly string[], ...mentions: string[]): void {
  assert.deepEqual(located(findings), expected, findings.map((finding) => `${finding.file}:${finding.line}: ${finding.rule}: ${finding.message}`).join('\n'));
  for (const mention of mentions) assert.ok(findings.some((finding) => finding.message.includes(mention)), `no finding mentions ${mention}`);
}

const ofRule = (findings: readonly Finding[], rule: RuleId): Finding[] => findings.filter((finding) => finding.rule === rule);

describe('gg-check: the files as rendered before issue 21\'s rework (test/fixtures/goldengate-before)', () => {
  let result: ReturnType<typeof runCli>;
  let lines: string[];
  let findings: Finding[];
  before(() => {
    result = runCli(BEFORE);
    lines = result.stdout.trim().split('\n');
    findings = lines.slice(0, -1).map((line) => {
      const match = /^(.+?):(\d+): (GG-\d{3}): (.*)$/.exec(line);
      assert.ok(match, `not a finding line: ${line}`);
      return { file: match[1], line: Number(match[2]), rule: match[3] as RuleId, message: match[4] };
    });
  });
  const spoke = `${BEFORE}/us-west/dirprm/ratob.prm`;
  const inFile = (file: string, rule: RuleId) => findings.filter((finding) => finding.file === file && finding.rule === rule);

  it('exits 1 and ends with the summary', () => {
    assert.equal(result.status, 1, result.stderr);
    assert.equal(lines[lines.length - 1], `${findings.length} findings in 16 files of 2 hubs`);
  });

  it('the spoke\'s 70 exceptions MAPs onto their own regular table: duplicate MAPs (GG-001) and no exceptions table (GG-002)', () => {
    const ownTable = inFile(spoke, 'GG-002').filter((finding) => finding.message.includes('onto its regular target'));
    assert.equal(ownTable.length, 70);
    assert.equal(inFile(spoke, 'GG-001').length, 70);
    // WSO2AM.AM_API: regular MAP on line 103, its exceptions MAP on 104.
    const amApi = findings.filter((finding) => finding.file === spoke && finding.line === 104).map((finding) => finding.rule);
    assert.deepEqual(amApi, ['GG-001', 'GG-002', 'GG-002', 'GG-004']);
    assert.match(findings.find((finding) => finding.line === 104 && finding.rule === 'GG-001')!.message, /WSO2AM\.AM_API is mapped to WSO2AM\.AM_API by the MAP on line 103 and again by this one.*By default, duplicate MAP statements cause Replicat to abend/);
    assert.ok(inFile(spoke, 'GG-002').some((finding) => finding.line === 104 && finding.message.includes('has no INSERTALLRECORDS')));
  });

  it('REPERROR (1, EXCEPTION) in the spoke over MAPs with no exceptions mapping: the 13 LOB-only tables and the two schema wildcards (GG-003)', () => {
    const unhandled = inFile(spoke, 'GG-003');
    assert.equal(unhandled.length, 15);
    assert.ok(unhandled.some((finding) => finding.message.includes('MAP of WSO2AM.*')));
    assert.ok(unhandled.some((finding) => finding.message.includes('MAP of WSO2SHARED.REG_CONTENT,')));
    // The trusted source's Replicat discards instead: no exception handling to miss.
    assert.deepEqual(inFile(`${BEFORE}/us-east/dirprm/rbtoa.prm`, 'GG-003'), []);
  });

  it('tables excluded by exact name, then named: 23 per Extract, 23 in the trusted source\'s Replicat, 83 in the spoke\'s (GG-004)', () => {
    for (const file of ['us-east/dirprm/eatob.prm', 'us-west/dirprm/ebtoa.prm', 'us-east/dirprm/rbtoa.prm']) {
      assert.equal(inFile(`${BEFORE}/${file}`, 'GG-004').length, 23, file);
    }
    const regularMaps = inFile(spoke, 'GG-004').filter((finding) => !findings.some((other) => other.file === spoke && other.line === finding.line && other.rule === 'GG-002'));
    assert.equal(regularMaps.length, 83);
    assert.match(inFile(`${BEFORE}/us-east/dirprm/eatob.prm`, 'GG-004')[0].message, /TABLE names WSO2AM\.AM_API_CLIENT_CERTIFICATE, which TABLEEXCLUDE on line 11 excludes by its exact name; .*"Use the EXCLUDEWILDCARDOBJECTSONLY parameter/);
  });

  it('with the table knowledge of the real 3.1.0 schema, a LOB column the old hand list missed was compared (GG-010); nothing else: names, trails, GLOBALS, ports and parameters were right', () => {
    assert.deepEqual([...new Set(findings.map((finding) => finding.rule))].sort(), ['GG-001', 'GG-002', 'GG-003', 'GG-004', 'GG-010']);
    assert.ok(findings.filter((finding) => finding.rule === 'GG-010').every((finding) => finding.message.includes('IDN_SAML2_ASSERTION_STORE (ON UPDATE ASSERTION; ON DELETE ASSERTION)')));
    assert.deepEqual(findings.filter((finding) => !/\/dirprm\/(ratob|rbtoa|eatob|ebtoa)\.prm$/.test(finding.file)), []);
  });
});

describe('gg-check: reading parameter files as GoldenGate does', () => {
  it('drops -- and COMMENT comments, joins & continuations, and lets TABLE/MAP span lines to their ;', () => {
    const statements = readStatements(text`
      -- header
      COMMENT also a comment
      REPLICAT RBTOA -- trailing comment
      DISCARDFILE ./dirrpt/rbtoa.dsc, &
        APPEND
      map wso2am.am_api, target wso2am.am_api,
        COMPARECOLS (ON UPDATE ALL,
                     ON DELETE ALL);
      MAP WSO2AM.A, TARGET WSO2AM.A; MAP WSO2AM.B, TARGET WSO2AM.B;
      SQLEXEC (ID q, QUERY 'select ''--'' from dual; -- not a comment', NOPARAMS)
    `, 'x.prm');
    assert.deepEqual(statements.map((s) => `${s.line}-${s.endLine} ${s.tokens.map((token) => token.value).join(' ')}`), [
      '3-3 REPLICAT RBTOA',
      '4-5 DISCARDFILE ./dirrpt/rbtoa.dsc , APPEND',
      '6-8 map wso2am.am_api , target wso2am.am_api , COMPARECOLS ( ON UPDATE ALL , ON DELETE ALL )',
      '9-9 MAP WSO2AM.A , TARGET WSO2AM.A',
      '9-9 MAP WSO2AM.B , TARGET WSO2AM.B',
      "10-10 SQLEXEC ( ID q , QUERY select '--' from dual; -- not a comment , NOPARAMS )",
    ]);
    assert.deepEqual(statements.map((s) => s.keyword), ['REPLICAT', 'DISCARDFILE', 'MAP', 'MAP', 'MAP', 'SQLEXEC']);
    assert.equal(statements[5].tokens.find((token) => token.kind === 'string')?.value, "select '--' from dual; -- not a comment");
  });

  it('reads keywords in any case and keeps the case of quoted names', () => {
    const findings = pair(replicat('map "WSO2AM"."Mixed", target "WSO2AM"."Mixed";\nMap "WSO2AM"."Mixed", Target "WSO2AM"."Mixed";\nMAP wso2am.mixed, TARGET wso2am.mixed;\n'));
    // The two quoted MAPs are the same table; WSO2AM.MIXED is another.
    assertOnly(findings, ['dc1/dirprm/rbtoa.prm:4 GG-001'], 'WSO2AM.Mixed is mapped to WSO2AM.Mixed');
  });

  it('stops at a MAP without ;, an unterminated literal and unbalanced parentheses, naming file and line', () => {
    const cases: Array<[string, RegExp]> = [
      ['MAP WSO2AM.A, TARGET WSO2AM.A\nMAP WSO2AM.B, TARGET WSO2AM.B;\n', /^dc1\/dirprm\/rbtoa\.prm:3: MAP has no ';' before the MAP on line 4$/],
      ['MAP WSO2AM.A, TARGET WSO2AM.A\n', /^dc1\/dirprm\/rbtoa\.prm:3: MAP has no ';' before the end of the file$/],
      ["MAP WSO2AM.A, TARGET WSO2AM.A, SQLEXEC (ID q, QUERY 'select 1\nfrom dual', NOPARAMS);\n", /^dc1\/dirprm\/rbtoa\.prm:3: unterminated string literal/],
      ['MAP WSO2AM.A, TARGET WSO2AM.A, COMPARECOLS (ON UPDATE ALL;\n', /^dc1\/dirprm\/rbtoa\.prm:3: MAP has no ';'/],
      ['REPERROR (DEFAULT, ABEND))\n', /^dc1\/dirprm\/rbtoa\.prm:3: '\)' without '\('$/],
    ];
    for (const [body, expected] of cases) {
      assert.throws(() => pair(replicat(body)), (error: unknown) => error instanceof ParameterSyntaxError && expected.test(error.message), body);
    }
  });
});

describe('gg-check rules, each on a deployment that passes and one that fails', () => {
  it('the correct two-hub deployment passes every rule', () => {
    assertOnly(pair(), []);
  });

  it('every rule cites a documentation page and a sentence, in its definition and in its findings', () => {
    for (const rule of RULES) {
      assert.ok(rule.citations.length > 0, rule.id);
      for (const key of rule.citations) assert.match(CITATIONS[key].url, /^https:\/\/docs\.oracle\.com\//, `${rule.id} ${key}`);
    }
    const [finding] = pair({ 'dirprm/mgr.prm': 'PORT 7809\nDYNAMICPORTLIST 7810-7820\nAUTOSTRAT ER *\n' });
    assert.match(finding.message, /\(Reference for Oracle GoldenGate 19c .*: ".+"\)$/);
  });

  describe('GG-001 duplicate-map', () => {
    it('flags the same source and target mapped twice, and an explicit MAP a wildcard MAP also covers', () => {
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2AM.T, TARGET WSO2AM.T, KEYCOLS (ID);\n')), ['dc1/dirprm/rbtoa.prm:4 GG-001']);
      assertOnly(pair(replicat('MAP WSO2AM.*, TARGET WSO2AM.*;\nMAP WSO2AM.T, TARGET WSO2AM.T, KEYCOLS (ID);\n')), ['dc1/dirprm/rbtoa.prm:4 GG-001'], 'WSO2AM.T is mapped to WSO2AM.T by the MAP on line 3');
    });

    it('passes with ALLOWDUPTARGETMAP, with different targets, and when a wildcard exclusion takes the table out of the wildcard', () => {
      assertOnly(pair(replicat('ALLOWDUPTARGETMAP\nMAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2AM.T, TARGET WSO2AM.T;\n')), []);
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2AM.T, TARGET WSO2AM.T_COPY;\n')), []);
      const globals = 'CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\nGGSCHEMA OGGADMIN\nEXCLUDEWILDCARDOBJECTSONLY\n';
      assertOnly(pair({ GLOBALS: globals, ...replicat('MAPEXCLUDE WSO2AM.T*\nMAP WSO2AM.*, TARGET WSO2AM.*;\nMAP WSO2AM.T, TARGET WSO2AM.T, KEYCOLS (ID);\n') }), []);
    });

    it('in an Extract: flags a table two TABLE statements of one trail capture with COLMAP or with different options, not identical ones', () => {
      const extract = (tables: string): Partial<Files> => ({ 'dirprm/eatob.prm': `EXTRACT EATOB\nEXTTRAIL ./dirdat/ab\n${tables}` });
      assertOnly(pair(extract('TABLE WSO2AM.*;\nTABLE WSO2AM.T, KEYCOLS (ID);\n')), ['dc1/dirprm/eatob.prm:4 GG-001'], 'which options Extract applies is not documented');
      assertOnly(pair(extract('TABLE WSO2AM.T;\nTABLE WSO2AM.T, TARGET WSO2AM.T, COLMAP (USEDEFAULTS);\n')), ['dc1/dirprm/eatob.prm:4 GG-001'], 'Extract abends');
      assertOnly(pair(extract('TABLE WSO2AM.*;\nTABLE WSO2AM.*;\n')), []);
    });
  });

  describe('GG-002 exceptions-map and GG-003 exceptions-needed', () => {
    const handled = 'REPERROR (1, EXCEPTION)\nMAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2AM.T, TARGET WSO2AM.T_EXCEPTIONS, EXCEPTIONSONLY, INSERTALLRECORDS;\n';

    it('passes the documented pattern: an exceptions table, right after the regular MAP, with INSERTALLRECORDS; and MAPEXCEPTION on a wildcard MAP', () => {
      assertOnly(pair(replicat(handled)), []);
      assertOnly(pair(replicat('REPERROR (1, EXCEPTION)\nMAP WSO2AM.*, TARGET WSO2AM.*, MAPEXCEPTION (TARGET WSO2AM.EXCEPTIONS, INSERTALLRECORDS);\n')), []);
    });

    it('flags an exceptions MAP onto the regular target, one not right after its table\'s MAP, one with a wildcard, and one without INSERTALLRECORDS', () => {
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2AM.T, TARGET WSO2AM.T, EXCEPTIONSONLY, INSERTALLRECORDS;\n')), ['dc1/dirprm/rbtoa.prm:4 GG-001', 'dc1/dirprm/rbtoa.prm:4 GG-002'], 'onto its regular target WSO2AM.T');
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2AM.U, TARGET WSO2AM.U;\nMAP WSO2AM.T, TARGET WSO2AM.T_EXCEPTIONS, EXCEPTIONSONLY, INSERTALLRECORDS;\n')), ['dc1/dirprm/rbtoa.prm:5 GG-002'], 'does not follow that table\'s regular MAP (line 4 is MAP)');
      assertOnly(pair(replicat('MAP WSO2AM.*, TARGET WSO2AM.*;\nMAP WSO2AM.*, TARGET WSO2AM.EXCEPTIONS, EXCEPTIONSONLY, INSERTALLRECORDS;\n')), ['dc1/dirprm/rbtoa.prm:4 GG-002'], 'has a wildcard');
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2AM.T, TARGET WSO2AM.T_EXCEPTIONS, EXCEPTIONSONLY;\n')), ['dc1/dirprm/rbtoa.prm:4 GG-002'], 'has no INSERTALLRECORDS');
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T, MAPEXCEPTION (TARGET WSO2AM.EXCEPTIONS);\n')), ['dc1/dirprm/rbtoa.prm:3 GG-002', 'dc1/dirprm/rbtoa.prm:3 GG-002'], 'MAPEXCEPTION on the explicitly named WSO2AM.T');
    });

    it('flags a MAP under REPERROR ... EXCEPTION (global or its own) that has no exceptions mapping; RESET and other responses need none', () => {
      assertOnly(pair(replicat('REPERROR (1, EXCEPTION)\nMAP WSO2AM.T, TARGET WSO2AM.T;\nMAP WSO2SHARED.*, TARGET WSO2SHARED.*;\n')), ['dc1/dirprm/rbtoa.prm:4 GG-003', 'dc1/dirprm/rbtoa.prm:5 GG-003'], 'REPERROR (1, EXCEPTION) applies to the MAP of WSO2AM.T');
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T, REPERROR (DEFAULT, TRANSEXCEPTION);\n')), ['dc1/dirprm/rbtoa.prm:3 GG-003'], 'REPERROR (DEFAULT, TRANSEXCEPTION)');
      assertOnly(pair(replicat('REPERROR (1, EXCEPTION)\nREPERROR RESET\nMAP WSO2AM.T, TARGET WSO2AM.T;\n')), []);
      assertOnly(pair(replicat('MAP WSO2AM.T, TARGET WSO2AM.T;\nREPERROR (1, EXCEPTION)\nREPERROR (1, DISCARD)\nMAP WSO2AM.U, TARGET WSO2AM.U;\n')), []);
    });
  });

  describe('GG-004 exclusion', () => {
    it('flags an exact-name exclusion of a table a TABLE or MAP names, and a wildcard one without EXCLUDEWILDCARDOBJECTSONLY', () => {
      assertOnly(pair(replicat('MAPEXCLUDE WSO2AM.T\nMAP WSO2AM.*, TARGET WSO2AM.*;\nMAP WSO2AM.T, TARGET WSO2AM.T;\n')), ['dc1/dirprm/rbtoa.prm:5 GG-004'], 'excludes by its exact name');
      assertOnly(pair(replicat('MAPEXCLUDE WSO2AM.T*\nMAP WSO2AM.*, TARGET WSO2AM.*;\nMAP WSO2AM.T, TARGET WSO2AM.T;\n')), ['dc1/dirprm/rbtoa.prm:5 GG-004'], 'GLOBALS has no EXCLUDEWILDCARDOBJECTSONLY: the table is excluded');
      assertOnly(pair({ 'dirprm/eatob.prm': 'EXTRACT EATOB\nEXTTRAIL ./dirdat/ab\nTABLEEXCLUDE WSO2AM.T\nTABLE WSO2AM.*;\nTABLE WSO2AM.T;\n' }), ['dc1/dirprm/eatob.prm:5 GG-004'], 'TABLEEXCLUDE on line 3');
    });

    it('passes a wildcard exclusion with EXCLUDEWILDCARDOBJECTSONLY, and exclusions of tables no statement names', () => {
      const globals = 'CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\nGGSCHEMA OGGADMIN\nEXCLUDEWILDCARDOBJECTSONLY\n';
      assertOnly(pair({ GLOBALS: globals, ...replicat('MAPEXCLUDE WSO2AM.T*\nMAP WSO2AM.*, TARGET WSO2AM.*;\nMAP WSO2AM.T, TARGET WSO2AM.T;\n') }), []);
      assertOnly(pair(replicat('MAPEXCLUDE WSO2AM.LOG\nMAP WSO2AM.*, TARGET WSO2AM.*;\n')), []);
    });
  });

  describe('GG-005 group-name', () => {
    it('flags a name longer than 8 characters or ending in a digit, a file named for another group, and a group added without its file', () => {
      const long = pair({
        'dirprm/rbtoa.prm': undefined,
        'dirprm/add-rbtoa.oby': 'ADD REPLICAT RBTOA123X, EXTTRAIL ./dirdat/ba\n',
        'dirprm/rbtoa123x.prm': 'REPLICAT RBTOA123X\nMAP WSO2AM.*, TARGET WSO2AM.*;\n',
      });
      assertOnly(long, ['dc1/dirprm/rbtoa123x.prm:1 GG-005'], 'group name RBTOA123X has 9 characters, more than 8');
      assertOnly(pair({ 'dirprm/rbtoa.prm': 'REPLICAT RBTOA1\nMAP WSO2AM.*, TARGET WSO2AM.*;\n', 'dirprm/add-rbtoa.oby': 'ADD REPLICAT RBTOA1, EXTTRAIL ./dirdat/ba\n' }), ['dc1/dirprm/rbtoa.prm:1 GG-005', 'dc1/dirprm/rbtoa.prm:1 GG-005'], 'ends in a digit', 'is the parameter file of group RBTOA, but names group RBTOA1');
      assertOnly(pair({ 'dirprm/add-rbtoa.oby': 'ADD REPLICAT RBTOA, EXTTRAIL ./dirdat/ba\nADD REPLICAT RCTOA, EXTTRAIL ./dirdat/ba\n' }), ['dc1/dirprm/add-rbtoa.oby:2 GG-005'], 'ADD REPLICAT RCTOA has no parameter file dirprm/rctoa.prm');
    });
  });

  describe('GG-006 trail-name and GG-007 trail-wiring', () => {
    it('flags a trail name of three characters wherever it appears', () => {
      const findings = pair({
        'dirprm/eatob.prm': 'EXTRACT EATOB\nEXTTRAIL ./dirdat/abc\nTABLE WSO2AM.*;\n',
        'dirprm/start-eatob.oby': 'ADD EXTRACT EATOB, INTEGRATED TRANLOG, BEGIN NOW\nADD EXTTRAIL ./dirdat/abc, EXTRACT EATOB\nADD EXTRACT PATOB, EXTTRAILSOURCE ./dirdat/abc\nADD RMTTRAIL ./dirdat/ab, EXTRACT PATOB\n',
      });
      assertOnly(ofRule(findings, 'GG-006'), ['dc1/dirprm/eatob.prm:2 GG-006', 'dc1/dirprm/start-eatob.oby:2 GG-006', 'dc1/dirprm/start-eatob.oby:3 GG-006'], "named 'abc'");
      assertOnly(ofRule(pair(), 'GG-006'), []);
    });

    it('flags a trail two Extracts write, a parameter that differs from its ADD, a pump of an unwritten trail, TABLE before the trail and RMTTRAIL before RMTHOST', () => {
      assertOnly(pair({ 'dirprm/start-eatob.oby': 'ADD EXTTRAIL ./dirdat/ab, EXTRACT EATOB\nADD EXTRACT PATOB, EXTTRAILSOURCE ./dirdat/ab\nADD RMTTRAIL ./dirdat/ab, EXTRACT PATOB\nADD EXTTRAIL ./dirdat/ab, EXTRACT PATOB\n' }),
        ['dc1/dirprm/start-eatob.oby:4 GG-007', 'dc1/dirprm/start-eatob.oby:4 GG-007'], 'is added for Extract PATOB, and for EATOB on line 1', 'whose parameter file has no EXTTRAIL');
      assertOnly(pair({ 'dirprm/eatob.prm': 'EXTRACT EATOB\nEXTTRAIL dirdat/ab\nTABLE WSO2AM.*;\n' }), ['dc1/dirprm/start-eatob.oby:3 GG-007'], 'ADD EXTTRAIL ./dirdat/ab for EATOB, whose parameter file has EXTTRAIL dirdat/ab');
      assertOnly(pair({ 'dirprm/start-eatob.oby': 'ADD EXTTRAIL ./dirdat/ab, EXTRACT EATOB\nADD EXTRACT PATOB, EXTTRAILSOURCE ./dirdat/ax\nADD RMTTRAIL ./dirdat/ab, EXTRACT PATOB\n' }), ['dc1/dirprm/start-eatob.oby:2 GG-007'], 'pump PATOB reads trail ./dirdat/ax');
      assertOnly(pair({ 'dirprm/patob.prm': 'EXTRACT PATOB\nPASSTHRU\nRMTTRAIL ./dirdat/ab\nRMTHOST 10.0.0.2, MGRPORT 7809\nTABLE WSO2AM.*;\n' }), ['dc1/dirprm/patob.prm:3 GG-007'], 'RMTTRAIL comes before any RMTHOST');
      assertOnly(pair({ 'dirprm/eatob.prm': 'EXTRACT EATOB\nTABLE WSO2AM.*;\nEXTTRAIL ./dirdat/ab\n' }), ['dc1/dirprm/eatob.prm:2 GG-007'], 'TABLE comes before any EXTTRAIL');
    });

    it('across hubs: flags a pump whose trail no Replicat reads, and a Replicat whose trail nothing writes', () => {
      const findings = pair({
        'dirprm/start-eatob.oby': 'ADD EXTTRAIL ./dirdat/ab, EXTRACT EATOB\nADD EXTRACT PATOB, EXTTRAILSOURCE ./dirdat/ab\nADD RMTTRAIL ./dirdat/ac, EXTRACT PATOB\n',
        'dirprm/patob.prm': 'EXTRACT PATOB\nRMTHOST 10.0.0.2, MGRPORT 7809\nRMTTRAIL ./dirdat/ac\nTABLE WSO2AM.*;\n',
      });
      assertOnly(findings, ['dc1/dirprm/patob.prm:1 GG-007', 'dc2/dirprm/add-ratob.oby:1 GG-007'], 'pump PATOB sends trail ./dirdat/ac, which no Replicat of the other hubs reads', 'Replicat RATOB reads trail ./dirdat/ab, which no Extract of this hub and no pump of the other hubs writes');
    });
  });

  describe('GG-008 globals', () => {
    it('flags ADD HEARTBEATTABLE without GGSCHEMA, and a Replicat\'s checkpoint table nothing creates', () => {
      assertOnly(pair({ GLOBALS: 'CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\n' }), ['dc1/dirprm/setup.oby:3 GG-008'], 'GLOBALS has no GGSCHEMA');
      assertOnly(pair({ 'dirprm/setup.oby': 'ADD HEARTBEATTABLE\n' }), ['dc1/dirprm/add-rbtoa.oby:1 GG-008'], 'checkpoint table OGGADMIN.GG_CHECKPOINT (its CHECKPOINTTABLE)');
      assertOnly(pair({ GLOBALS: 'GGSCHEMA OGGADMIN\n', 'dirprm/setup.oby': 'ADD CHECKPOINTTABLE\nADD HEARTBEATTABLE\n' }), ['dc1/dirprm/add-rbtoa.oby:1 GG-008', 'dc1/dirprm/setup.oby:1 GG-008'], 'ADD CHECKPOINTTABLE names no table');
    });

    it('passes a schema-qualified HEARTBEATTABLE, the GLOBALS default checkpoint table created by a bare ADD CHECKPOINTTABLE, and NODBCHECKPOINT', () => {
      assertOnly(pair({
        GLOBALS: 'CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\nHEARTBEATTABLE OGGADMIN.GG_HEARTBEAT\n',
        'dirprm/setup.oby': 'ADD CHECKPOINTTABLE\nADD HEARTBEATTABLE\n',
        'dirprm/add-rbtoa.oby': 'ADD REPLICAT RBTOA, EXTTRAIL ./dirdat/ba\n',
      }), []);
      assertOnly(pair({ 'dirprm/setup.oby': 'ADD HEARTBEATTABLE\n', 'dirprm/add-rbtoa.oby': 'ADD REPLICAT RBTOA, EXTTRAIL ./dirdat/ba, NODBCHECKPOINT\n' }), []);
    });
  });

  describe('GG-009 collector-ports', () => {
    /** A trusted source (a) that three spokes (b, c, d) each send one trail. */
    function hubAndSpokes(ports: string): Finding[] {
      const spokes = ['b', 'c', 'd'];
      const center: Files = {
        ...hubFiles('a'),
        'dirprm/mgr.prm': `PORT 7809\nDYNAMICPORTLIST ${ports}\n`,
        'dirprm/add-rbtoa.oby': spokes.map((s) => `ADD REPLICAT R${s.toUpperCase()}TOA, EXTTRAIL ./dirdat/${s}a\n`).join(''),
        ...Object.fromEntries(spokes.map((s) => [`dirprm/r${s}toa.prm`, `REPLICAT R${s.toUpperCase()}TOA\nMAP WSO2AM.*, TARGET WSO2AM.*;\n`])),
      };
      const spoke = (s: string): HubInput => hub(`dc-${s}`, {
        [`dirprm/p${s}toa.prm`]: `EXTRACT P${s.toUpperCase()}TOA\nRMTHOST 10.0.0.1, MGRPORT 7809\nRMTTRAIL ./dirdat/${s}a\nTABLE WSO2AM.*;\n`,
        [`dirprm/e${s}toa.prm`]: `EXTRACT E${s.toUpperCase()}TOA\nEXTTRAIL ./dirdat/${s}x\nTABLE WSO2AM.*;\n`,
        'dirprm/start.oby': `ADD EXTTRAIL ./dirdat/${s}x, EXTRACT E${s.toUpperCase()}TOA\nADD EXTRACT P${s.toUpperCase()}TOA, EXTTRAILSOURCE ./dirdat/${s}x\nADD RMTTRAIL ./dirdat/${s}a, EXTRACT P${s.toUpperCase()}TOA\n`,
      });
      // Only the incoming side is drawn (DC1's own pump has no reader here): keep the port findings.
      return ofRule(checkHubs([hub('dc-a', center), ...spokes.map(spoke)], []), 'GG-009');
    }

    it('flags fewer dynamic ports than the pumps that connect (one Collector each)', () => {
      assertOnly(hubAndSpokes('7810-7811'), ['dc-a/dirprm/mgr.prm:2 GG-009'], '3 pumps send trails to this hub (./dirdat/ba, ./dirdat/ca, ./dirdat/da), one Collector and port each, but DYNAMICPORTLIST offers 2');
      assertOnly(hubAndSpokes('7810-7811, 7815'), []);
    });

    it('flags DYNAMICPORTLIST syntax Oracle forbids: spaces around the dash, a reversed range, a port past 65535', () => {
      assertOnly(hubAndSpokes('7810 - 7830, 7811-7815'), ['dc-a/dirprm/mgr.prm:2 GG-009'], "entry '7810 - 7830' has spaces around its dash");
      assertOnly(hubAndSpokes('7830-7810, 7811-7815'), ['dc-a/dirprm/mgr.prm:2 GG-009'], "entry '7830-7810' is not a port or range");
      assertOnly(hubAndSpokes('7810-7815, 65536'), ['dc-a/dirprm/mgr.prm:2 GG-009'], "entry '65536'");
    });
  });

  describe('GG-010 lob-cdr, GG-011 cdr-key, GG-012 conflict-type (with table knowledge)', () => {
    const tables: TableKnowledge[] = [
      { owner: 'WSO2AM', table: 'DOC', lobColumns: ['BODY'], primaryKey: ['ID'] },
      { owner: 'WSO2AM', table: 'AUDIT', primaryKey: [] },
      { owner: 'WSO2AM', table: 'NAMED', primaryKey: [], uniqueKeys: [['NAME']] },
    ];

    it('flags a LOB column that COMPARECOLS or GETBEFORECOLS takes: ALL, in a wildcard MAP too, or kept by KEYINCLUDING', () => {
      assertOnly(pair(replicat('MAP WSO2AM.DOC, TARGET WSO2AM.DOC, COMPARECOLS (ON UPDATE ALL, ON DELETE KEY);\n'), tables), ['dc1/dirprm/rbtoa.prm:3 GG-010'], 'takes LOB columns of WSO2AM.DOC (ON UPDATE BODY)');
      assertOnly(pair(replicat('MAP WSO2AM.*, TARGET WSO2AM.*, COMPARECOLS (ON UPDATE ALL, ON DELETE ALL);\n'), tables), ['dc1/dirprm/rbtoa.prm:3 GG-010'], 'ON UPDATE BODY; ON DELETE BODY');
      assertOnly(pair({ 'dirprm/eatob.prm': 'EXTRACT EATOB\nEXTTRAIL ./dirdat/ab\nTABLE WSO2AM.DOC, GETBEFORECOLS (ON UPDATE KEYINCLUDING (BODY));\n' }, tables), ['dc1/dirprm/eatob.prm:3 GG-010'], 'GETBEFORECOLS of the TABLE of WSO2AM.DOC');
    });

    it('passes LOBs left out with ALLEXCLUDING, and a wildcard MAP whose exclusion removes the LOB table', () => {
      assertOnly(pair(replicat('MAP WSO2AM.DOC, TARGET WSO2AM.DOC, COMPARECOLS (ON UPDATE ALLEXCLUDING (body), ON DELETE ALLEXCLUDING (BODY));\n'), tables), []);
      const globals = 'CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\nGGSCHEMA OGGADMIN\nEXCLUDEWILDCARDOBJECTSONLY\n';
      assertOnly(pair({ GLOBALS: globals, ...replicat('MAPEXCLUDE WSO2AM.DO?\nMAP WSO2AM.*, TARGET WSO2AM.*, COMPARECOLS (ON UPDATE ALL);\nMAP WSO2AM.DOC, TARGET WSO2AM.DOC, COMPARECOLS (ON UPDATE KEY);\n') }, tables), []);
    });

    it('flags RESOLVECONFLICT on a table with no primary or unique key and no KEYCOLS; passes KEYCOLS and a unique key', () => {
      const resolve = 'COMPARECOLS (ON UPDATE KEY), RESOLVECONFLICT (UPDATEROWEXISTS, (DEFAULT, OVERWRITE))';
      assertOnly(pair(replicat(`MAP WSO2AM.AUDIT, TARGET WSO2AM.AUDIT, ${resolve};\n`), tables), ['dc1/dirprm/rbtoa.prm:3 GG-011'], 'WSO2AM.AUDIT, which has no primary key, no unique key and no KEYCOLS');
      assertOnly(pair(replicat(`MAP WSO2AM.AUDIT, TARGET WSO2AM.AUDIT, KEYCOLS (ID, AT), ${resolve};\nMAP WSO2AM.NAMED, TARGET WSO2AM.NAMED, ${resolve};\n`), tables), []);
    });

    it('flags RESOLVECONFLICT given twice for one conflict type', () => {
      const map = 'MAP WSO2AM.DOC, TARGET WSO2AM.DOC, COMPARECOLS (ON UPDATE KEY),\n  RESOLVECONFLICT (UPDATEROWEXISTS, (DEFAULT, OVERWRITE)),\n  RESOLVECONFLICT (INSERTROWEXISTS, (DEFAULT, OVERWRITE)),\n  RESOLVECONFLICT (UPDATEROWEXISTS, (DEFAULT, DISCARD));\n';
      assertOnly(pair(replicat(map), tables), ['dc1/dirprm/rbtoa.prm:6 GG-012'], 'RESOLVECONFLICT (UPDATEROWEXISTS, ...) again in the MAP of WSO2AM.DOC (first on line 4)');
    });
  });

  describe('GG-013 unknown-parameter', () => {
    it('flags a misspelt parameter with a suggestion, a parameter in the wrong file, an unknown MAP option and an unknown GGSCI command', () => {
      assertOnly(pair({ 'dirprm/mgr.prm': 'PORT 7809\nDYNAMICPORTLIST 7810-7820\nAUTOSTRAT ER *\n' }), ['dc1/dirprm/mgr.prm:3 GG-013'], 'unknown parameter AUTOSTRAT (did you mean AUTOSTART?)');
      assertOnly(pair(replicat('DYNAMICPORTLIST 7810-7820\nMAP WSO2AM.*, TARGET WSO2AM.*;\n')), ['dc1/dirprm/rbtoa.prm:3 GG-013'], 'DYNAMICPORTLIST is valid for manager, not in a replicat parameter file');
      assertOnly(pair(replicat('MAP WSO2AM.*, TARGET WSO2AM.*, COMPARECOL (ON UPDATE ALL);\n')), ['dc1/dirprm/rbtoa.prm:3 GG-013'], 'unknown MAP option COMPARECOL (did you mean COMPARECOLS?)');
      assertOnly(pair({ 'dirprm/setup.oby': 'ADD CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\nADD HEARTBEATTABLE\nADD HEARTBEATTABEL\n' }), ['dc1/dirprm/setup.oby:3 GG-013'], 'unknown GGSCI command ADD HEARTBEATTABEL (did you mean ADD HEARTBEATTABLE?)');
    });
  });
});

describe('gg-check command line', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-check-'));
    for (const [dc, self] of [['dc1', 'a'], ['dc2', 'b']] as const) {
      for (const [file, content] of Object.entries(hubFiles(self))) {
        fs.mkdirSync(path.dirname(path.join(dir, dc, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, dc, file), content);
      }
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with only the summary on a correct deployment, finding both hubs under the directory given', () => {
    const result = runCli(dir);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, '0 findings in 16 files of 2 hubs\n');
    assert.equal(result.status, 0);
  });

  it('exits 1 printing file:line: rule: message; --tables gives the table knowledge', () => {
    fs.writeFileSync(path.join(dir, 'dc1/dirprm/rbtoa.prm'), 'REPLICAT RBTOA\nMAP WSO2AM.*, TARGET WSO2AM.*;\nMAP APP.*, TARGET APP.*, COMPARECOLS (ON UPDATE ALL);\n');
    const tables = path.join(dir, 'tables.json');
    fs.writeFileSync(tables, JSON.stringify([{ owner: 'APP', table: 'DOC', lobColumns: ['BODY'] }]));
    try {
      const result = runCli(dir, '--tables', tables);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stdout, new RegExp(`^${dir}/dc1/dirprm/rbtoa\\.prm:3: GG-010: COMPARECOLS of the MAP of APP\\.\\* takes LOB columns of APP\\.DOC \\(ON UPDATE BODY\\) \\(.*"Do not use CDR for columns that contain LOBs.*"\\)\n1 findings in 16 files of 2 hubs\n$`));
      assert.equal(runCli(dir).status, 0, 'the default tables know no APP.DOC');
    } finally {
      fs.writeFileSync(path.join(dir, 'dc1/dirprm/rbtoa.prm'), hubFiles('a')['dirprm/rbtoa.prm']);
      fs.rmSync(tables);
    }
  });

  it('exits 2 naming file and line when a file is not GoldenGate syntax', () => {
    fs.writeFileSync(path.join(dir, 'dc2/dirprm/ratob.prm'), 'REPLICAT RATOB\nMAP WSO2AM.*, TARGET WSO2AM.*\n');
    try {
      const result = runCli(dir);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `gg:check: ${dir}/dc2/dirprm/ratob.prm:2: MAP has no ';' before the end of the file\n`);
      assert.equal(result.status, 2);
    } finally {
      fs.writeFileSync(path.join(dir, 'dc2/dirprm/ratob.prm'), hubFiles('b')['dirprm/ratob.prm']);
    }
  });

  it('exits 2 with the usage on bad arguments, and naming the input it cannot read', () => {
    for (const args of [[], ['--verbose', dir], ['--tables']]) {
      const result = runCli(...args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^gg:check: .+\n\nusage: npm run gg:check -- <GoldenGate home or directory>\.\.\./, args.join(' '));
    }
    const missing = runCli(path.join(dir, 'nowhere'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^gg:check: cannot read .*nowhere: ENOENT/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gg-check-empty-'));
    try {
      assert.match(runCli(empty).stderr, /^gg:check: no GoldenGate files \(GLOBALS or dirprm\/\) under /);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const badTables = path.join(dir, 'bad.json');
    fs.writeFileSync(badTables, '[{"owner": "WSO2AM"}]');
    try {
      const result = runCli(dir, `--tables=${badTables}`);
      assert.equal(result.status, 2);
      assert.equal(result.stderr, `gg:check: --tables ${badTables}: entry 0 needs "owner" and "table" strings\n`);
    } finally {
      fs.rmSync(badTables);
    }
  });
});

/** Each stack's hub files as the region renders them into the boot bucket, one hub per stack. */
function renderedHubs(configDir: string, stacks: readonly string[]): HubInput[] {
  return stacks.map((stack) => {
    const config = configDir === PROJECT_DIR ? stackConfig(stack) : loadStackConfig(configDir, stack);
    const { project, aws } = sourcesOf(config);
    const objects = bootObjects(parseConfig(project, aws, stack));
    const files = Object.entries(objects)
      .filter(([key]) => key.startsWith(BOOT_KEYS.goldengatePrefix))
      .map(([key, content]) => ({ path: key.slice(BOOT_KEYS.goldengatePrefix.length), text: content }));
    return { root: `${stack}/goldengate`, files };
  });
}

describe('gg-check over every stack\'s rendered GoldenGate files (what npm test holds the renderer to)', () => {
  // Expected to pass only once the integrator merges issue 21's reworked lib/goldengate/parameter-files.ts:
  // the renderer on this branch still has every defect the before-fixtures above show.
  // enabled at merge with the reworked parameter files
  it('finds nothing in the shipped us-east and us-west hubs, nor in a three-DC deployment', () => {
    const shipped = renderedHubs(PROJECT_DIR, STACKS);
    assert.equal(shipped.length, 2);
    const findings = checkHubs(shipped, DEFAULT_TABLES);
    const dir = threeDatacenterProject('gg-check-3dc-');
    try {
      const three = renderedHubs(dir, listStacks(dir));
      assert.equal(three.length, 3);
      findings.push(...checkHubs(three, DEFAULT_TABLES));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(findings.map((finding) => `${finding.file}:${finding.line}: ${finding.rule}: ${finding.message}`), []);
  });
});
