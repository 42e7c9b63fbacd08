/**
 * The parameters, TABLE/MAP options and GGSCI commands the checker knows, each with the page of
 * Oracle's documentation that defines it and where it is valid. Deliberately small: what the
 * project renders (and the few its runbooks and issue 21's rework name). Anything else is reported
 * as unknown (GG-013): a misspelt parameter is silently taken for something else or stops the
 * process, and a parameter nobody looked up is a construct nobody checked against the docs. To use
 * a new one, add it here with its page.
 *
 * Pages: "Reference for Oracle GoldenGate" 19c (parameters) and "Command Line Interface Reference
 * for Oracle GoldenGate" 19c (GGSCI commands), https://docs.oracle.com/en/middleware/goldengate/core/19.1/.
 */

export type FileKind = 'globals' | 'manager' | 'extract' | 'replicat';

export interface KnownParameter {
  /** Where the Reference says it is valid ("Valid For"). */
  readonly validFor: readonly FileKind[];
  /** The Reference page. */
  readonly page: string;
}

const reference = (page: string) => `Reference for Oracle GoldenGate 19c, ${page}`;

export const PARAMETERS: Readonly<Record<string, KnownParameter>> = {
  // GLOBALS
  CHECKPOINTTABLE: { validFor: ['globals'], page: reference('CHECKPOINTTABLE') },
  GGSCHEMA: { validFor: ['globals'], page: reference('GGSCHEMA') },
  HEARTBEATTABLE: { validFor: ['globals'], page: reference('HEARTBEATTABLE') },
  EXCLUDEWILDCARDOBJECTSONLY: { validFor: ['globals'], page: reference('EXCLUDEWILDCARDOBJECTSONLY') },
  USEIPV4: { validFor: ['globals'], page: reference('USEIPV4') },
  // Manager
  PORT: { validFor: ['manager'], page: reference('PORT') },
  DYNAMICPORTLIST: { validFor: ['manager'], page: reference('DYNAMICPORTLIST') },
  AUTOSTART: { validFor: ['manager'], page: reference('AUTOSTART') },
  AUTORESTART: { validFor: ['manager'], page: reference('AUTORESTART') },
  PURGEOLDEXTRACTS: { validFor: ['manager', 'extract', 'replicat'], page: reference('PURGEOLDEXTRACTS') },
  ACCESSRULE: { validFor: ['manager'], page: reference('ACCESSRULE') },
  // Extract (capture and pump)
  EXTRACT: { validFor: ['extract'], page: reference('EXTRACT') },
  TRANLOGOPTIONS: { validFor: ['extract'], page: reference('TRANLOGOPTIONS') },
  LOGALLSUPCOLS: { validFor: ['extract'], page: reference('LOGALLSUPCOLS') },
  UPDATERECORDFORMAT: { validFor: ['extract'], page: reference('UPDATERECORDFORMAT') },
  EXTTRAIL: { validFor: ['extract'], page: reference('EXTTRAIL') },
  RMTHOST: { validFor: ['extract'], page: reference('RMTHOST') },
  RMTTRAIL: { validFor: ['extract'], page: reference('RMTTRAIL') },
  PASSTHRU: { validFor: ['extract'], page: reference('PASSTHRU | NOPASSTHRU') },
  TABLE: { validFor: ['extract'], page: reference('TABLE | MAP') },
  TABLEEXCLUDE: { validFor: ['extract'], page: reference('TABLEEXCLUDE') },
  // Replicat
  REPLICAT: { validFor: ['replicat'], page: reference('REPLICAT') },
  MAP: { validFor: ['replicat'], page: reference('TABLE | MAP') },
  MAPEXCLUDE: { validFor: ['replicat'], page: reference('MAPEXCLUDE') },
  REPERROR: { validFor: ['replicat'], page: reference('REPERROR') },
  INSERTALLRECORDS: { validFor: ['replicat'], page: reference('INSERTALLRECORDS') },
  // Both
  USERIDALIAS: { validFor: ['extract', 'replicat'], page: reference('USERIDALIAS') },
  DBOPTIONS: { validFor: ['extract', 'replicat'], page: reference('DBOPTIONS') },
  DISCARDFILE: { validFor: ['extract', 'replicat'], page: reference('DISCARDFILE') },
  DISCARDROLLOVER: { validFor: ['extract', 'replicat'], page: reference('DISCARDROLLOVER') },
  ALLOWDUPTARGETMAP: { validFor: ['extract', 'replicat'], page: reference('ALLOWDUPTARGETMAP | NOALLOWDUPTARGETMAP') },
  NOALLOWDUPTARGETMAP: { validFor: ['extract', 'replicat'], page: reference('ALLOWDUPTARGETMAP | NOALLOWDUPTARGETMAP') },
};

