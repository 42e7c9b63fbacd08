/**
 * A model of how the rendered GoldenGate files move and apply changes between datacenters, after
 * Oracle's documentation ("Using Oracle GoldenGate for Oracle Database" 19c, Configuring
 * Conflict Detection and Resolution; GoldenGate 19c Reference: TRANLOGOPTIONS EXCLUDETAG,
 * DBOPTIONS SETTAG, COMPARECOLS, RESOLVECONFLICT, REPERROR):
 *
 * - Each DC commits its own changes to its redo, untagged. The Extract of a path reads that redo
 *   in commit order and skips what carries an excluded tag; its pump delivers the trail, in
 *   order, to the Replicat on the other hub. What a Replicat applies is committed with its SETTAG
 *   tag, so the Extracts of that hub see it too (and skip it if they exclude the tag).
 * - A Replicat compares the before image with the target row on the COMPARECOLS columns: an
 *   insert of an existing key is INSERTROWEXISTS, an update or delete of a missing row
 *   UPDATEROWMISSING / DELETEROWMISSING, of a row that differs UPDATEROWEXISTS / DELETEROWEXISTS.
 *   OVERWRITE applies the change anyway (insert as update, update of a missing row as insert),
 *   DISCARD drops it to the discard file.
 * - LOB columns have no before image (supplemental logging does not carry them) and an update's
 *   after image holds a LOB only when the update changed it: an update turned into an insert
 *   creates the row with its other LOBs empty.
 * - A database error the CDR does not handle (ORA-00001 on a secondary unique key, ORA-02291 for
 *   a missing parent) follows REPERROR: DISCARD, EXCEPTION (the table's exceptions MAP; the
 *   rendered one deletes the target's rows clashing on a unique key, then applies), else ABEND,
 *   which stops the Replicat.
 *
 * The model reads everything it needs from the rendered files of every hub (`pathsOf`), so the
 * verdict follows the rendering. Pure: no I/O.
 */

export type Row = Record<string, string>;
export type Database = Map<string, Map<string, Row>>;

/** A table as the database enforces it (not as GoldenGate is told). */
export interface ModelTable {
    name: string;
    key: string;
    uniqueKeys: string[][];
    lobColumns: string[];
    parent?: { column: string; table: string };
}

/** What a hub holds: its datacenter and its rendered files by path. */
export interface HubFiles {
    dcId: string;
    hubIp: string;
    files: Map<string, string>;
}

type Resolution = "OVERWRITE" | "DISCARD";
interface MapRule {
    resolutions: Record<string, Resolution>;
    notCompared: string[];
    /** Columns of the rendered unique-key handler's DELETE, one list per key. */
    clashHandler?: string[][];
}

/** One direction of replication, as the files wire it. */
export interface ReplicationPath {
    from: string;
    to: string;
    replicat: string;
    excludedTags: string[];
    tag: string;
    rules: Map<string, MapRule>;
    reperror: Map<string, string>;
}

const statements = (content: string) => content.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("--"));
const argument = (content: string, keyword: string) =>
    statements(content).map((s) => new RegExp(`^${keyword}\\s+(.*)$`, "i").exec(s)?.[1]).filter((v): v is string => v !== undefined);

