/**
 * A model of how the rendered GoldenGate files move and apply changes between datacenters. It reads
 * everything from the rendered files of every hub (`pathsOf`), so its verdict follows the
 * rendering, and it follows GoldenGate's documented semantics, not the files' intent:
 *
 * - Capture: each DC commits its own transactions to its redo, untagged. The Extract of a path
 *   reads them in commit order, whole, skips a transaction whose tag it excludes (TRANLOGOPTIONS
 *   EXCLUDETAG) and keeps the records of the tables it selects: exclusions are evaluated before
 *   TABLE, and EXCLUDEWILDCARDOBJECTSONLY (GLOBALS) keeps an explicitly named table only against
 *   an exclusion that holds a wildcard (Reference 19c, EXCLUDEWILDCARDOBJECTSONLY); an exclusion
 *   by exact name wins. The pump passes what its own TABLE statements select.
 * - Apply order: each Replicat applies its trail in order, one source transaction at a time,
 *   committed with its DBOPTIONS SETTAG tag; Replicats into one database interleave with each
 *   other and with local transactions. The target's triggers do not fire (SUPPRESSTRIGGERS).
 * - Mapping: the first MAP whose source names the table (MAPEXCLUDE as TABLEEXCLUDE). Two MAPs of
 *   one source and target abend the Replicat at start ("By default, duplicate MAP statements cause
 *   Replicat to abend", ALLOWDUPTARGETMAP); so does an EXCEPTIONSONLY MAP with a wildcard. An
 *   exceptions MAP belongs to the regular MAP it immediately follows.
 * - CDR: an insert of an existing key is INSERTROWEXISTS; an update or delete of a missing row
 *   UPDATEROWMISSING / DELETEROWMISSING, of a row whose compared columns differ from the before
 *   image UPDATEROWEXISTS / DELETEROWEXISTS (LOB columns have no before image). OVERWRITE applies
 *   the change (insert as update; an update of a missing row as an insert from the after image,
 *   which holds a LOB only when the update changed it), IGNORE keeps the target's row, DISCARD
 *   keeps it and writes a discard record. "Replicat sends every operation that generates a
 *   conflict (resolved or not) to the exceptions MAP statement": each is an exceptions-table row.
 *   A conflict without a resolution is a database error (ORA-00001, ORA-01403). An ORA-00001 on
 *   a unique key other than the primary key is either a plain error (REPERROR) or taken by CDR as
 *   INSERTROWEXISTS, whose OVERWRITE updates a primary key the target does not hold (ORA-01403):
 *   the docs do not settle which ("Configuring the Oracle GoldenGate Parameter Files for Conflict
 *   Resolution": a table with additional unique keys needs "a consistent way to uniquely identify
 *   each row"), so `ModelAssumptions` chooses and tests run both.
 * - Errors (ORA-00001 unique key, ORA-02291 parent missing, ORA-02292 child exists) follow
 *   REPERROR, the MAP's own before the global ones: DISCARD, EXCEPTION (to the table's exceptions MAP) and IGNORE act on that record only
 *   and the transaction goes on; TRANSDISCARD / TRANSEXCEPTION set the whole transaction aside;
 *   ABEND, the default, rolls the transaction back and stops the Replicat. EXCEPTION for a table
 *   without an exceptions MAP is not documented: the model stops there.
 *
 * What the divergence check compares (`differences`): every replicated table's keys and rows;
 * with `hashesLobs: false` (a hash over key and non-LOB columns) a row that differs only in a LOB
 * passes unseen. Pure: no I/O.
 */

export type Row = Record<string, string>;
export type Database = Map<string, Map<string, Row>>;

/** A table as the database enforces it (not as GoldenGate is told). The key is one column. */
export interface ModelTable {
    name: string;
    key: string;
    uniqueKeys: string[][];
    lobColumns: string[];
    /**
     * A foreign key to a parent. `cascadeTrigger`: the parent's BEFORE DELETE row trigger deletes
     * these rows first (WSO2's multi-DC replacement for ON DELETE CASCADE); it fires for the
     * application's deletes, not for a Replicat's.
     */
    parent?: { column: string; table: string; cascadeTrigger?: boolean };
}

