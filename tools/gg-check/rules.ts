/**
 * The rules of `npm run gg:check`, each with the Oracle documentation it enforces. A finding
 * quotes the sentence it rests on, so a reader can check the rule against the page without
 * opening this file. Where a 19c page was not at hand the citation names the release whose page
 * was read (the sentence is the same in 12c and 26ai where both were read).
 */

export interface Citation {
  /** Book and page, e.g. `Reference for Oracle GoldenGate, ALLOWDUPTARGETMAP`. */
  readonly page: string;
  /** The sentence, verbatim. */
  readonly quote: string;
  readonly url: string;
}

const GG12 = 'https://docs.oracle.com/goldengate/c1230/gg-winux/GWURF';
const GG19 = 'https://docs.oracle.com/en/middleware/goldengate/core/19.1';
const GG21 = 'https://docs.oracle.com/en/middleware/goldengate/core/21.3';
const GG26 = 'https://docs.oracle.com/en/database/goldengate/core/26';

export const CITATIONS = {
  duplicateMap: {
    page: 'Reference for Oracle GoldenGate (12.3), ALLOWDUPTARGETMAP | NOALLOWDUPTARGETMAP',
    quote: 'By default, duplicate MAP statements cause Replicat to abend. If ALLOWDUPTARGETMAP is not specified and the same source and target tables are mapped more than once, only the first MAP statement is used and the others are ignored.',
    url: `${GG12}/allowduptargetmap-noallowduptargetmap.htm`,
  },
  duplicateTable: {
    page: 'Reference for Oracle GoldenGate (12.3), ALLOWDUPTARGETMAP | NOALLOWDUPTARGETMAP',
    quote: 'By default, Extract abends on duplicate TABLE statements when COLMAP is used.',
    url: `${GG12}/allowduptargetmap-noallowduptargetmap.htm`,
  },
  exceptionsTarget: {
    page: 'Administering Oracle GoldenGate (26ai), Using EXCEPTIONSONLY',
    quote: 'The second, an exceptions MAP statement, maps the source table to the exceptions table (instead of to the target table).',
    url: `${GG26}/coredoc/administer-using-exceptionsonly.html`,
  },
  exceptionsFollow: {
    page: 'Administering Oracle GoldenGate (26ai), Using EXCEPTIONSONLY',
    quote: 'The exceptions MAP statement must immediately follow the regular MAP statement that contains the same source table.',
    url: `${GG26}/coredoc/administer-using-exceptionsonly.html`,
  },
  exceptionsExplicit: {
    page: 'Administering Oracle GoldenGate (26ai), Using EXCEPTIONSONLY',
    quote: 'EXCEPTIONSONLY is valid for one pair of source and target tables that are explicitly named and mapped one-to-one in a MAP statement; that is, there cannot be wildcards.',
    url: `${GG26}/coredoc/administer-using-exceptionsonly.html`,
  },
  exceptionsInsertAll: {
    page: 'Administering Oracle GoldenGate (26ai), Using EXCEPTIONSONLY',
    quote: 'To identify a MAP statement as an exceptions MAP statement, use the INSERTALLRECORDS and EXCEPTIONSONLY options.',
    url: `${GG26}/coredoc/administer-using-exceptionsonly.html`,
  },
  mapExceptionWildcard: {
    page: 'Administering Oracle GoldenGate (26ai), Using MAPEXCEPTION',
    quote: 'MAPEXCEPTION is valid when the names of the source and target tables in the MAP statement are wildcarded.',
    url: `${GG26}/coredoc/administer-using-mapexception.html`,
  },
  mapExceptionInsertAll: {
    page: 'Administering Oracle GoldenGate (26ai), Using MAPEXCEPTION',
    quote: 'When using MAPEXCEPTION, include the INSERTALLRECORDS parameter in the MAPEXCEPTION clause.',
    url: `${GG26}/coredoc/administer-using-mapexception.html`,
  },
  exceptionsNeeded: {
    page: 'Administering Oracle GoldenGate (26ai), Handling Errors as Exceptions',
    quote: 'When the action of REPERROR is EXCEPTION or TRANSEXCEPTION, you can map the values of operations that generate errors to an exceptions table ... To map the exceptions to the exceptions table, use either of the following options of the MAP parameter: MAP with EXCEPTIONSONLY, MAP with MAPEXCEPTION',
    url: `${GG26}/coredoc/administer-handling-errors-exceptions.html`,
  },
  exactExclusion: {
    page: 'Reference for Oracle GoldenGate (12.3), EXCLUDEWILDCARDOBJECTSONLY',
    quote: 'Use the EXCLUDEWILDCARDOBJECTSONLY parameter to force the inclusion of non-wildcarded source objects specified in TABLE or MAP parameters when an exclusion parameter contains a wildcard that otherwise would exclude that object.',
    url: `${GG12}/excludewildcardobjectsonly.htm`,
  },
  exclusionFirst: {
    page: 'Reference for Oracle GoldenGate (12.3), EXCLUDEWILDCARDOBJECTSONLY',
    quote: 'The exclusion parameters get evaluated and satisfied before the TABLE or MAP statements.',
    url: `${GG12}/excludewildcardobjectsonly.htm`,
  },
  groupLength: {
    page: 'Administering Oracle GoldenGate 19c, Naming Conventions for Processes',
    quote: 'For the following types of processes, you can use up to eight characters, including non-alphanumeric characters such as the underscore (_): Online Extract group, Initial-load Extract, Online Replicat group created in classic (non-coordinated) mode, Online Replicat group created in integrated mode (Oracle only)',
    url: `${GG19}/ggcab/naming-conventions-processes.html`,
  },
  groupDigit: {
    page: 'Administering Oracle GoldenGate 19c, Naming Conventions for Processes',
    quote: 'You can include a number in a group name, but it is not recommended that a name end in any numerals. Understand that using a numeric value at the end of a group name (such as fin1) can cause duplicate report file names and errors',
    url: `${GG19}/ggcab/naming-conventions-processes.html`,
  },
  parameterFileName: {
    page: 'Administering Oracle GoldenGate 19c, Creating a Parameter File in GGSCI',
    quote: 'The name of an Extract or Replicat parameter file must match that of the process group.',
    url: `${GG19}/admin/creating-parameter-file-ggsci.html`,
  },
  trailName: {
    page: 'Command Line Interface Reference for Oracle GoldenGate 19c, ADD RMTTRAIL',
    quote: 'The relative or fully qualified path name of the trail. The trail name can contain only two characters.',
    url: `${GG19}/gclir/add-rmttrail.html`,
  },
  oneWriter: {
    page: 'Command Line Interface Reference for Oracle GoldenGate (21c), ADD EXTTRAIL and ADD RMTTRAIL',
    quote: 'A trail can only be assigned to one Extract. Multiple Extracts cannot write to the same trail.',
    url: `${GG21}/gclir/add-exttrail-1.html`,
  },
  trailMatchesExttrail: {
    page: 'Command Line Interface Reference for Oracle GoldenGate (21c), ADD EXTTRAIL',
    quote: 'The trail file name and path (for Classic Architecture) must exactly match the EXTTRAIL parameter used in the Extract.',
    url: `${GG21}/gclir/add-exttrail-1.html`,
  },
  trailMatchesRmttrail: {
    page: 'Command Line Interface Reference for Oracle GoldenGate (21c), ADD RMTTRAIL',
    quote: 'The trail file name and path (for Classic Architecture) must exactly match the RMTTRAIL parameter used in the Extract.',
    url: `${GG21}/gclir/add-rmttrail-1.html`,
  },
  trailReaders: {
    page: 'Reference for Oracle GoldenGate (21c), EXTTRAIL',
    quote: 'Use the EXTTRAIL parameter to specify a trail on the local system that was created with the ADD EXTTRAIL command. The trail is read by an Extract Pump group, or by a Replicat group on the local system.',
    url: `${GG21}/reference/exttrail.html`,
  },
  trailBeforeTables: {
    page: 'Reference for Oracle GoldenGate (21c), EXTTRAIL',
    quote: 'EXTTRAIL must precede all associated TABLE statements.',
    url: `${GG21}/reference/exttrail.html`,
  },
  rmthostFirst: {
    page: 'Reference for Oracle GoldenGate (12.2), ADD RMTTRAIL',
    quote: 'In the parameter file, specify a RMTHOST entry before any RMTTRAIL entries to identify the remote system and TCP/IP port for the Manager process.',
    url: 'https://docs.oracle.com/pls/topic/lookup?ctx=E68100-01&id=GWURF227',
  },
  heartbeatSchema: {
    page: 'Command Line Interface Reference for Oracle GoldenGate 19c, ADD HEARTBEATTABLE',
    quote: 'The tables, procedures and scheduler jobs are created in the GGSCHEMA mentioned in GLOBALS file. In Classic Architecture: The default names can be overridden by specifying HEARTBEATTABLE hbschemaname.hbtablename in the GLOBALS file.',
    url: `${GG19}/gclir/add-heartbeattable.html`,
  },
  checkpointTable: {
    page: 'Command Line Interface Reference for Oracle GoldenGate 19c, ADD CHECKPOINTTABLE',
    quote: 'Use ADD CHECKPOINTTABLE to create a checkpoint table in the target database. ... One table can serve as the default checkpoint table for all Replicat groups in an Oracle GoldenGate instance if you specify it with the CHECKPOINTTABLE parameter in a GLOBALS file.',
    url: `${GG19}/gclir/add-checkpointtable.html`,
  },
  collectorPerExtract: {
    page: 'Administering Oracle GoldenGate 19c, What is a Collector?',
    quote: 'Collector can receive information from only one Extract process, so there is one Collector for each Extract that you use.',
    url: `${GG19}/ggcab/what-is-collector.html`,
  },
  dynamicPortList: {
    page: 'Reference for Oracle GoldenGate (12.3), DYNAMICPORTLIST',
    quote: 'Use the DYNAMICPORTLIST parameter to specify a list of available ports to which the following local Oracle GoldenGate processes can bind for communication with a remote Oracle GoldenGate process: Collector: to communicate with a remote Extract to receive incoming data.',
    url: `${GG12}/dynamicportlist.htm`,
  },
  dynamicPortSyntax: {
    page: 'Reference for Oracle GoldenGate (12.3), DYNAMICPORTLIST',
    quote: 'To specify a range of ports, use a dash (-) to separate the first and last port in the range. Do not put any spaces before or after the dash. ... The maximum number of port entries is 5000.',
    url: `${GG12}/dynamicportlist.htm`,
  },
  lobCdr: {
    page: '"Using Oracle GoldenGate for Oracle Database" / Administering Oracle GoldenGate (21c), Overview of the Oracle GoldenGate CDR Feature',
    quote: 'Do not use CDR for columns that contain LOBs, abstract data types (ADT), or user-defined types (UDT).',
    url: `${GG21}/ggcab/overview-oracle-goldengate-cdr-feature.html`,
  },
  cdrKeys: {
    page: 'Administering Oracle GoldenGate (21c), Configuring Conflict Detection and Resolution, Keys',
    quote: 'For accurate detection of conflicts, all records must have a unique, not-null identifier. If possible, create a primary key. If that is not possible, use a unique key or create a substitute key with a KEYCOLS option of the MAP and TABLE parameters.',
    url: `${GG21}/ggcab/keys.html`,
  },
  resolveConflictOnce: {
    page: 'Administering Oracle GoldenGate (21c), Configuring the Oracle GoldenGate Parameter Files for Conflict Resolution',
    quote: 'You can use RESOLVECONFLICT multiple times in a MAP statement to specify different resolutions for different conflict types. However, you cannot use RESOLVECONFLICT multiple times for the same type of conflict.',
    url: `${GG21}/ggcab/configuring-oracle-goldengate-parameter-files-conflict-resolution.html`,
  },
  knownParameters: {
    page: 'Reference for Oracle GoldenGate 19c and Command Line Interface Reference for Oracle GoldenGate 19c (the page named in tools/gg-check/parameters.ts)',
    quote: 'Each parameter is valid only where its page says ("Valid For"); a name no page defines is not a parameter.',
    url: `${GG19}/reference/`,
  },
} as const satisfies Record<string, Citation>;

