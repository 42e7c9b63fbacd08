/**
 * The rules of tools/gg-check/rules.ts, applied to hubs read by hub.ts. Each check returns its
 * findings; `runChecks` runs them all. Table knowledge (LOB columns, keys) comes from the caller.
 */
import { nearestName } from '../../lib/nearest-name';
import { argumentsOf, statementsNamed, wordsOf, type Command, type Hub, type Mapping, type MappingOption, type ParameterFile } from './hub';
import { isWord, nest, splitAtCommas, type Group, type Node } from './lexer';
import { hasWildcard, matches, nameKey, parseObjectName, resolveTarget, type ObjectName } from './names';
import { COMMANDS, OPTIONS_OF, PARAMETERS, type FileKind } from './parameters';
import { cite, type Finding, type RuleId } from './rules';

/** What the rules need to know of a replicated table (lib/goldengate/wso2-tables.ts's Wso2Table, plus its primary key). */
export interface TableKnowledge {
  readonly owner: string;
  readonly table: string;
  readonly lobColumns?: readonly string[];
  readonly uniqueKeys?: readonly (readonly string[])[];
  /** The primary key's columns; `[]` when the table has none; absent when not known. */
  readonly primaryKey?: readonly string[];
}

interface Context {
  readonly hubs: readonly Hub[];
  readonly tables: ReadonlyMap<string, TableKnowledge>;
}

type Report = (file: string, line: number, rule: RuleId, message: string) => void;

const MAX_GROUP_NAME = 8;
const MAX_COORDINATED_GROUP_NAME = 5;
const MAX_PORT_ENTRIES = 5000;

// ---------------------------------------------------------------- shared reading

const optionsNamed = (mapping: Mapping, name: string): MappingOption[] => mapping.options.filter((option) => option.name === name);
const hasOption = (mapping: Mapping, name: string): boolean => optionsNamed(mapping, name).length > 0;
const isExceptionsMap = (mapping: Mapping): boolean => hasOption(mapping, 'EXCEPTIONSONLY');

/** The exclusions of a file: TABLEEXCLUDE in an Extract, MAPEXCLUDE in a Replicat (their order does not matter: Reference, MAPEXCLUDE). */
function exclusionsOf(file: ParameterFile): Array<{ name: ObjectName; line: number }> {
  const keyword = file.kind === 'extract' ? 'TABLEEXCLUDE' : 'MAPEXCLUDE';
  return statementsNamed(file, keyword).flatMap((statement) => {
    const [word] = argumentsOf(statement);
    return word ? [{ name: parseObjectName(word.value), line: statement.line }] : [];
  });
}

/** Every table a file could touch: those it names, and the known tables of the schemas it names. */
function universeOf(file: ParameterFile, context: Context): string[][] {
  const tables = new Map<string, string[]>();
  for (const mapping of file.mappings) {
    if (!hasWildcard(mapping.source)) tables.set(nameKey(mapping.source), [...mapping.source.parts]);
  }
  for (const known of context.tables.values()) tables.set(`${known.owner}.${known.table}`, [known.owner, known.table]);
  return [...tables.values()];
}

/** Whether a TABLE/MAP applies to `table`: its exact name, or its wildcard unless an exclusion removes the table. */
function covers(mapping: Mapping, table: readonly string[], exclusions: ReadonlyArray<{ name: ObjectName }>): boolean {
  if (!hasWildcard(mapping.source)) return nameKey(mapping.source) === table.join('.');
  return matches(mapping.source, table) && !exclusions.some((exclusion) => matches(exclusion.name, table));
}

const groupChildren = (nodes: readonly Node[]): Node[] | undefined => {
  const group = nodes.find((node): node is Group => node.kind === 'group');
  return group ? [...group.children] : undefined;
};

const columnName = (word: string): string => (word.startsWith('"') ? word.slice(1, -1) : word.toUpperCase());