/**
 * TABLE and MAP options, from the syntax of Reference, TABLE | MAP (which lists them all; a
 * name outside this list is a misspelling or an option of another statement).
 */
const TABLE_OPTIONS = [
  'TARGET', 'ATTRCHARSET', 'CHARSET', 'COLCHARSET', 'COLMAP', 'COLS', 'COLSEXCEPT', 'DEF', 'TARGETDEF', 'EVENTACTIONS', 'EXITPARAM',
  'FETCHCOLS', 'FETCHCOLSEXCEPT', 'FETCHMODCOLS', 'FETCHMODCOLSEXCEPT', 'FETCHBEFOREFILTER', 'FILTER', 'GETBEFORECOLS', 'KEYCOLS',
  'SQLEXEC', 'SQLPREDICATE', 'TOKENS', 'TRIMSPACES', 'NOTRIMSPACES', 'TRIMVARSPACES', 'NOTRIMVARSPACES', 'WHERE',
];
const MAP_OPTIONS = [
  'TARGET', 'CHARSET', 'COLCHARSET', 'COLMAP', 'COMPARECOLS', 'COORDINATED', 'DEF', 'TARGETDEF', 'EVENTACTIONS', 'EXCEPTIONSONLY', 'EXITPARAM',
  'FILTER', 'HANDLECOLLISIONS', 'NOHANDLECOLLISIONS', 'INSERTALLRECORDS', 'INSERTAPPEND', 'NOINSERTAPPEND', 'KEYCOLS', 'MAPALLCOLUMNS',
  'NOMAPALLCOLUMNS', 'MAPEXCEPTION', 'MAPINVISIBLECOLUMNS', 'NOMAPINVISIBLECOLUMNS', 'REPERROR', 'RESOLVECONFLICT', 'SQLEXEC', 'THREAD',
  'THREADRANGE', 'TRIMSPACES', 'NOTRIMSPACES', 'TRIMVARSPACES', 'NOTRIMVARSPACES', 'WHERE',
];
export const OPTIONS_OF: Readonly<Record<'TABLE' | 'MAP', ReadonlySet<string>>> = { TABLE: new Set(TABLE_OPTIONS), MAP: new Set(MAP_OPTIONS) };
export const OPTION_NAMES: ReadonlySet<string> = new Set([...TABLE_OPTIONS, ...MAP_OPTIONS]);

const command = (page: string) => `Command Line Interface Reference for Oracle GoldenGate 19c, ${page}`;

/** GGSCI commands of obey files, by verb and object (`ADD EXTRACT`) or verb alone (`DBLOGIN`). */
export const COMMANDS: Readonly<Record<string, string>> = {
  DBLOGIN: command('DBLOGIN'),
  'ADD SCHEMATRANDATA': command('ADD SCHEMATRANDATA'),
  'ADD TRANDATA': command('ADD TRANDATA'),
  'ADD CHECKPOINTTABLE': command('ADD CHECKPOINTTABLE'),
  'ADD HEARTBEATTABLE': command('ADD HEARTBEATTABLE'),
  'REGISTER EXTRACT': command('REGISTER EXTRACT'),
  'UNREGISTER EXTRACT': command('UNREGISTER EXTRACT'),
  'ADD EXTRACT': command('ADD EXTRACT'),
  'ALTER EXTRACT': command('ALTER EXTRACT'),
  'INFO EXTRACT': command('INFO EXTRACT'),
  'DELETE EXTRACT': command('DELETE EXTRACT'),
  'ADD EXTTRAIL': command('ADD EXTTRAIL'),
  'ADD RMTTRAIL': command('ADD RMTTRAIL'),
  'ADD REPLICAT': command('ADD REPLICAT'),
  'ALTER REPLICAT': command('ALTER REPLICAT'),
  'DELETE REPLICAT': command('DELETE REPLICAT'),
  'START EXTRACT': command('START EXTRACT'),
  'START REPLICAT': command('START REPLICAT'),
  'STOP EXTRACT': command('STOP EXTRACT'),
  'STOP REPLICAT': command('STOP REPLICAT'),
  'INFO ALL': command('INFO ALL'),
};