/** What a hub holds: its datacenter and its rendered files by path. */
export interface HubFiles {
    dcId: string;
    hubIp: string;
    files: Map<string, string>;
}

/** What the documentation leaves open about how a Replicat meets a conflict. */
export interface ModelAssumptions {
    /**
     * An insert clashing on a unique key other than the primary key is CDR's INSERTROWEXISTS (its
     * resolution applies; OVERWRITE then updates a primary key the target lacks: ORA-01403), not a
     * plain ORA-00001 for REPERROR.
     */
    secondaryKeyClashIsCdr: boolean;
}

/**
 * The model's default reading: CDR takes the secondary-key clash for INSERTROWEXISTS. Oracle's CDR
 * "provides basic conflict resolution routines that: Resolve a uniqueness conflict for an INSERT"
 * (Overview of the Oracle GoldenGate CDR Feature, 19c), naming no key, and "if REPERROR and CDR are
 * configured to handle the same conflict, CDR takes precedence" (Configuring the Oracle GoldenGate
 * Parameter Files for Error Handling, 19c). Neither page settles it: the other reading (a plain
 * ORA-00001 for REPERROR) stays open, and the tests run both (ALL_ASSUMPTIONS).
 */
export const DEFAULT_ASSUMPTIONS: ModelAssumptions = { secondaryKeyClashIsCdr: true };

/** Both readings of the undocumented behaviour, for tests that must hold under each. */
export const ALL_ASSUMPTIONS: ModelAssumptions[] = [false, true].map((secondaryKeyClashIsCdr) => ({ secondaryKeyClashIsCdr }));

type Conflict = "INSERTROWEXISTS" | "UPDATEROWEXISTS" | "UPDATEROWMISSING" | "DELETEROWEXISTS" | "DELETEROWMISSING";
type Resolution = "OVERWRITE" | "IGNORE" | "DISCARD";

interface MapRule {
    source: string;
    resolutions: Partial<Record<Conflict, Resolution>>;
    notCompared: string[];
    /** The MAP's own REPERROR rules (before the Replicat's global ones). */
    reperror: Map<string, string>;
    /** The exceptions MAP right after this one: its target. */
    exceptions?: { target: string };
}

/** One direction of replication, as the files wire it. */
export interface ReplicationPath {
    from: string;
    to: string;
    replicat: string;
    excludedTags: string[];
    tag: string;
    /** Whether a record of the table reaches the trail the Replicat reads (Extract, then pump). */
    travels: (table: string) => boolean;
    /** The MAP that applies a table's records, if any. */
    ruleFor: (table: string) => MapRule | undefined;
    reperror: Map<string, string>;
    /** Why the Replicat abends as soon as it starts, if it does. */
    startAbend?: string;
}

// ---------------------------------------------------------------------------------------------
// Reading the files

/** Statements of a parameter file: comments and blank lines dropped, `;` removed. */
const statements = (content: string) =>
    content.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("--")).map((l) => l.replace(/;$/, ""));
const argumentsOf = (content: string, keyword: string) =>
    statements(content).map((s) => new RegExp(`^${keyword}\\s+(.*)$`, "i").exec(s)?.[1]).filter((v): v is string => v !== undefined);

/** Splits on commas outside parentheses and quotes. */
function splitTop(text: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let quoted = false;
    let current = "";
    for (const ch of text) {
        if (ch === "'") quoted = !quoted;
        if (!quoted && ch === "(") depth++;
        if (!quoted && ch === ")") depth--;
        if (!quoted && depth === 0 && ch === ",") {
            parts.push(current.trim());
            current = "";
        } else current += ch;
    }
    if (current.trim()) parts.push(current.trim());
    return parts;
}