const trailName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
const sameTrail = (a: string, b: string): boolean => a.replace(/^\.\//, '') === b.replace(/^\.\//, '');

/** The trail of an obey command: its name for ADD EXTTRAIL/RMTTRAIL, else an option's value. */
const optionWord = (command: Command, option: string): string | undefined => wordsOf(command.options.get(option) ?? [])[0];

const commandsOf = (hub: Hub, verb: string, object?: string): Command[] =>
  hub.commands.filter((command) => command.verb === verb && (object === undefined || command.object === object));

const fileOfGroup = (hub: Hub, group: string): ParameterFile | undefined => hub.groupFiles.find((file) => file.group?.name === group.toUpperCase());

/** Trails the hub's Extracts write locally (ADD EXTTRAIL). */
const localTrails = (hub: Hub): string[] => commandsOf(hub, 'ADD', 'EXTTRAIL').flatMap((command) => (command.name ? [command.name] : []));
/** Trails the hub's Replicats read (ADD REPLICAT ..., EXTTRAIL t). */
const replicatTrails = (hub: Hub): Array<{ group: string; trail: string; command: Command }> =>
  commandsOf(hub, 'ADD', 'REPLICAT').flatMap((command) => {
    const trail = optionWord(command, 'EXTTRAIL');
    return command.name && trail ? [{ group: command.name.toUpperCase(), trail, command }] : [];
  });
/** Remote trails the hub's pumps write (ADD RMTTRAIL, else RMTTRAIL parameters). */
function pumpTrails(hub: Hub): Array<{ group: string; trail: string }> {
  const added = commandsOf(hub, 'ADD', 'RMTTRAIL').flatMap((command) => {
    const group = optionWord(command, 'EXTRACT');
    return command.name && group ? [{ group: group.toUpperCase(), trail: command.name }] : [];
  });
  if (added.length > 0) return added;
  return hub.groupFiles.flatMap((file) => statementsNamed(file, 'RMTTRAIL').flatMap((statement) => {
    const [trail] = argumentsOf(statement);
    return trail && file.group ? [{ group: file.group.name, trail: trail.value }] : [];
  }));
}
/** Trails read on the hub that no Extract of the hub writes: they arrive from other hubs' pumps. */
const incomingTrails = (hub: Hub): Array<{ group: string; trail: string; command: Command }> =>
  replicatTrails(hub).filter((read) => !localTrails(hub).some((trail) => sameTrail(trail, read.trail)));

// ---------------------------------------------------------------- GG-001 duplicate-map

function checkDuplicates(hub: Hub, context: Context, report: Report): void {
  for (const file of hub.groupFiles) {
    if (file.kind === 'replicat') {
      if (statementsNamed(file, 'ALLOWDUPTARGETMAP').length > 0) continue;
      const exclusions = exclusionsOf(file);
      const reported = new Set<string>();
      for (const table of universeOf(file, context)) {
        const byTarget = new Map<string, Mapping[]>();
        for (const mapping of file.mappings.filter((m) => m.kind === 'MAP' && covers(m, table, exclusions))) {
          const target = mapping.target ? resolveTarget(mapping.target, table).join('.') : table.join('.');
          byTarget.set(target, [...(byTarget.get(target) ?? []), mapping]);
        }
        for (const [target, mappings] of byTarget) {
          for (const later of mappings.slice(1)) {
            const key = `${later.statement.line} ${table.join('.')}`;
            if (reported.has(key)) continue;
            reported.add(key);
            report(file.display, later.statement.line, 'GG-001', `${table.join('.')} is mapped to ${target} by the MAP on line ${mappings[0].statement.line} and again by this one, and the Replicat has no ALLOWDUPTARGETMAP: it abends, or uses only the first ${cite('duplicateMap')}`);
          }
        }
      }
    }
    if (file.kind === 'extract') checkDuplicateTables(file, context, report);
  }
}

/** TABLE statements between two trail parameters write to the same trail. */
function trailSections(file: ParameterFile): Mapping[][] {
  const sections: Mapping[][] = [[]];
  file.statements.forEach((statement, index) => {
    if (statement.keyword === 'EXTTRAIL' || statement.keyword === 'RMTTRAIL') sections.push([]);
    const mapping = file.mappings.find((m) => m.index === index);
    if (mapping) sections[sections.length - 1].push(mapping);
  });
  return sections;
}

const optionText = (mapping: Mapping): string =>
  JSON.stringify(mapping.options.map((option) => [option.name, JSON.stringify(option.args, (key, value) => (key === 'line' ? undefined : value))]).sort());

function checkDuplicateTables(file: ParameterFile, context: Context, report: Report): void {
  if (statementsNamed(file, 'ALLOWDUPTARGETMAP').length > 0) return;
  const exclusions = exclusionsOf(file);
  const tables = universeOf(file, context);
  for (const section of trailSections(file)) {
    const reported = new Set<number>();
    for (const table of tables) {
      const capturing = section.filter((mapping) => mapping.kind === 'TABLE' && covers(mapping, table, exclusions));
      for (const later of capturing.slice(1)) {
        if (reported.has(later.statement.line)) continue;
        const withColmap = capturing.some((mapping) => hasOption(mapping, 'COLMAP'));
        if (!withColmap && optionText(later) === optionText(capturing[0])) continue;
        reported.add(later.statement.line);
        const why = withColmap
          ? 'one of them has COLMAP, so Extract abends'
          : 'with different options; the Reference documents duplicate TABLE statements only with COLMAP, so which options Extract applies is not documented';
        report(file.display, later.statement.line, 'GG-001', `${table.join('.')} is captured by the TABLE on line ${capturing[0].statement.line} and again by this one, ${why} ${cite('duplicateTable')}`);
      }
    }
  }
}

// ---------------------------------------------------------------- GG-002 exceptions-map, GG-003 exceptions-needed

function checkExceptionMaps(hub: Hub, report: Report): void {
  for (const file of hub.groupFiles.filter((f) => f.kind === 'replicat')) {
    for (const mapping of file.mappings.filter((m) => m.kind === 'MAP')) {
      const line = mapping.statement.line;
      const source = mapping.source.text;
      for (const option of optionsNamed(mapping, 'MAPEXCEPTION')) {
        if (!hasWildcard(mapping.source)) {
          report(file.display, option.line, 'GG-002', `MAPEXCEPTION on the explicitly named ${source}: use an EXCEPTIONSONLY MAP after it ${cite('mapExceptionWildcard')}`);
        }
        const clause = groupChildren(option.args) ?? [];
        if (!clause.some((node) => isWord(node, 'INSERTALLRECORDS'))) {
          report(file.display, option.line, 'GG-002', `the MAPEXCEPTION of ${source} has no INSERTALLRECORDS ${cite('mapExceptionInsertAll')}`);
        }
      }
      if (!isExceptionsMap(mapping)) continue;
      if (hasWildcard(mapping.source) || (mapping.target && hasWildcard(mapping.target))) {
        report(file.display, line, 'GG-002', `EXCEPTIONSONLY MAP of ${source} has a wildcard ${cite('exceptionsExplicit')}`);
        continue;
      }
      const previous = file.statements[mapping.index - 1];
      const regular = file.mappings.find((m) => m.index === mapping.index - 1);
      if (!regular || regular.kind !== 'MAP' || isExceptionsMap(regular) || nameKey(regular.source) !== nameKey(mapping.source)) {
        const after = previous ? `line ${previous.line} is ${previous.keyword}` : 'it is the first statement';
        report(file.display, line, 'GG-002', `the EXCEPTIONSONLY MAP of ${source} does not follow that table's regular MAP (${after}) ${cite('exceptionsFollow')}`);
      }
      const regularTargets = file.mappings
        .filter((m) => m.kind === 'MAP' && !isExceptionsMap(m) && covers(m, mapping.source.parts, []))
        .map((m) => (m.target ? resolveTarget(m.target, mapping.source.parts).join('.') : nameKey(m.source)));
      const target = mapping.target ? nameKey(mapping.target) : nameKey(mapping.source);
      if (regularTargets.includes(target)) {
        report(file.display, line, 'GG-002', `the EXCEPTIONSONLY MAP of ${source} maps it onto its regular target ${target}, not onto an exceptions table ${cite('exceptionsTarget')}`);
      }
      if (!hasOption(mapping, 'INSERTALLRECORDS')) {
        report(file.display, line, 'GG-002', `the EXCEPTIONSONLY MAP of ${source} has no INSERTALLRECORDS ${cite('exceptionsInsertAll')}`);
      }
    }
  }
}

/** `REPERROR (error, response ...)`: the error and the response, upper-cased; RESET alone. */
function reperror(nodes: readonly Node[]): { error: string; response: string } | 'RESET' | undefined {
  if (isWord(nodes[0], 'RESET')) return 'RESET';
  const children = groupChildren(nodes);
  if (!children) return undefined;
  const [error, response] = splitAtCommas(children);
  const errorWord = error?.find((node) => isWord(node));
  const responseWord = response?.find((node) => isWord(node));
  return isWord(errorWord) && isWord(responseWord) ? { error: errorWord.value.toUpperCase(), response: responseWord.value.toUpperCase() } : undefined;
}

const EXCEPTION_RESPONSES = new Set(['EXCEPTION', 'TRANSEXCEPTION']);

function checkExceptionsNeeded(hub: Hub, report: Report): void {
  for (const file of hub.groupFiles.filter((f) => f.kind === 'replicat')) {
    // A global REPERROR applies to the MAP statements that follow it (Reference, REPERROR).
    let global: Array<{ error: string; response: string }> = [];
    file.statements.forEach((statement, index) => {
      if (statement.keyword === 'REPERROR') {
        const parsed = reperror(nest(statement.tokens.slice(1)));
        if (parsed === 'RESET') global = [];
        else if (parsed) global = [...global.filter((r) => r.error !== parsed.error), parsed];
        return;
      }
      const mapping = file.mappings.find((m) => m.index === index);
      if (!mapping || mapping.kind !== 'MAP' || isExceptionsMap(mapping)) return;
      const own = optionsNamed(mapping, 'REPERROR').map((option) => reperror(option.args)).filter((r): r is { error: string; response: string } => r !== undefined && r !== 'RESET');
      const handled = [...global, ...own].filter((r) => EXCEPTION_RESPONSES.has(r.response));
      if (handled.length === 0) return;
      const next = file.mappings.find((m) => m.index === index + 1);
      const hasExceptionsMap = hasOption(mapping, 'MAPEXCEPTION') || (next !== undefined && isExceptionsMap(next) && nameKey(next.source) === nameKey(mapping.source));
      if (!hasExceptionsMap) {
        const errors = handled.map((r) => `REPERROR (${r.error}, ${r.response})`).join(', ');
        report(file.display, mapping.statement.line, 'GG-003', `${errors} applies to the MAP of ${mapping.source.text}, which has no exceptions mapping (an EXCEPTIONSONLY MAP right after it, or MAPEXCEPTION) ${cite('exceptionsNeeded')}`);
      }
    });
  }
}

// ---------------------------------------------------------------- GG-004 exclusion

function checkExclusions(hub: Hub, report: Report): void {
  const wildcardsOnly = statementsNamed(hub.globals, 'EXCLUDEWILDCARDOBJECTSONLY').length > 0;
  for (const file of hub.groupFiles.filter((f) => f.kind === 'extract' || f.kind === 'replicat')) {
    const exclusions = exclusionsOf(file);
    const keyword = file.kind === 'extract' ? 'TABLEEXCLUDE' : 'MAPEXCLUDE';
    for (const mapping of file.mappings.filter((m) => !hasWildcard(m.source))) {
      const matching = exclusions.filter((exclusion) => matches(exclusion.name, mapping.source.parts));
      const exact = matching.filter((exclusion) => !hasWildcard(exclusion.name));
      const wildcard = matching.filter((exclusion) => hasWildcard(exclusion.name));
      if (exact.length > 0) {
        report(file.display, mapping.statement.line, 'GG-004', `${mapping.kind} names ${mapping.source.text}, which ${keyword} on line ${exact[0].line} excludes by its exact name; EXCLUDEWILDCARDOBJECTSONLY is documented only for exclusions with a wildcard, so whether ${mapping.source.text} is replicated is not documented ${cite('exactExclusion')}`);
      }
      if (wildcard.length > 0 && !wildcardsOnly) {
        report(file.display, mapping.statement.line, 'GG-004', `${mapping.kind} names ${mapping.source.text}, which ${keyword} ${wildcard[0].name.text} on line ${wildcard[0].line} excludes, and GLOBALS has no EXCLUDEWILDCARDOBJECTSONLY: the table is excluded ${cite('exclusionFirst')}`);
      }
    }
  }
}

// ---------------------------------------------------------------- GG-005 group-name

function checkGroupNames(hub: Hub, report: Report): void {
  const named = new Map<string, { file: string; line: number; limit: number }>();
  for (const file of hub.groupFiles) {
    if (file.kind === 'other') {
      report(file.display, file.statements[0]?.line ?? 1, 'GG-005', `${file.path} does not start with EXTRACT or REPLICAT naming its group ${cite('parameterFileName')}`);
      continue;
    }
    if (!file.group) continue;
    named.set(file.group.name, { file: file.display, line: file.group.line, limit: MAX_GROUP_NAME });
    const fileGroup = trailName(file.path).replace(/\.prm$/i, '').toUpperCase();
    if (fileGroup !== file.group.name) {
      report(file.display, file.group.line, 'GG-005', `${file.path} is the parameter file of group ${fileGroup}, but names group ${file.group.name} ${cite('parameterFileName')}`);
    }
  }
  for (const command of [...commandsOf(hub, 'ADD', 'EXTRACT'), ...commandsOf(hub, 'ADD', 'REPLICAT')]) {
    if (!command.name) continue;
    const group = command.name.toUpperCase();
    const coordinated = command.options.has('COORDINATED') || command.options.has('PARALLEL');
    const entry = named.get(group) ?? { file: command.display, line: command.line, limit: MAX_GROUP_NAME };
    named.set(group, { ...entry, limit: coordinated ? MAX_COORDINATED_GROUP_NAME : entry.limit });
    if (!fileOfGroup(hub, group)) {
      report(command.display, command.line, 'GG-005', `${command.verb} ${command.object} ${group} has no parameter file dirprm/${group.toLowerCase()}.prm naming it ${cite('parameterFileName')}`);
    }
  }
  for (const [group, where] of named) {
    if (group.length > where.limit) {
      report(where.file, where.line, 'GG-005', `group name ${group} has ${group.length} characters, more than ${where.limit} ${cite('groupLength')}`);
    }
    if (/\d$/.test(group)) report(where.file, where.line, 'GG-005', `group name ${group} ends in a digit ${cite('groupDigit')}`);
  }
}

// ---------------------------------------------------------------- GG-006 trail-name, GG-007 trail-wiring

function trailMentions(hub: Hub): Array<{ file: string; line: number; trail: string }> {
  const mentions: Array<{ file: string; line: number; trail: string }> = [];
  for (const file of hub.groupFiles) {
    for (const statement of [...statementsNamed(file, 'EXTTRAIL'), ...statementsNamed(file, 'RMTTRAIL')]) {
      const [trail] = argumentsOf(statement);
      if (trail) mentions.push({ file: file.display, line: statement.line, trail: trail.value });
    }
  }
  for (const command of hub.commands) {
    if (command.verb === 'ADD' && (command.object === 'EXTTRAIL' || command.object === 'RMTTRAIL') && command.name) mentions.push({ file: command.display, line: command.line, trail: command.name });
    for (const option of ['EXTTRAILSOURCE', 'EXTTRAIL']) {
      const trail = command.verb === 'ADD' ? optionWord(command, option) : undefined;
      if (trail) mentions.push({ file: command.display, line: command.line, trail });
    }
  }
  return mentions;
}

function checkTrailNames(hub: Hub, report: Report): void {
  for (const mention of trailMentions(hub)) {
    if (!/^[A-Za-z0-9]{1,2}$/.test(trailName(mention.trail))) {
      report(mention.file, mention.line, 'GG-006', `trail ${mention.trail} is named '${trailName(mention.trail)}', not one or two letters or digits ${cite('trailName')}`);
    }
  }
}

function checkTrailWiring(hub: Hub, context: Context, report: Report): void {
  // One writer per trail.
  const writers = new Map<string, Command>();
  for (const command of [...commandsOf(hub, 'ADD', 'EXTTRAIL'), ...commandsOf(hub, 'ADD', 'RMTTRAIL')]) {
    const group = optionWord(command, 'EXTRACT')?.toUpperCase();
    if (!command.name || !group) continue;
    const key = `${command.object} ${command.name.replace(/^\.\//, '')}`;
    const first = writers.get(key);
    if (first && optionWord(first, 'EXTRACT')?.toUpperCase() !== group) {
      report(command.display, command.line, 'GG-007', `trail ${command.name} is added for Extract ${group}, and for ${optionWord(first, 'EXTRACT')} on line ${first.line} ${cite('oneWriter')}`);
    } else if (!first) {
      writers.set(key, command);
    }
    // The group's EXTTRAIL/RMTTRAIL parameter names exactly this trail.
    const file = fileOfGroup(hub, group);
    const parameter = command.object === 'EXTTRAIL' ? 'EXTTRAIL' : 'RMTTRAIL';
    if (file && !statementsNamed(file, parameter).some((statement) => argumentsOf(statement)[0]?.value === command.name)) {
      const written = statementsNamed(file, parameter).map((statement) => argumentsOf(statement)[0]?.value).filter(Boolean);
      report(command.display, command.line, 'GG-007', `ADD ${parameter} ${command.name} for ${group}, whose parameter file has ${written.length ? `${parameter} ${written.join(', ')}` : `no ${parameter}`} ${cite(parameter === 'EXTTRAIL' ? 'trailMatchesExttrail' : 'trailMatchesRmttrail')}`);
    }
  }
  // Two groups' parameter files writing the same trail.
  const parameterWriters = new Map<string, { group: string; file: string; line: number }>();
  for (const file of hub.groupFiles.filter((f) => f.kind === 'extract' && f.group)) {
    for (const statement of [...statementsNamed(file, 'EXTTRAIL'), ...statementsNamed(file, 'RMTTRAIL')]) {
      const trail = argumentsOf(statement)[0]?.value;
      if (!trail) continue;
      const key = `${statement.keyword} ${trail.replace(/^\.\//, '')}`;
      const first = parameterWriters.get(key);
      if (first && first.group !== file.group!.name) {
        report(file.display, statement.line, 'GG-007', `${file.group!.name} writes ${statement.keyword} ${trail}, which ${first.group} (${first.file}:${first.line}) writes too ${cite('oneWriter')}`);
      } else if (!first) {
        parameterWriters.set(key, { group: file.group!.name, file: file.display, line: statement.line });
      }
    }
  }
  // A pump reads a trail an Extract of this hub writes.
  for (const command of commandsOf(hub, 'ADD', 'EXTRACT')) {
    const source = optionWord(command, 'EXTTRAILSOURCE');
    if (source && !localTrails(hub).some((trail) => sameTrail(trail, source))) {
      report(command.display, command.line, 'GG-007', `pump ${command.name} reads trail ${source}, which no ADD EXTTRAIL of this hub creates ${cite('trailReaders')}`);
    }
  }
  // Trail parameters come before the TABLE statements that write to them, RMTHOST before RMTTRAIL.
  for (const file of hub.groupFiles.filter((f) => f.kind === 'extract')) {
    const firstTable = file.statements.findIndex((statement) => statement.keyword === 'TABLE');
    const firstTrail = file.statements.findIndex((statement) => statement.keyword === 'EXTTRAIL' || statement.keyword === 'RMTTRAIL');
    if (firstTable >= 0 && (firstTrail < 0 || firstTable < firstTrail)) {
      report(file.display, file.statements[firstTable].line, 'GG-007', `TABLE comes before any EXTTRAIL or RMTTRAIL ${cite('trailBeforeTables')}`);
    }
    const firstHost = file.statements.findIndex((statement) => statement.keyword === 'RMTHOST');
    const firstRemote = file.statements.findIndex((statement) => statement.keyword === 'RMTTRAIL');
    if (firstRemote >= 0 && (firstHost < 0 || firstRemote < firstHost)) {
      report(file.display, file.statements[firstRemote].line, 'GG-007', `RMTTRAIL comes before any RMTHOST ${cite('rmthostFirst')}`);
    }
  }
  // Across hubs: every pump's trail is read by a Replicat elsewhere, every incoming trail is sent by a pump.
  if (context.hubs.length < 2) return;
  const others = context.hubs.filter((other) => other !== hub);
  for (const pumped of pumpTrails(hub)) {
    if (!others.some((other) => replicatTrails(other).some((read) => sameTrail(read.trail, pumped.trail)))) {
      const where = fileOfGroup(hub, pumped.group);
      report(where?.display ?? hub.root, where?.group?.line ?? 1, 'GG-007', `pump ${pumped.group} sends trail ${pumped.trail}, which no Replicat of the other hubs reads ${cite('trailReaders')}`);
    }
  }
  for (const read of incomingTrails(hub)) {
    if (!others.some((other) => pumpTrails(other).some((pumped) => sameTrail(pumped.trail, read.trail)))) {
      report(read.command.display, read.command.line, 'GG-007', `Replicat ${read.group} reads trail ${read.trail}, which no Extract of this hub and no pump of the other hubs writes ${cite('trailReaders')}`);
    }
  }
}

// ---------------------------------------------------------------- GG-008 globals

function checkGlobals(hub: Hub, report: Report): void {
  const globalsValue = (keyword: string): string | undefined => {
    const [statement] = statementsNamed(hub.globals, keyword);
    return statement ? argumentsOf(statement)[0]?.value : undefined;
  };
  const ggschema = globalsValue('GGSCHEMA');
  const heartbeatTable = globalsValue('HEARTBEATTABLE');
  for (const command of commandsOf(hub, 'ADD', 'HEARTBEATTABLE')) {
    if (!ggschema && !heartbeatTable?.includes('.')) {
      report(command.display, command.line, 'GG-008', `ADD HEARTBEATTABLE, and GLOBALS has no GGSCHEMA (nor a schema-qualified HEARTBEATTABLE) ${cite('heartbeatSchema')}`);
    }
  }
  const defaultCheckpoint = globalsValue('CHECKPOINTTABLE');
  const created = new Set<string>();
  for (const command of commandsOf(hub, 'ADD', 'CHECKPOINTTABLE')) {
    const table = command.name ?? defaultCheckpoint;
    if (table) created.add(nameKey(parseObjectName(table)));
    else report(command.display, command.line, 'GG-008', `ADD CHECKPOINTTABLE names no table, and GLOBALS has no CHECKPOINTTABLE ${cite('checkpointTable')}`);
  }
  for (const command of commandsOf(hub, 'ADD', 'REPLICAT')) {
    if (command.options.has('NODBCHECKPOINT')) continue;
    const table = optionWord(command, 'CHECKPOINTTABLE') ?? defaultCheckpoint;
    if (table && !created.has(nameKey(parseObjectName(table)))) {
      const from = optionWord(command, 'CHECKPOINTTABLE') ? 'its CHECKPOINTTABLE' : 'the CHECKPOINTTABLE of GLOBALS';
      report(command.display, command.line, 'GG-008', `Replicat ${command.name} is added with checkpoint table ${table} (${from}), which no ADD CHECKPOINTTABLE of this hub creates ${cite('checkpointTable')}`);
    }
  }
}

// ---------------------------------------------------------------- GG-009 collector-ports

function checkCollectorPorts(hub: Hub, context: Context, report: Report): void {
  const statement = statementsNamed(hub.manager, 'DYNAMICPORTLIST')[0];
  if (!hub.manager || !statement) return;
  const ports = new Set<number>();
  const entries = splitAtCommas(statement.tokens.slice(1));
  for (const entry of entries) {
    const words = wordsOf(entry);
    const text = words.join(' ');
    if (words.length > 1) {
      const spaced = words.some((word) => word.startsWith('-') || word.endsWith('-'));
      report(hub.manager.display, statement.line, 'GG-009', `DYNAMICPORTLIST entry '${text}' ${spaced ? 'has spaces around its dash' : 'is not a port or a range'} ${cite('dynamicPortSyntax')}`);
      continue;
    }
    const range = /^(\d+)(?:-(\d+))?$/.exec(text);
    const from = range ? Number(range[1]) : NaN;
    const to = range?.[2] ? Number(range[2]) : from;
    if (!range || from < 1 || to > 65535 || from > to) {
      report(hub.manager.display, statement.line, 'GG-009', `DYNAMICPORTLIST entry '${text}' is not a port or range of ports between 1 and 65535 ${cite('dynamicPortSyntax')}`);
      continue;
    }
    for (let port = from; port <= to && ports.size <= MAX_PORT_ENTRIES; port++) ports.add(port);
  }
  if (ports.size > MAX_PORT_ENTRIES) {
    report(hub.manager.display, statement.line, 'GG-009', `DYNAMICPORTLIST lists more than ${MAX_PORT_ENTRIES} ports ${cite('dynamicPortSyntax')}`);
  }
  // One Collector per pump that connects: the pumps of the other hubs whose trails this hub reads,
  // or, with this hub alone, one per trail read from elsewhere.
  const incoming = incomingTrails(hub);
  const others = context.hubs.filter((other) => other !== hub);
  const pumps = new Set<string>();
  for (const read of incoming) {
    const senders = others.flatMap((other) => pumpTrails(other).filter((pumped) => sameTrail(pumped.trail, read.trail)).map((pumped) => `${other.root} ${pumped.group}`));
    if (senders.length === 0) pumps.add(`trail ${read.trail}`);
    senders.forEach((sender) => pumps.add(sender));
  }
  if (pumps.size > ports.size) {
    report(hub.manager.display, statement.line, 'GG-009', `${pumps.size} pumps send trails to this hub (${incoming.map((read) => read.trail).join(', ')}), one Collector and port each, but DYNAMICPORTLIST offers ${ports.size} ${cite('collectorPerExtract')}`);
  }
}

// ---------------------------------------------------------------- GG-010 lob-cdr, GG-011 cdr-key, GG-012 conflict-type

/** The LOB columns a COMPARECOLS or GETBEFORECOLS spec keeps, per operation. */
function lobsCompared(option: MappingOption, lobs: readonly string[]): Array<{ operation: string; columns: string[] }> {
  const spec = groupChildren(option.args);
  if (!spec) return [];
  return splitAtCommas(spec).flatMap((part) => {
    const words = part.filter((node) => isWord(node)).map((node) => (node as { value: string }).value.toUpperCase());
    if (words[0] !== 'ON' || !words[1]) return [];
    const operation = `ON ${words[1]}`;
    const kind = words[2];
    const listed = (groupChildren(part) ?? []).filter((node) => isWord(node)).map((node) => columnName((node as { value: string }).value));
    const columns =
      kind === 'ALL' ? [...lobs]
      : kind === 'ALLEXCLUDING' ? lobs.filter((lob) => !listed.includes(lob))
      : kind === 'KEYINCLUDING' ? lobs.filter((lob) => listed.includes(lob))
      : [];
    return columns.length > 0 ? [{ operation, columns }] : [];
  });
}

function coveredKnownTables(mapping: Mapping, file: ParameterFile, context: Context): TableKnowledge[] {
  const exclusions = exclusionsOf(file);
  return [...context.tables.values()].filter((known) => covers(mapping, [known.owner, known.table], hasWildcard(mapping.source) ? exclusions : []));
}

function checkConflictHandling(hub: Hub, context: Context, report: Report): void {
  for (const file of hub.groupFiles.filter((f) => f.kind === 'extract' || f.kind === 'replicat')) {
    for (const mapping of file.mappings) {
      const tables = coveredKnownTables(mapping, file, context);
      for (const option of [...optionsNamed(mapping, 'COMPARECOLS'), ...optionsNamed(mapping, 'GETBEFORECOLS')]) {
        for (const known of tables) {
          const compared = lobsCompared(option, known.lobColumns ?? []);
          if (compared.length === 0) continue;
          const what = compared.map((c) => `${c.operation} ${c.columns.join(', ')}`).join('; ');
          report(file.display, option.line, 'GG-010', `${option.name} of the ${mapping.kind} of ${mapping.source.text} takes LOB columns of ${known.owner}.${known.table} (${what}) ${cite('lobCdr')}`);
        }
      }
      const resolutions = optionsNamed(mapping, 'RESOLVECONFLICT');
      if (resolutions.length === 0) continue;
      if (!hasOption(mapping, 'KEYCOLS')) {
        for (const known of tables) {
          if (known.primaryKey !== undefined && known.primaryKey.length === 0 && (known.uniqueKeys ?? []).length === 0) {
            report(file.display, mapping.statement.line, 'GG-011', `the MAP of ${mapping.source.text} resolves conflicts on ${known.owner}.${known.table}, which has no primary key, no unique key and no KEYCOLS ${cite('cdrKeys')}`);
          }
        }
      }
      const seen = new Map<string, number>();
      for (const option of resolutions) {
        const conflict = wordsOf(groupChildren(option.args) ?? [])[0]?.toUpperCase();
        if (!conflict) continue;
        const first = seen.get(conflict);
        if (first !== undefined) report(file.display, option.line, 'GG-012', `RESOLVECONFLICT (${conflict}, ...) again in the MAP of ${mapping.source.text} (first on line ${first}) ${cite('resolveConflictOnce')}`);
        else seen.set(conflict, option.line);
      }
    }
  }
}

// ---------------------------------------------------------------- GG-013 unknown-parameter

function suggestion(name: string, candidates: readonly string[]): string {
  const nearest = nearestName(name, candidates);
  return nearest ? ` (did you mean ${nearest}?)` : '';
}

function checkKnownNames(hub: Hub, report: Report): void {
  const files = [hub.globals, hub.manager, ...hub.groupFiles].filter((file): file is ParameterFile => file !== undefined && file.kind !== 'other');
  for (const file of files) {
    const kind = file.kind as FileKind;
    for (const statement of file.statements) {
      const known = PARAMETERS[statement.keyword];
      if (!known) {
        const candidates = Object.keys(PARAMETERS).filter((name) => PARAMETERS[name].validFor.includes(kind));
        report(file.display, statement.line, 'GG-013', `unknown parameter ${statement.keyword}${suggestion(statement.keyword, candidates)} ${cite('knownParameters')}`);
      } else if (!known.validFor.includes(kind)) {
        report(file.display, statement.line, 'GG-013', `${statement.keyword} is valid for ${known.validFor.join(', ')}, not in a ${kind} parameter file (${known.page}) ${cite('knownParameters')}`);
      }
    }
    for (const mapping of file.mappings) {
      const allowed = OPTIONS_OF[mapping.kind];
      for (const option of mapping.options) {
        if (!allowed.has(option.name)) {
          const name = option.name || 'a parenthesised list';
          report(file.display, option.line, 'GG-013', `unknown ${mapping.kind} option ${name}${suggestion(option.name, [...allowed])} (Reference for Oracle GoldenGate 19c, TABLE | MAP) ${cite('knownParameters')}`);
        }
      }
    }
  }
  for (const command of hub.commands) {
    const name = command.object ? `${command.verb} ${command.object}` : command.verb;
    if (!COMMANDS[name] && !COMMANDS[command.verb]) {
      report(command.display, command.line, 'GG-013', `unknown GGSCI command ${name}${suggestion(name, Object.keys(COMMANDS))} ${cite('knownParameters')}`);
    }
  }
}

// ---------------------------------------------------------------- all

/** Every rule over every hub. */
export function runChecks(hubs: readonly Hub[], tables: readonly TableKnowledge[]): Finding[] {
  const context: Context = { hubs, tables: new Map(tables.map((t) => [`${t.owner}.${t.table}`, t])) };
  const findings: Finding[] = [];
  const report: Report = (file, line, rule, message) => findings.push({ file, line, rule, message });
  for (const hub of hubs) {
    checkDuplicates(hub, context, report);
    checkExceptionMaps(hub, report);
    checkExceptionsNeeded(hub, report);
    checkExclusions(hub, report);
    checkGroupNames(hub, report);
    checkTrailNames(hub, report);
    checkTrailWiring(hub, context, report);
    checkGlobals(hub, report);
    checkCollectorPorts(hub, context, report);
    checkConflictHandling(hub, context, report);
    checkKnownNames(hub, report);
  }
  return findings;
}