function mapRules(replicat: string): Map<string, MapRule> {
    const rules = new Map<string, MapRule>();
    for (const map of argument(replicat, "MAP")) {
        const table = map.split(",")[0].trim();
        const handler = /EXCEPTIONSONLY, SQLEXEC \(ID \w+, QUERY 'DELETE FROM \S+ WHERE (.*?)', PARAMS/.exec(map);
        if (handler) {
            rules.get(table)!.clashHandler = handler[1].split(" OR ").map((key) => [...key.matchAll(/DECODE\((\w+),/g)].map((m) => m[1]));
            continue;
        }
        rules.set(table, {
            resolutions: Object.fromEntries([...map.matchAll(/RESOLVECONFLICT \((\w+), \(DEFAULT, (\w+)\)\)/g)].map((m) => [m[1], m[2] as Resolution])),
            notCompared: /ALLEXCLUDING \(([^)]*)\)/.exec(map)?.[1].split(",").map((c) => c.trim()) ?? [],
        });
    }
    return rules;
}

/** The paths the rendered files wire: Replicat ← trail ← pump ← trail ← Extract, across hubs. */
export function pathsOf(hubs: HubFiles[]): ReplicationPath[] {
    const obey = (hub: HubFiles) => [...hub.files].filter(([p]) => p.endsWith(".oby")).map(([, c]) => c).join("\n");
    const prm = (hub: HubFiles, group: string) => hub.files.get(`dirprm/${group.toLowerCase()}.prm`);
    const paths: ReplicationPath[] = [];
    for (const target of hubs) {
        for (const m of obey(target).matchAll(/^ADD REPLICAT (\w+), EXTTRAIL (\S+),/gm)) {
            const [, replicat, trail] = m;
            const content = prm(target, replicat)!;
            for (const source of hubs.filter((h) => h !== target)) {
                const pump = [...obey(source).matchAll(/^ADD RMTTRAIL (\S+), EXTRACT (\w+)$/gm)]
                    .map(([, t, group]) => ({ t, group, content: prm(source, group)! }))
                    .find((p) => p.t === trail && argument(p.content, "RMTHOST")[0]?.startsWith(`${target.hubIp},`));
                if (!pump) continue;
                const sourceTrail = new RegExp(`^ADD EXTRACT ${pump.group}, EXTTRAILSOURCE (\\S+)$`, "m").exec(obey(source))![1];
                const extract = new RegExp(`^ADD EXTTRAIL ${sourceTrail.replace(/\./g, "\\.")}, EXTRACT (\\w+)$`, "m").exec(obey(source))![1];
                paths.push({
                    from: source.dcId,
                    to: target.dcId,
                    replicat,
                    excludedTags: argument(prm(source, extract)!, "TRANLOGOPTIONS EXCLUDETAG"),
                    tag: argument(content, "DBOPTIONS SETTAG")[0],
                    rules: mapRules(content),
                    reperror: new Map(argument(content, "REPERROR").map((r) => /^\((\w+), (\w+)\)$/.exec(r)!.slice(1, 3) as [string, string])),
                });
            }
        }
    }
    return paths;
}

export type Operation = "insert" | "update" | "delete";

/** A change as the trail carries it. */
interface Change {
    op: Operation;
    table: string;
    key: string;
    before?: Row;
    after?: Row;
    /** Redo tag of the committing session: none for the DC's own changes. */
    tag?: string;
}

/**
 * A change a DC's application makes, in that DC's order; `when` holds it back until its
 * precondition (e.g. the parent arrived). One its own database refuses is not made.
 */
export interface LocalChange {
    dc: string;
    op: Operation;
    table: string;
    key: string;
    values?: Row;
    when?: (db: Database) => boolean;
}

export interface Scenario {
    name: string;
    tables: ModelTable[];
    /** Rows every DC holds at the start (after the initial load). */
    initial: { table: string; row: Row }[];
    changes: LocalChange[];
}

export interface Outcome {
    databases: Map<string, Database>;
    abends: string[];
    discards: string[];
}

const clone = (db: Database): Database => new Map([...db].map(([t, rows]) => [t, new Map([...rows].map(([k, r]) => [k, { ...r }]))]));
const sameRow = (a: Row, b: Row) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

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

/** Replays the scenario once, choosing the next step at random among the enabled ones. */
export function replay(hubs: HubFiles[], paths: ReplicationPath[], scenario: Scenario, random: () => number): Outcome {
    const tables = new Map(scenario.tables.map((t) => [t.name, t]));
    const start: Database = new Map(scenario.tables.map((t) => [t.name, new Map()]));
    for (const { table, row } of scenario.initial) start.get(table)!.set(row[tables.get(table)!.key], { ...row });
    const databases = new Map(hubs.map((h) => [h.dcId, clone(start)]));
    const redo = new Map<string, Change[]>(hubs.map((h) => [h.dcId, []]));
    const read = new Map(paths.map((p) => [p, 0]));
    const stopped = new Set<ReplicationPath>();
    const pending = [...scenario.changes];
    const outcome: Outcome = { databases, abends: [], discards: [] };

    const children = (db: Database, table: string, key: string) =>
        scenario.tables.filter((t) => t.parent?.table === table).some((t) => [...db.get(t.name)!.values()].some((r) => r[t.parent!.column] === key));
    /** The database's own checks: the error it raises, if any. */
    function constraintError(db: Database, change: Change, row: Row | undefined): string | undefined {
        const table = tables.get(change.table)!;
        if (row) {
            const others = [...db.get(table.name)!.values()].filter((r) => r[table.key] !== row[table.key]);
            if (table.uniqueKeys.some((k) => others.some((o) => k.every((c) => o[c] === row[c])))) return "1";
            if (table.parent && row[table.parent.column] !== undefined && !db.get(table.parent.table)!.has(row[table.parent.column])) return "2291";
        } else if (children(db, change.table, change.key)) return "2292";
        return undefined;
    }
    function write(db: Database, dc: string, change: Change, row: Row | undefined, tag?: string) {
        const rows = db.get(change.table)!;
        const before = rows.get(change.key);
        if (row) rows.set(change.key, row);
        else rows.delete(change.key);
        // The trail: no LOB in a before image, and an update's after image has only the LOBs it changed.
        const lobs = tables.get(change.table)!.lobColumns;
        const without = (r: Row, drop: (c: string) => boolean) => Object.fromEntries(Object.entries(r).filter(([c]) => !drop(c)));
        const op: Operation = row ? (before ? "update" : "insert") : "delete";
        redo.get(dc)!.push({
            op,
            table: change.table,
            key: change.key,
            before: before && without(before, (c) => lobs.includes(c)),
            after: row && (op === "update" ? without(row, (c) => lobs.includes(c) && row[c] === before![c]) : row),
            tag,
        });
    }

    function apply(path: ReplicationPath, change: Change): "applied" | "discarded" | "abended" {
        const db = databases.get(path.to)!;
        const table = tables.get(change.table)!;
        const owner = change.table.split(".")[0];
        const rule = path.rules.get(change.table) ?? path.rules.get(`${owner}.*`)!;
        const target = db.get(change.table)!.get(change.key);
        const discard = (why: string) => (outcome.discards.push(`${path.replicat} ${why} ${change.table} ${change.key}`), "discarded" as const);
        let row: Row | undefined;
        let conflict: string | undefined;
        if (change.op === "insert") {
            conflict = target ? "INSERTROWEXISTS" : undefined;
            row = change.after;
        } else {
            const differs = target && Object.entries(change.before ?? {}).some(([c, v]) => !rule.notCompared.includes(c) && !table.lobColumns.includes(c) && target[c] !== v);
            conflict = !target ? `${change.op.toUpperCase()}ROWMISSING` : differs ? `${change.op.toUpperCase()}ROWEXISTS` : undefined;
            // An update's after image has no unchanged LOB: as an insert, those LOBs are empty.
            row = change.op === "delete" ? undefined
                : target ? { ...target, ...change.after }
                : { ...Object.fromEntries(table.lobColumns.map((c) => [c, ""])), ...change.after };
        }
        if (conflict) {
            const how = rule.resolutions[conflict] ?? "ABEND";
            if (how === "DISCARD") return discard(conflict);
            if (how !== "OVERWRITE") return "abended";
            if (conflict === "DELETEROWMISSING") return "applied";
        }
        let error = constraintError(db, change, row);
        if (error) {
            const response = path.reperror.get(error) ?? path.reperror.get("DEFAULT") ?? "ABEND";
            if (response === "DISCARD") return discard(`ORA-${error.padStart(5, "0")}`);
            if (response !== "EXCEPTION" || error !== "1" || !rule.clashHandler || !row) return "abended";
            const rows = db.get(change.table)!;
            for (const [k, r] of [...rows]) if (k !== change.key && rule.clashHandler.some((key) => key.every((c) => r[c] === row![c]))) write(db, path.to, { ...change, key: k }, undefined, path.tag);
            error = constraintError(db, change, row);
            if (error) return "abended";
        }
        write(db, path.to, change, row, path.tag);
        return "applied";
    }

    for (;;) {
        const local = pending.filter((c, i) => pending.findIndex((o) => o.dc === c.dc) === i && (!c.when || c.when(databases.get(c.dc)!)));
        const deliveries = paths.filter((p) => !stopped.has(p) && read.get(p)! < redo.get(p.from)!.length);
        const steps = [...local.map((c) => ({ local: c })), ...deliveries.map((p) => ({ path: p }))];
        if (steps.length === 0) break;
        const step = steps[Math.floor(random() * steps.length)];
        if ("local" in step) {
            const c = step.local;
            pending.splice(pending.indexOf(c), 1);
            const db = databases.get(c.dc)!;
            const current = db.get(c.table)!.get(c.key);
            // An update or delete of a row already gone changes nothing (0 rows).
            if (c.op !== "insert" && !current) continue;
            const row = c.op === "delete" ? undefined : { ...current, ...c.values };
            // Refused by the DC's own database (a clash that already arrived): the application saw the error, nothing is committed.
            if (!constraintError(db, c, row)) write(db, c.dc, c, row);
            continue;
        }
        const path = step.path;
        const change = redo.get(path.from)![read.get(path)!];
        if (change.tag !== undefined && path.excludedTags.includes(change.tag)) {
            read.set(path, read.get(path)! + 1);
            continue;
        }
        if (apply(path, change) === "abended") {
            stopped.add(path);
            outcome.abends.push(`${path.replicat} on ${change.op} of ${change.table} ${change.key}`);
        } else read.set(path, read.get(path)! + 1);
    }
    if (pending.length > 0) outcome.abends.push(`never ran: ${pending.map((c) => `${c.dc} ${c.op} ${c.table} ${c.key}`).join(", ")}`);
    return outcome;
}

/** Where the databases differ at the end, as `table key: DC1=… DC2=…`; empty when they converged. */
export function differences(outcome: Outcome): string[] {
    const dbs = [...outcome.databases];
    const [, first] = dbs[0];
    const found: string[] = [];
    for (const table of first.keys()) {
        const keys = new Set(dbs.flatMap(([, db]) => [...db.get(table)!.keys()]));
        for (const key of keys) {
            const rows = dbs.map(([dc, db]) => [dc, db.get(table)!.get(key)] as const);
            const agree = rows.every(([, r]) => (r && rows[0][1] ? sameRow(r, rows[0][1]) : r === rows[0][1]));
            if (!agree) found.push(`${table} ${key}: ${rows.map(([dc, r]) => `${dc}=${r ? JSON.stringify(r) : "none"}`).join(" ")}`);
        }
    }
    return found;
}

/** The first interleaving (of `runs` seeded ones) that abends or diverges, or null when all converge. */
export function firstFailure(hubs: HubFiles[], scenario: Scenario, runs: number): { seed: number; abends: string[]; differences: string[] } | null {
    const paths = pathsOf(hubs);
    for (let seed = 1; seed <= runs; seed++) {
        const outcome = replay(hubs, paths, scenario, seededRandom(seed));
        const diff = differences(outcome);
        if (outcome.abends.length > 0 || diff.length > 0) return { seed, abends: outcome.abends, differences: diff };
    }
    return null;
}