export type CitationKey = keyof typeof CITATIONS;

export interface RuleDefinition {
  readonly id: string;
  readonly name: string;
  /** What the rule finds. */
  readonly finds: string;
  readonly citations: readonly CitationKey[];
}

export const RULES = [
  { id: 'GG-001', name: 'duplicate-map', finds: 'a source table mapped to the same target by two MAP statements of a Replicat (explicit names, or an explicit name a wildcard MAP also covers) without ALLOWDUPTARGETMAP; a table captured by two TABLE statements of one trail when one has COLMAP or their options differ', citations: ['duplicateMap', 'duplicateTable'] },
  { id: 'GG-002', name: 'exceptions-map', finds: 'an EXCEPTIONSONLY MAP with a wildcard, not right after its table\'s regular MAP, onto the regular target itself, or without INSERTALLRECORDS; a MAPEXCEPTION on explicit names, or without INSERTALLRECORDS', citations: ['exceptionsExplicit', 'exceptionsFollow', 'exceptionsTarget', 'exceptionsInsertAll', 'mapExceptionWildcard', 'mapExceptionInsertAll'] },
  { id: 'GG-003', name: 'exceptions-needed', finds: 'a MAP under a REPERROR whose response is EXCEPTION or TRANSEXCEPTION (global, or its own) with no exceptions mapping (an EXCEPTIONSONLY MAP right after it, or MAPEXCEPTION)', citations: ['exceptionsNeeded'] },
  { id: 'GG-004', name: 'exclusion', finds: 'a TABLEEXCLUDE/MAPEXCLUDE that names a table exactly while a TABLE/MAP names it too (EXCLUDEWILDCARDOBJECTSONLY is documented only for wildcard exclusions); a wildcard exclusion of an explicitly named table without EXCLUDEWILDCARDOBJECTSONLY in GLOBALS', citations: ['exactExclusion', 'exclusionFirst'] },
  { id: 'GG-005', name: 'group-name', finds: 'a group name longer than 8 characters or ending in a digit; a parameter file whose group is not its file name; a group added in an obey file without its parameter file', citations: ['groupLength', 'groupDigit', 'parameterFileName'] },
  { id: 'GG-006', name: 'trail-name', finds: 'a trail whose name (after its directory) is not one or two letters or digits', citations: ['trailName'] },
  { id: 'GG-007', name: 'trail-wiring', finds: 'a trail two Extracts write; an EXTTRAIL/RMTTRAIL parameter that differs from the ADD EXTTRAIL/ADD RMTTRAIL of its group; a pump reading a trail no local Extract writes; a TABLE before the trail parameter, a RMTTRAIL before RMTHOST; across hubs, a pump\'s trail no Replicat reads or a Replicat\'s trail no Extract or pump writes', citations: ['oneWriter', 'trailMatchesExttrail', 'trailMatchesRmttrail', 'trailReaders', 'trailBeforeTables', 'rmthostFirst'] },
  { id: 'GG-008', name: 'globals', finds: 'ADD HEARTBEATTABLE without GGSCHEMA (or a schema-qualified HEARTBEATTABLE) in GLOBALS; a checkpoint table a Replicat is added with that no ADD CHECKPOINTTABLE creates; ADD CHECKPOINTTABLE without a name or a GLOBALS CHECKPOINTTABLE', citations: ['heartbeatSchema', 'checkpointTable'] },
  { id: 'GG-009', name: 'collector-ports', finds: 'a DYNAMICPORTLIST with fewer ports than the pumps that connect to the hub (one Collector each), or written against its syntax (spaces around a range\'s dash, a port outside 1-65535, a reversed range, more than 5000 entries)', citations: ['collectorPerExtract', 'dynamicPortList', 'dynamicPortSyntax'] },
  { id: 'GG-010', name: 'lob-cdr', finds: 'a LOB column compared by COMPARECOLS or captured by GETBEFORECOLS (ALL, or an ALLEXCLUDING/KEYINCLUDING list that keeps it)', citations: ['lobCdr'] },
  { id: 'GG-011', name: 'cdr-key', finds: 'a MAP with RESOLVECONFLICT for a table that has no primary key, no unique key and no KEYCOLS', citations: ['cdrKeys'] },
  { id: 'GG-012', name: 'conflict-type', finds: 'RESOLVECONFLICT given twice for the same conflict type in one MAP', citations: ['resolveConflictOnce'] },
  { id: 'GG-013', name: 'unknown-parameter', finds: 'a parameter, TABLE/MAP option or GGSCI command the checker has no documentation page for, or a parameter in a file its page does not allow it in', citations: ['knownParameters'] },
] as const satisfies readonly RuleDefinition[];

export type RuleId = (typeof RULES)[number]['id'];
export const RULE_IDS: readonly RuleId[] = RULES.map((rule) => rule.id);

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule: RuleId;
  /** What is wrong, then the documentation sentence it rests on. */
  readonly message: string;
}

export const cite = (key: CitationKey): string => `(${CITATIONS[key].page}: "${CITATIONS[key].quote}")`;