const isWildcard = (pattern: string) => /[*?]/.test(pattern);
function matches(pattern: string, table: string): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${regex}$`, "i").test(table);
}

/**
 * Whether a TABLE/MAP selection with exclusions selects a table: exclusions first; an explicit
 * name survives only exclusions with a wildcard, and only under EXCLUDEWILDCARDOBJECTSONLY.
 */
function selects(patterns: string[], exclusions: string[], wildcardObjectsOnly: boolean) {
    return (table: string) => {
        const explicit = patterns.some((p) => !isWildcard(p) && p.toUpperCase() === table);
        const excluding = exclusions.filter((p) => matches(p, table));
        if (excluding.length > 0 && !(wildcardObjectsOnly && explicit && excluding.every(isWildcard))) return false;
        return explicit || patterns.some((p) => isWildcard(p) && matches(p, table));
    };
}

interface MapStatement {
    source: string;
    target: string;
    exceptionsOnly: boolean;
    options: string[];
}

function mapStatements(replicat: string): MapStatement[] {
    return argumentsOf(replicat, "MAP").map((text) => {
        const [source, ...options] = splitTop(text);
        const target = options.find((o) => /^TARGET /i.test(o))!.slice("TARGET ".length).trim();
        return { source: source.toUpperCase(), target: target.toUpperCase(), exceptionsOnly: options.some((o) => /^EXCEPTIONSONLY$/i.test(o)), options };
    });
}

function ruleOf(map: MapStatement): MapRule {
    const option = (name: string) => map.options.filter((o) => o.toUpperCase().startsWith(name));
    const resolutions: Partial<Record<Conflict, Resolution>> = {};
    for (const o of option("RESOLVECONFLICT")) {
        const m = /RESOLVECONFLICT \((\w+), \(DEFAULT, (\w+)\)\)/i.exec(o);
        if (m) resolutions[m[1].toUpperCase() as Conflict] = m[2].toUpperCase() as Resolution;
    }
    const compare = option("COMPARECOLS")[0] ?? "";
    return {
        source: map.source,
        resolutions,
        notCompared: /ALLEXCLUDING \(([^)]*)\)/i.exec(compare)?.[1].split(",").map((c) => c.trim().toUpperCase()) ?? [],
        reperror: new Map(option("REPERROR").map((r) => /^REPERROR \((\w+), (\w+)\)$/i.exec(r)!.slice(1, 3).map((v) => v.toUpperCase()) as [string, string])),
    };
}

/** The Replicat's MAPs and why it would abend at start, if it would. */
function replicatMaps(replicat: string): { rules: MapRule[]; startAbend?: string } {
    const maps = mapStatements(replicat);
    const allowDuplicates = statements(replicat).some((s) => /^ALLOWDUPTARGETMAP$/i.test(s));
    const seen = new Set<string>();
    let startAbend: string | undefined;
    for (const map of maps) {
        const pair = `${map.source} -> ${map.target}`;
        if (!isWildcard(map.source) && seen.has(pair) && !allowDuplicates) startAbend ??= `duplicate MAP ${pair} (NOALLOWDUPTARGETMAP)`;
        seen.add(pair);
        if (map.exceptionsOnly && isWildcard(map.source)) startAbend ??= `EXCEPTIONSONLY with a wildcard (${map.source})`;
    }
    const rules: MapRule[] = [];
    maps.forEach((map, i) => {
        if (map.exceptionsOnly) {
            const previous = maps[i - 1];
            if (previous && !previous.exceptionsOnly && previous.source === map.source) {
                rules[rules.length - 1].exceptions = { target: map.target };
            }
            return;
        }
        rules.push(ruleOf(map));
    });
    return { rules, startAbend };
}

/** The paths the rendered files wire: Replicat ← trail ← pump ← trail ← Extract, across hubs. */
export function pathsOf(hubs: HubFiles[]): ReplicationPath[] {
    const obey = (hub: HubFiles) => [...hub.files].filter(([p]) => p.endsWith(".oby")).map(([, c]) => c).join("\n");
    const prm = (hub: HubFiles, group: string) => hub.files.get(`dirprm/${group.toLowerCase()}.prm`);
    const wildcardObjectsOnly = (hub: HubFiles) => statements(hub.files.get("GLOBALS") ?? "").some((s) => /^EXCLUDEWILDCARDOBJECTSONLY$/i.test(s));
    const selection = (hub: HubFiles, content: string, include: string, exclude: string) =>
        selects(argumentsOf(content, include).map((t) => splitTop(t)[0].toUpperCase()), argumentsOf(content, exclude).map((t) => t.toUpperCase()), wildcardObjectsOnly(hub));
    const paths: ReplicationPath[] = [];
    for (const target of hubs) {
        for (const m of obey(target).matchAll(/^ADD REPLICAT (\w+), EXTTRAIL (\S+),/gm)) {
            const [, replicat, trail] = m;
            const content = prm(target, replicat)!;
            for (const source of hubs.filter((h) => h !== target)) {
                const pump = [...obey(source).matchAll(/^ADD RMTTRAIL (\S+), EXTRACT (\w+)$/gm)]
                    .map(([, t, group]) => ({ t, group, content: prm(source, group)! }))
                    .find((p) => p.t === trail && argumentsOf(p.content, "RMTHOST")[0]?.startsWith(`${target.hubIp},`));
                if (!pump) continue;
                const sourceTrail = new RegExp(`^ADD EXTRACT ${pump.group}, EXTTRAILSOURCE (\\S+)$`, "m").exec(obey(source))![1];
                const extractGroup = new RegExp(`^ADD EXTTRAIL ${sourceTrail.replace(/\./g, "\\.")}, EXTRACT (\\w+)$`, "m").exec(obey(source))![1];
                const extract = prm(source, extractGroup)!;
                const captured = selection(source, extract, "TABLE", "TABLEEXCLUDE");
                const passed = selection(source, pump.content, "TABLE", "TABLEEXCLUDE");
                const { rules, startAbend } = replicatMaps(content);
                const excluded = argumentsOf(content, "MAPEXCLUDE").map((t) => t.toUpperCase());
                const mapped = (table: string) => {
                    const rule = rules.find((r) => matches(r.source, table));
                    return rule && selects([rule.source], excluded, wildcardObjectsOnly(target))(table) ? rule : undefined;
                };
                paths.push({
                    from: source.dcId,
                    to: target.dcId,
                    replicat,
                    excludedTags: argumentsOf(extract, "TRANLOGOPTIONS EXCLUDETAG"),
                    tag: argumentsOf(content, "DBOPTIONS SETTAG")[0],
                    travels: (table) => captured(table) && passed(table),
                    ruleFor: mapped,
                    reperror: new Map(argumentsOf(content, "REPERROR").map((r) => /^\((\w+), (\w+)\)$/.exec(r)!.slice(1, 3) as [string, string])),
                    startAbend,
                });
            }
        }
    }
    return paths;
}

// ---------------------------------------------------------------------------------------------
// Replaying a scenario

export type Operation = "insert" | "update" | "delete";

/** A change as the trail carries it. */
interface Change {
    op: Operation;
    table: string;
    key: string;
    before?: Row;
    after?: Row;
}

/** A committed transaction in a DC's redo; `tag` is the committing session's redo tag (none for the application). */
interface Transaction {
    tag?: string;
    changes: Change[];
}

/** One statement of the application. */
export interface LocalOperation {
    op: Operation;
    table: string;
    key: string;
    values?: Row;
}

/**
 * A transaction the application runs in one DC, in that DC's order, once `when` holds (e.g. its
 * parent is there). One its database refuses (a constraint) is rolled back: nothing is committed.
 * One whose `when` never holds is never made (the user never saw what it needs).
 */
export interface LocalTransaction {
    dc: string;
    operations: LocalOperation[];
    when?: (db: Database) => boolean;
}

export interface Scenario {
    name: string;
    tables: ModelTable[];
    /** Rows every DC holds at the start (after the initial load). */
    initial: { table: string; row: Row }[];
    transactions: LocalTransaction[];
}

export interface Outcome {
    databases: Map<string, Database>;
    abends: string[];
    /** Records written to a discard file, as `<Replicat> <why> <table> <key>`. */
    discards: string[];
    /** Rows written to an exceptions table, as `<Replicat> <conflict or ORA-n> <table> <key>`. */
    exceptions: string[];
    /** Local transactions never made (their `when` never held). */
    notMade: number;
}

const clone = (db: Database): Database => new Map([...db].map(([t, rows]) => [t, new Map([...rows].map(([k, r]) => [k, { ...r }]))]));
const sameRow = (a: Row, b: Row) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const oraCode = (error: string) => `ORA-${error.padStart(5, "0")}`;

/** A small deterministic generator (mulberry32), so that a failing interleaving can be replayed. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Thrown inside an apply to stop the Replicat: the transaction is rolled back. */
class Abend extends Error {}

/** Thrown inside an apply by TRANSDISCARD / TRANSEXCEPTION: the transaction is rolled back and set aside whole. */
class SetAside extends Error {
    constructor(readonly response: string) {
        super(response);
    }
}

/** Replays the scenario once, choosing the next step at random among the enabled ones. */
export function replay(hubs: HubFiles[], paths: ReplicationPath[], scenario: Scenario, random: () => number, assumptions: ModelAssumptions = DEFAULT_ASSUMPTIONS): Outcome {
    const tables = new Map(scenario.tables.map((t) => [t.name, t]));
    const start: Database = new Map(scenario.tables.map((t) => [t.name, new Map()]));
    for (const { table, row } of scenario.initial) start.get(table)!.set(row[tables.get(table)!.key], { ...row });
    const databases = new Map(hubs.map((h) => [h.dcId, clone(start)]));
    const redo = new Map<string, Transaction[]>(hubs.map((h) => [h.dcId, []]));
    const read = new Map(paths.map((p) => [p, 0]));
    const stopped = new Set<ReplicationPath>();
    const pending = [...scenario.transactions];
    const outcome: Outcome = { databases, abends: [], discards: [], exceptions: [], notMade: 0 };
    for (const path of paths) {
        if (path.startAbend) {
            stopped.add(path);
            outcome.abends.push(`${path.replicat} abends at start: ${path.startAbend}`);
        }
    }

    const childTables = (table: string) => scenario.tables.filter((t) => t.parent?.table === table);
    const childrenOf = (db: Database, table: string, key: string) =>
        childTables(table).flatMap((t) => [...db.get(t.name)!.values()].filter((r) => r[t.parent!.column] === key).map((r) => ({ table: t, key: r[t.key] })));
    /** Oracle's unique constraint: a clash needs one non-null key value, NULL matches NULL. */
    const clashes = (key: string[], a: Row, b: Row) => key.some((c) => a[c] !== undefined) && key.every((c) => a[c] === b[c]);

    /** The database's own check of a write: the error it raises, if any. */
    function constraintError(db: Database, table: ModelTable, key: string, row: Row | undefined, firesTriggers: boolean): string | undefined {
        if (row) {
            const others = [...db.get(table.name)!.values()].filter((r) => r[table.key] !== key);
            if (table.uniqueKeys.some((k) => others.some((o) => clashes(k, row, o)))) return "1";
            if (table.parent && row[table.parent.column] !== undefined && !db.get(table.parent.table)!.has(row[table.parent.column])) return "2291";
            return undefined;
        }
        const children = childrenOf(db, table.name, key);
        if (children.some((c) => !(firesTriggers && c.table.parent!.cascadeTrigger))) return "2292";
        return children.map((c) => constraintError(db, c.table, c.key, undefined, firesTriggers)).find((e) => e !== undefined);
    }

    /** Writes one row and records it as the trail would carry it: no LOB in a before image, an update's after image without its unchanged LOBs. */
    function write(db: Database, changes: Change[], table: ModelTable, key: string, row: Row | undefined) {
        const rows = db.get(table.name)!;
        const before = rows.get(key);
        if (row) rows.set(key, row);
        else rows.delete(key);
        const without = (r: Row, drop: (c: string) => boolean) => Object.fromEntries(Object.entries(r).filter(([c]) => !drop(c)));
        const op: Operation = row ? (before ? "update" : "insert") : "delete";
        changes.push({
            op,
            table: table.name,
            key,
            before: before && without(before, (c) => table.lobColumns.includes(c)),
            after: row && (op === "update" ? without(row, (c) => table.lobColumns.includes(c) && row[c] === before![c]) : row),
        });
    }

    /** An application's delete: the cascade triggers delete the children first, in the same transaction. */
    function deleteWithTriggers(db: Database, changes: Change[], table: ModelTable, key: string) {
        for (const child of childrenOf(db, table.name, key)) deleteWithTriggers(db, changes, child.table, child.key);
        write(db, changes, table, key, undefined);
    }

    /** Applies one trail transaction; throws Abend to stop the Replicat (the caller rolls back). */
    function applyTransaction(path: ReplicationPath, transaction: Transaction): Change[] {
        const db = databases.get(path.to)!;
        const changes: Change[] = [];
        const note = (list: string[], why: string, change: Change) => list.push(`${path.replicat} ${why} ${change.table} ${change.key}`);
        for (const change of transaction.changes) {
            const table = tables.get(change.table)!;
            const rule = path.ruleFor(change.table);
            if (!rule) continue; // no MAP: Replicat does not apply it
            const toExceptions = (why: string) => {
                if (!rule.exceptions) return false;
                note(outcome.exceptions, why, change);
                return true;
            };
            /** REPERROR's response to an error on this record (the MAP's rule, then the global ones); returns when the transaction goes on. */
            const onError = (error: string) => {
                const response = rule.reperror.get(error) ?? rule.reperror.get("DEFAULT") ?? path.reperror.get(error) ?? path.reperror.get("DEFAULT") ?? "ABEND";
                if (response === "DISCARD") return note(outcome.discards, oraCode(error), change);
                if (response === "IGNORE") return;
                if (response === "EXCEPTION" && toExceptions(oraCode(error))) return;
                if (response === "TRANSDISCARD" || response === "TRANSEXCEPTION") throw new SetAside(response);
                throw new Abend(`${path.replicat} on ${change.op} of ${change.table} ${change.key}: ${oraCode(error)} (${response})`);
            };

            const target = db.get(change.table)!.get(change.key);
            let conflict: Conflict | undefined;
            if (change.op === "insert") conflict = target ? "INSERTROWEXISTS" : undefined;
            else {
                const differs = target && Object.entries(change.before ?? {}).some(([c, v]) => !rule.notCompared.includes(c) && !table.lobColumns.includes(c) && target[c] !== v);
                conflict = !target ? (change.op === "update" ? "UPDATEROWMISSING" : "DELETEROWMISSING") : differs ? (change.op === "update" ? "UPDATEROWEXISTS" : "DELETEROWEXISTS") : undefined;
            }
            // An update's after image has no unchanged LOB: as an insert, those LOBs are empty.
            let row: Row | undefined = change.op === "delete" ? undefined
                : target ? { ...target, ...change.after }
                : { ...Object.fromEntries(table.lobColumns.map((c) => [c, ""])), ...change.before, ...change.after };
            if (conflict) {
                toExceptions(conflict);
                const how = rule.resolutions[conflict];
                if (how === "IGNORE" || conflict === "DELETEROWMISSING" && how === "OVERWRITE") continue;
                if (how === "DISCARD") {
                    note(outcome.discards, conflict, change);
                    continue;
                }
                if (how !== "OVERWRITE") {
                    onError(conflict === "INSERTROWEXISTS" ? "1" : "1403");
                    continue;
                }
                if (change.op === "insert") row = { ...change.after };
            }
            const error = constraintError(db, table, change.key, row, false);
            if (error === "1" && change.op === "insert" && !conflict && assumptions.secondaryKeyClashIsCdr) {
                // CDR takes the secondary-key clash for INSERTROWEXISTS: its resolution, then (OVERWRITE)
                // an update of this primary key, which the target does not hold: ORA-01403.
                toExceptions("INSERTROWEXISTS");
                const how = rule.resolutions.INSERTROWEXISTS;
                if (how === "IGNORE") continue;
                if (how === "DISCARD") {
                    note(outcome.discards, "INSERTROWEXISTS", change);
                    continue;
                }
                onError(how === "OVERWRITE" ? "1403" : "1");
                continue;
            }
            if (error) {
                onError(error);
                continue;
            }
            write(db, changes, table, change.key, row);
        }
        return changes;
    }

    function runLocal(local: LocalTransaction) {
        const db = databases.get(local.dc)!;
        const work = clone(db);
        const changes: Change[] = [];
        for (const op of local.operations) {
            const table = tables.get(op.table)!;
            const current = work.get(op.table)!.get(op.key);
            if (op.op === "insert" && current) return; // ORA-00001: the transaction is rolled back
            if (op.op !== "insert" && !current) continue; // 0 rows
            if (op.op === "delete") {
                if (constraintError(work, table, op.key, undefined, true)) return;
                deleteWithTriggers(work, changes, table, op.key);
                continue;
            }
            const row = { ...current, ...op.values };
            if (constraintError(work, table, op.key, row, true)) return;
            write(work, changes, table, op.key, row);
        }
        if (changes.length === 0) return;
        databases.set(local.dc, work);
        redo.get(local.dc)!.push({ changes });
    }

    for (;;) {
        const local = pending.filter((c, i) => pending.findIndex((o) => o.dc === c.dc) === i && (!c.when || c.when(databases.get(c.dc)!)));
        const deliveries = paths.filter((p) => !stopped.has(p) && read.get(p)! < redo.get(p.from)!.length);
        const steps = [...local.map((c) => ({ local: c })), ...deliveries.map((p) => ({ path: p }))];
        if (steps.length === 0) break;
        const step = steps[Math.floor(random() * steps.length)];
        if ("local" in step) {
            pending.splice(pending.indexOf(step.local), 1);
            runLocal(step.local);
            continue;
        }
        const path = step.path;
        const committed = redo.get(path.from)![read.get(path)!];
        const transaction: Transaction = {
            changes: committed.tag !== undefined && path.excludedTags.includes(committed.tag) ? [] : committed.changes.filter((c) => path.travels(c.table)),
        };
        const saved = clone(databases.get(path.to)!);
        try {
            const changes = applyTransaction(path, transaction);
            if (changes.length > 0) redo.get(path.to)!.push({ tag: path.tag, changes });
            read.set(path, read.get(path)! + 1);
        } catch (error) {
            if (!(error instanceof Abend || error instanceof SetAside)) throw error;
            databases.set(path.to, saved);
            if (error instanceof SetAside) {
                const list = error.response === "TRANSDISCARD" ? outcome.discards : outcome.exceptions;
                for (const change of transaction.changes) list.push(`${path.replicat} ${error.response} ${change.table} ${change.key}`);
                read.set(path, read.get(path)! + 1);
                continue;
            }
            stopped.add(path);
            outcome.abends.push(error.message);
        }
    }
    outcome.notMade = pending.length;
    return outcome;
}

// ---------------------------------------------------------------------------------------------
// Judging the outcome

/** What the divergence check compares: keys and rows of every table; LOB columns only when it hashes them. */
export interface DivergenceCheck {
    hashesLobs: boolean;
}

export const DIVERGENCE_CHECK: DivergenceCheck = { hashesLobs: true };

export interface Differences {
    /** Rows the divergence check reports, as `table key: DC1=… DC2=…`. */
    detected: string[];
    /** Rows that differ where the check does not look. */
    silent: string[];
}

/** Where the databases differ at the end, split by whether the divergence check sees it. */
export function differences(outcome: Outcome, tables: ModelTable[], check: DivergenceCheck = DIVERGENCE_CHECK): Differences {
    const dbs = [...outcome.databases];
    const found: Differences = { detected: [], silent: [] };
    for (const table of tables) {
        const keys = new Set(dbs.flatMap(([, db]) => [...db.get(table.name)!.keys()]));
        for (const key of keys) {
            const rows = dbs.map(([dc, db]) => [dc, db.get(table.name)!.get(key)] as const);
            const agree = (project: (r: Row) => Row) =>
                rows.every(([, r]) => (r && rows[0][1] ? sameRow(project(r), project(rows[0][1])) : r === rows[0][1]));
            if (agree((r) => r)) continue;
            const seen = check.hashesLobs ? (r: Row) => r : (r: Row) => Object.fromEntries(Object.entries(r).filter(([c]) => !table.lobColumns.includes(c)));
            const text = `${table.name} ${key}: ${rows.map(([dc, r]) => `${dc}=${r ? JSON.stringify(r) : "none"}`).join(" ")}`;
            (agree(seen) ? found.silent : found.detected).push(text);
        }
    }
    return found;
}

/**
 * What the divergence check (lib/goldengate/divergence.ts, scripts/divergence-check.sh) reports for
 * an end state: per DC other than the trusted source, the tables in which a row differs from the
 * trusted source's at both looks (one of them lacks it, or its values differ; LOB columns are hashed
 * too), sorted. `DivergentTables` for that DC is the length; the run's log names them. A quiescent
 * end state has nothing in flight, so the second look sees what the first saw.
 */
export function divergentTables(outcome: Outcome, tables: ModelTable[], trustedSource: string): Map<string, string[]> {
    const trusted = outcome.databases.get(trustedSource);
    if (!trusted) throw new Error(`no database for the trusted source ${trustedSource}`);
    const report = new Map<string, string[]>();
    for (const [dc, db] of outcome.databases) {
        if (dc === trustedSource) continue;
        const differ = (table: ModelTable) => {
            const [mine, theirs] = [db.get(table.name)!, trusted.get(table.name)!];
            const keys = new Set([...mine.keys(), ...theirs.keys()]);
            return [...keys].some((key) => {
                const [a, b] = [mine.get(key), theirs.get(key)];
                return !a || !b ? a !== b : !sameRow(a, b);
            });
        };
        report.set(dc, tables.filter(differ).map((t) => t.name).sort());
    }
    return report;
}

export interface Verdict {
    seed: number;
    abends: string[];
    detected: string[];
    silent: string[];
}

/** Every interleaving (of `runs` seeded ones) whose end is not converged, with what the check would see. */
export function verdicts(hubs: HubFiles[], scenario: Scenario, runs: number, assumptions: ModelAssumptions = DEFAULT_ASSUMPTIONS, check: DivergenceCheck = DIVERGENCE_CHECK): Verdict[] {
    const paths = pathsOf(hubs);
    const found: Verdict[] = [];
    for (let seed = 1; seed <= runs; seed++) {
        const outcome = replay(hubs, paths, scenario, seededRandom(seed), assumptions);
        const diff = differences(outcome, scenario.tables, check);
        if (outcome.abends.length > 0 || diff.detected.length > 0 || diff.silent.length > 0) found.push({ seed, abends: outcome.abends, ...diff });
    }
    return found;
}
