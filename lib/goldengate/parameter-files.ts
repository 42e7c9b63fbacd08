/**
 * The GoldenGate files of one datacenter's hub (Classic Architecture, integrated Extract,
 * nonintegrated Replicat), as pure text: GLOBALS, the Manager, and per path (docs/replication.md,
 * Topology) an Extract and its pump or a Replicat, plus the GGSCI obey files that add, re-position
 * and remove them (the runbooks of docs/replication.md run them).
 * Paths are relative to the GoldenGate home; the hub copies them there from the boot bucket
 * (`goldengate/<path>`).
 *
 * Topology: hub and spoke through the trusted source (the first of `priority`). A spoke sends
 * its changes to the trusted source only; the trusted source applies them, and captures once per
 * spoke everything except what came from that spoke. Every change thus reaches every DC except
 * its origin, in the trusted source's commit order: conflicts are decided in one place.
 *
 * What every file upholds (the article: no data looping, no DDL replication; docs/replication.md):
 * - no data looping: the Replicat of the path f→t tags what it applies with f's tag (DBOPTIONS
 *   SETTAG) and the Extract of the path t→f excludes f's tag (TRANLOGOPTIONS EXCLUDETAG);
 * - DML only: no DDL parameter anywhere, each DC applies its own DDL;
 * - only documented constructs, each cited beside the code that renders it: every table named
 *   once by exact name (no wildcard, no exclusion), one regular MAP and one exceptions MAP to an
 *   exceptions table per table (`renderReplicat`);
 * - conflicts detected on update and delete from before images (LOGALLSUPCOLS, GETBEFORECOLS,
 *   COMPARECOLS) except on LOB columns, resolved in the trusted source's favour (`resolutions`);
 * - known conflict errors go to the exceptions tables record by record, never to an abend or the
 *   discard file (`errorPolicy`); what GoldenGate cannot decide is found by the divergence check
 *   (docs/replication.md, The conflict matrix).
 */
import { KeyColumns } from "./key-columns";
import {
    applyTag,
    credentialAlias,
    exceptionsTable,
    extractGroup,
    GOLDENGATE,
    MAX_INCOMING_PUMPS,
    parameterFile,
    pathTrail,
    pumpGroup,
    replicatGroup,
} from "./names";
import { WSO2_TABLES, Wso2Table } from "./wso2-tables";

export interface HubDatacenter {
    id: string;
    index: number;
    /** The hub's fixed private address (peers' pumps send their trails there). */
    hubIp: string;
}

export interface GoldenGateFilesInput {
    self: HubDatacenter;
    /** Every other datacenter. */
    peers: HubDatacenter[];
    /** Conflict priority, highest first: the first is the trusted source, the hub of the topology. */
    priority: string[];
    /** Tables without a primary or unique key, with the columns that identify a row. */
    keyColumns: KeyColumns[];
    /**
     * Every replicated table, with its primary key, LOB columns and secondary unique keys (default:
     * WSO2's): the files name exactly these tables, and no other.
     */
    tables?: readonly Wso2Table[];
}

export interface GoldenGateFile {
    /** Relative to the GoldenGate home, e.g. `dirprm/eatob.prm`. */
    path: string;
    content: string;
}

export type Conflict = "INSERTROWEXISTS" | "UPDATEROWEXISTS" | "UPDATEROWMISSING" | "DELETEROWEXISTS" | "DELETEROWMISSING";
export type Resolution = "OVERWRITE" | "IGNORE";

/**
 * How a Replicat resolves each conflict (RESOLVECONFLICT, "Using Oracle GoldenGate for Oracle
 * Database" / Administering Oracle GoldenGate 19c, Configuring Conflict Detection and Resolution;
 * the 19c "Description of MAP Statement" of its examples: OVERWRITE on DELETEROWEXISTS "apply
 * the delete", on UPDATEROWMISSING "change the update to an insert and apply it"; IGNORE: the
 * change "will always be ignored by Replicat", the target keeps its row;
 * https://docs.oracle.com/en/middleware/goldengate/core/19.1/ggcab/description-map-statement-example-1.html).
 *
 * The trusted source decides. Into a spoke (`fromTrustedSource`) its change overwrites (an insert
 * of an existing row becomes an update); into the trusted source a spoke's conflicting change is
 * ignored, because the trusted source has by then applied, and sent the spoke, the change that
 * made the row differ. Every conflict, resolved or not, also reaches the table's exceptions MAP
 * (`renderReplicat`), so a losing change is kept in the exceptions table, never in the discard
 * file (DISCARD would write one record per conflict there).
 *
 * A delete wins over a concurrent update, in both directions: into the trusted source a spoke's
 * delete of a row the trusted source changed is applied (DELETEROWEXISTS OVERWRITE), and into a
 * spoke an update of a row it deleted is ignored (UPDATEROWMISSING IGNORE), never turned into an
 * insert. An insert from an update would hold only the update's after image: an unchanged LOB is
 * in neither image (CDR is not to be used on LOB columns, Configuring CDR), and a parent that the
 * delete took along is gone (ORA-02291).
 *
 * DELETEROWMISSING is IGNORE: a delete of a row already gone (WSO2's cleanup tasks delete the
 * same expired rows in every DC) has nothing left to decide.
 */
export function resolutions(fromTrustedSource: boolean): Record<Conflict, Resolution> {
    const winner: Resolution = fromTrustedSource ? "OVERWRITE" : "IGNORE";
    return {
        INSERTROWEXISTS: winner,
        UPDATEROWEXISTS: winner,
        UPDATEROWMISSING: "IGNORE",
        DELETEROWEXISTS: "OVERWRITE",
        DELETEROWMISSING: "IGNORE",
    };
}

/** Oracle errors a Replicat sends to the table's exceptions MAP instead of stopping. */
export const EXCEPTION_ERRORS = {
    /** ORA-00001: an insert or update clashing on a unique key CDR does not use (a secondary key). */
    uniqueKey: "1",
    /** ORA-02291: a child whose parent this database does not hold (the parent lost, or was deleted here). */
    parentMissing: "2291",
    /** ORA-02292: a parent delete while this database holds a child the origin did not (triggers are suppressed). */
    childExists: "2292",
} as const;

/**
 * REPERROR, the same in every Replicat (Reference for Oracle GoldenGate 19c, REPERROR: "The
 * default response of Replicat to any error is to abend"; "All REPERROR options except
 * TRANSDISCARD and TRANSEXCEPTION apply an error-handling action in response to an individual SQL
 * operation on an individual record"; EXCEPTION: "send the error for exceptions processing",
 * Administering Oracle GoldenGate, Handling Replicat Errors during DML Operations;
 * https://docs.oracle.com/en/middleware/goldengate/core/19.1/reference/reperror.html).
 *
 * Record-level EXCEPTION, not a transaction-level response: a losing parent goes to its
 * exceptions table, and so do its children, each on its own ORA-02291 when it arrives (in the same
 * transaction or a later one); the unrelated rows of that transaction are applied. Any other
 * error stops the Replicat for review (ABEND): it is not a known conflict class.
 */
export function errorPolicy(): [string, string][] {
    return [["DEFAULT", "ABEND"], ...Object.values(EXCEPTION_ERRORS).map((error): [string, string] => [error, "EXCEPTION"])];
}

/**
 * The columns of an exceptions table besides the row image, and what the exceptions MAP writes
 * in them (sql/05-goldengate-exceptions.sql adds the same columns). After Oracle's example of an
 * exceptions MAP (Administering Oracle GoldenGate, "Using EXCEPTIONSONLY": DML_DATE =
 * @DATENOW (), OPTYPE, DBERRNUM, DBERRMSG = @GETENV ('LASTERR', …)), plus the Replicat's group
 * and the source commit time (Reference 19c, @GETENV: 'GGENVIRONMENT', 'GROUPNAME' and
 * 'GGHEADER', 'COMMITTIMESTAMP'; https://docs.oracle.com/en/middleware/goldengate/core/19.1/reference/Chunk586246307.html).
 * EXC_AT is @DATENOW (), which "returns the current date and time … in local time" (Reference,
 * @DATENOW): the hub's unit runs the Manager and its groups with TZ=UTC (hub-user-data.ts), so it is
 * UTC, the clock the purge job compares it with (sql/05-goldengate-exceptions.sql).
 */
export const EXCEPTION_CONTEXT: readonly [string, string][] = [
    ["EXC_AT", "@DATENOW ()"],
    ["EXC_REPLICAT", "@GETENV ('GGENVIRONMENT', 'GROUPNAME')"],
    ["EXC_OPTYPE", "@GETENV ('LASTERR', 'OPTYPE')"],
    ["EXC_DBERRNUM", "@GETENV ('LASTERR', 'DBERRNUM')"],
    ["EXC_DBERRMSG", "@GETENV ('LASTERR', 'DBERRMSG')"],
    ["EXC_COMMIT_TS", "@GETENV ('GGHEADER', 'COMMITTIMESTAMP')"],
];

/**
 * The discard file: by construction nothing routine is written there (no RESOLVECONFLICT or
 * REPERROR DISCARD; losing changes go to the exceptions tables), so it holds only what an abend
 * leaves, and a daily rollover keeps each day's apart (Reference 19c, DISCARDFILE: MEGABYTES is
 * the file's maximum size, APPEND keeps it across restarts; DISCARDROLLOVER AT hh:mi).
 * MAXDISCARDRECS is no safety: exceeding it abends ("OGG-01170 Exceeded maximum discard records,
 * abending", Oracle GoldenGate Error Messages).
 */
export const DISCARD = { megabytes: 1000, rolloverAt: "00:00" } as const;

/** The other end of each of this hub's paths: the spokes for the trusted source, the trusted source for a spoke. */
function pathPeers(input: GoldenGateFilesInput): HubDatacenter[] {
    const trusted = input.priority[0];
    if (input.self.id === trusted) return input.peers;
    const hub = input.peers.find((peer) => peer.id === trusted);
    if (!hub) throw new Error(`the trusted source ${trusted} is not among ${input.self.id}'s peers`);
    return [hub];
}

/** Integrated Extracts on a DC's database: one per path out of it (the trusted source's paths go to every spoke). */
export function integratedExtracts(isTrustedSource: boolean, datacenterCount: number): number {
    if (datacenterCount < 2) return 0;
    return isTrustedSource ? datacenterCount - 1 : 1;
}

/**
 * STREAMS_POOL_SIZE for that many integrated Extracts: each asks its logmining server for 1 GB
 * (MAX_SGA_SIZE), plus 25 % headroom ("Using Oracle GoldenGate for Oracle Database" 19c,
 * Managing Server Resources: 3 Extracts → 3 GB × 1.25). Nonintegrated Replicats need none.
 */
export function streamsPoolBytes(extracts: number): number {
    return extracts * 1.25 * 1024 ** 3;
}

const header = (what: string, dcId: string) =>
    `-- ${what}\n-- Rendered by the wso2-apim-multi-dc program for ${dcId}: change the program, not this file.\n`;

const login = (dcId: string) => `USERIDALIAS ${credentialAlias(dcId)} DOMAIN ${GOLDENGATE.credentialDomain}`;

/** A replicated table as the files name it, with what conflict handling must know of it. */
interface ReplicatedTable {
    /** `OWNER.TABLE`. */
    name: string;
    owner: string;
    table: string;
    /** KEYCOLS from `goldengateKeyColumns`: the row's identity when the table has no key. */
    keyCols?: readonly string[];
    primaryKey?: readonly string[];
    lobColumns: readonly string[];
    uniqueKeys: readonly (readonly string[])[];
}

const ORACLE_NAME = /^[A-Z][A-Z0-9_$#]*$/;

/**
 * Every replicated table, named one by one: the table knowledge (`input.tables`, default WSO2's)
 * and the keyless tables of `goldengateKeyColumns`. No wildcard and no exclusion anywhere: a
 * table named once by exact name in TABLE and MAP is replicated; what an exclusion by exact name
 * does to a table also named explicitly is not documented (Reference 19c, EXCLUDEWILDCARDOBJECTSONLY
 * covers only "when an exclusion parameter contains a wildcard": "The exclusion parameters get
 * evaluated and satisfied before the TABLE or MAP statements";
 * https://docs.oracle.com/en/middleware/goldengate/core/19.1/reference/excludewildcardobjectsonly.html).
 * The names go into TABLE, MAP, KEYCOLS and COMPARECOLS unquoted, so each must be a plain
 * upper-case Oracle name.
 */
function replicatedTables(input: GoldenGateFilesInput): ReplicatedTable[] {
    const tables = new Map<string, ReplicatedTable>();
    const entry = (owner: string, table: string) => {
        const name = `${owner}.${table}`;
        if (!tables.has(name)) tables.set(name, { name, owner, table, lobColumns: [], uniqueKeys: [] });
        return tables.get(name)!;
    };
    for (const t of input.tables ?? WSO2_TABLES) {
        const spec = entry(t.owner, t.table);
        spec.primaryKey = t.primaryKey;
        spec.lobColumns = t.lobColumns ?? [];
        spec.uniqueKeys = t.uniqueKeys ?? [];
    }
    for (const k of input.keyColumns) entry(k.owner, k.table).keyCols = k.columns;
    for (const t of tables.values()) {
        const columns = [t.owner, t.table, ...(t.keyCols ?? []), ...(t.primaryKey ?? []), ...t.lobColumns, ...t.uniqueKeys.flat()];
        const bad = columns.find((c) => !ORACLE_NAME.test(c));
        if (bad !== undefined) throw new Error(`GoldenGate table knowledge, ${t.name}: ${JSON.stringify(bad)} is not an upper-case unquoted Oracle name`);
        if (!GOLDENGATE.schemas.includes(t.owner)) throw new Error(`GoldenGate table knowledge, ${t.name}: ${t.owner} is not a replicated schema (${GOLDENGATE.schemas.join(", ")})`);
    }
    if (tables.size === 0) throw new Error("GoldenGate table knowledge is empty: no table to replicate");
    return [...tables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Columns compared for conflicts: all but the LOBs ("Using Oracle GoldenGate for Oracle Database"
 * 19c, Configuring CDR: "CDR should not be used for columns that contain LOBs"; Reference, TABLE
 * GETBEFORECOLS and MAP COMPARECOLS: ON UPDATE / ON DELETE ALL or ALLEXCLUDING (columns)).
 */
const compared = (t: ReplicatedTable) => (t.lobColumns.length ? `ALLEXCLUDING (${t.lobColumns.join(", ")})` : "ALL");
const keyColsOf = (t: ReplicatedTable) => (t.keyCols ? [`KEYCOLS (${t.keyCols.join(", ")})`] : []);

export function renderGlobals(self: HubDatacenter): string {
    return header("GLOBALS of the GoldenGate hub", self.id) + [
        "-- Replicats checkpoint in the database: a restart resumes after the last applied commit.",
        `CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}`,
        "-- Schema of the heartbeat tables (Reference, GGSCHEMA; ADD HEARTBEATTABLE creates them there).",
        `GGSCHEMA ${GOLDENGATE.schema}`,
        // Reference 19c, USEIPV4: "By default, Oracle GoldenGate uses IPv6 in dual-stack mode and this
        // parameter forces the use of IPv4 only ... the entire network ... must be IPv4 compatible" (our
        // VPCs and peerings are IPv4 only). The Manager's ACCESSRULE entries then name plain IPv4 addresses.
        "-- IPv4 only (the VPCs have no IPv6): the Manager's access rules see the peers' IPv4 addresses.",
        "USEIPV4",
    ].join("\n") + "\n";
}

/**
 * The Manager's access rules (Reference 19c, ACCESSRULE: "controls connection access to the Manager
 * process and the processes under its control"; rules apply by PRI, 1 the highest, 99 the lowest):
 * everything from this hub itself (GGSCI and the groups the Manager starts talk to it locally, over
 * the loopback or the hub's own address), a Collector for each hub whose pump sends a trail here
 * (`PROG COLLECTOR`: "Secures the ability to dynamically create a Collector process"), and nothing
 * else (Securing Oracle GoldenGate, "Securing Manager": a `PROG *, DENY, PRI 99` rule denies all
 * other programs). The security group admits the same peers to the same ports.
 */
function accessRules(self: HubDatacenter, senders: readonly HubDatacenter[]): string[] {
    return [
        ...["127.0.0.1", self.hubIp].map((address) => `ACCESSRULE, PROG *, IPADDR ${address}, PRI 1, ALLOW`),
        ...senders.map((peer) => `ACCESSRULE, PROG COLLECTOR, IPADDR ${peer.hubIp}, PRI 2, ALLOW`),
        "ACCESSRULE, PROG *, PRI 99, DENY",
    ];
}

/** The Manager of a hub that receives the trails of `senders` (the other end of each of its paths). */
export function renderManager(self: HubDatacenter, senders: readonly HubDatacenter[]): string {
    const { from, to } = GOLDENGATE.dynamicPorts;
    const { retries, waitMinutes, resetMinutes } = GOLDENGATE.autorestart;
    return header("Manager", self.id) + [
        `PORT ${GOLDENGATE.managerPort}`,
        `-- One Collector per incoming pump, for as many as ${MAX_INCOMING_PUMPS} peers; the hub's security group opens these to the peer hubs only.`,
        `DYNAMICPORTLIST ${from}-${to}`,
        "-- Only this hub and the hubs that send it trails may connect.",
        ...accessRules(self, senders),
        "-- Every added group starts with the Manager: a hub restart resumes replication (Reference, AUTOSTART).",
        "AUTOSTART ER *",
        "-- A passing failure (a peer hub restarting, the peering flapping) must not stop replication for good.",
        `AUTORESTART ER *, RETRIES ${retries}, WAITMINUTES ${waitMinutes}, RESETMINUTES ${resetMinutes}`,
        "-- Trail files go once every reader has checkpointed past them, and not before two days.",
        "PURGEOLDEXTRACTS ./dirdat/*, USECHECKPOINTS, MINKEEPHOURS 48",
    ].join("\n") + "\n";
}

/**
 * The Extract of one path (Reference for Oracle GoldenGate 19c):
 * - TRANLOGOPTIONS EXCLUDETAG with the destination's DBOPTIONS SETTAG: "The logmining server
 *   associated with that Extract excludes redo that is tagged with the SETTAG value" (Administering
 *   Oracle GoldenGate 19c, Excluding Replicat Transactions: "For Oracle to Oracle, this is the
 *   recommended method"; https://docs.oracle.com/en/middleware/goldengate/core/19.1/ggcab/excluding-replicat-transactions.html);
 * - LOGALLSUPCOLS: "Automatically includes in the trail record the before image of all
 *   supplementally logged columns for both UPDATE and DELETE operations" (with ADD SCHEMATRANDATA
 *   … ALLCOLS: every column but the LOBs), which CDR compares;
 * - UPDATERECORDFORMAT FULL: the before and after images of an update in one record, and the
 *   format INSERTALLRECORDS needs ("This parameter does not work with UPDATERECORDFORMAT
 *   COMPACT", Reference, INSERTALLRECORDS; "if you use INSERTALLRECORDS in Replicat, you must set
 *   UPDATERECORDFORMAT FULL in the Extract", Reference 19c, UPDATERECORDFORMAT);
 * - TABLE … GETBEFORECOLS (ON UPDATE / ON DELETE …): the before images CDR needs, LOBs excluded.
 */
export function renderExtract(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const { self } = input;
    const group = extractGroup(self.index, destination.index);
    const before = (t: ReplicatedTable) => `GETBEFORECOLS (ON UPDATE ${compared(t)}, ON DELETE ${compared(t)})`;
    return header(`Extract ${group}: what ${destination.id} must apply of ${self.id}'s database, DML only`, self.id) + [
        `EXTRACT ${group}`,
        login(self.id),
        `-- Rows applied from ${destination.id} carry its tag: never send them back (no data looping).`,
        `TRANLOGOPTIONS EXCLUDETAG ${applyTag(destination.index)}`,
        "-- Before images, so that the Replicat detects conflicts; LOBs have none (not compared).",
        "LOGALLSUPCOLS",
        "-- FULL: the Replicats' exceptions MAPs use INSERTALLRECORDS, which does not work with COMPACT.",
        "UPDATERECORDFORMAT FULL",
        `EXTTRAIL ${pathTrail(self.index, destination.index)}`,
        "-- Every replicated table by its exact name: no wildcard, no exclusion.",
        ...replicatedTables(input).map((t) => `TABLE ${[t.name, ...keyColsOf(t), before(t)].join(", ")};`),
    ].join("\n") + "\n";
}

/**
 * The pump of one path: PASSTHRU (no database login, no mapping) sends the trail as written to
 * RMTHOST/RMTTRAIL on the destination's hub, and selects the same tables by the same exact names
 * as the Extract (Reference 19c, PASSTHRU, RMTHOST, RMTTRAIL, TABLE).
 */
export function renderPump(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const { self } = input;
    const group = pumpGroup(self.index, destination.index);
    return header(`Data pump ${group}: the trail for ${destination.id} to its hub over the VPC peering`, self.id) + [
        `EXTRACT ${group}`,
        "-- Sends the trail as captured: no database login, no filtering.",
        "PASSTHRU",
        `RMTHOST ${destination.hubIp}, MGRPORT ${GOLDENGATE.managerPort}`,
        `RMTTRAIL ${pathTrail(self.index, destination.index)}`,
        "-- The tables the Extract captures, by the same exact names.",
        ...replicatedTables(input).map((t) => `TABLE ${t.name};`),
    ].join("\n") + "\n";
}

/**
 * The columns that identify a row, as GoldenGate picks them: KEYCOLS, else the primary key, else
 * a unique key ("Ensuring Row Uniqueness in Source and Target Tables": without a primary key, the
 * first unique key alphanumerically). 3.1.0's tables without a primary key have exactly one
 * unique key (test/goldengate-table-knowledge.test.ts); with several, which is first depends on
 * constraint names the knowledge does not keep: no identity, and every unique key counts as a
 * secondary one (`secondaryKeys`).
 */
function identityOf(t: ReplicatedTable): readonly string[] | undefined {
    if (t.keyCols) return t.keyCols;
    if (t.primaryKey?.length) return t.primaryKey;
    return t.uniqueKeys.length === 1 ? t.uniqueKeys[0] : undefined;
}

/** The unique keys other than the row's identity (a clash on the identity is CDR's INSERTROWEXISTS). */
function secondaryKeys(t: ReplicatedTable): (readonly string[])[] {
    const identity = identityOf(t) ?? [];
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c) => b.includes(c));
    return t.uniqueKeys.filter((key) => key.length > 0 && !same(key, identity));
}

/**
 * A clash on a secondary unique key (the same application name created in two DCs within the lag)
 * is not resolved by GoldenGate in either direction: the incoming row raises ORA-00001, REPERROR
 * (1, EXCEPTION) sends it to the table's exceptions MAP, and the target keeps its own row. Nothing
 * deletes the target's row on the strength of a matching key value: such a row may be one a user
 * of that DC just renamed to that value, and a DELETE run from a MAP (SQLEXEC) depends on what the
 * docs do not settle (whether it carries the Replicat's tag, whether the target's triggers fire
 * for it). The DCs then differ on that table; the divergence check reports it and the repair
 * runbook copies the trusted source's rows (docs/replication.md, The conflict matrix).
 *
 * The safety net of a spoke's MAP for a table with secondary unique keys. Whether an ORA-00001 on
 * a unique key other than the primary key goes to REPERROR (1, EXCEPTION) or to CDR's
 * INSERTROWEXISTS is not settled by the docs: "Additional consideration should be given when a
 * table has a primary key and additional unique indexes or unique keys. The automated routines
 * provided with the COMPARECOLS and RESOLVECONFLICT parameters require a consistent way to
 * uniquely identify each row" ("Configuring the Oracle GoldenGate Parameter Files for Conflict
 * Resolution",
 * https://docs.oracle.com/en/middleware/goldengate/core/21.3/ggcab/configuring-oracle-goldengate-parameter-files-conflict-resolution.html;
 * its Japanese edition adds that otherwise errors occur during conflict resolution). Under the
 * second reading a spoke's INSERTROWEXISTS OVERWRITE turns the insert into an update of a primary
 * key the spoke does not hold, "no data found", ORA-01403, which REPERROR (DEFAULT, ABEND) would
 * stop on. A MAP's own REPERROR applies "to the tables specified in that statement" (Reference
 * 19c, REPERROR; whether it adds to the global rules or replaces them there is not said, so such a
 * MAP repeats the whole policy), so the record goes to the exceptions MAP under either reading, and the
 * divergence check reports what differs. What a real 19c does here is to be verified before
 * production (docs/replication.md, What to verify on a real 19c).
 */
export const SPOKE_SAFETY_NET: readonly [string, string] = ["1403", "EXCEPTION"];

/**
 * The Replicat of one path. Per table, Oracle's documented pair (Administering Oracle GoldenGate,
 * "Using EXCEPTIONSONLY", text identical in the 19c, 21c and 23ai guides; e.g.
 * https://docs.oracle.com/en/database/goldengate/core/26/coredoc/administer-using-exceptionsonly.html):
 * - the regular MAP to the table itself, with COMPARECOLS, one RESOLVECONFLICT per conflict type
 *   (`resolutions`) and, into a spoke for a table with secondary unique keys, `SPOKE_SAFETY_NET`;
 * - right after it, the exceptions MAP: the same source "to the exceptions table (instead of to the
 *   target table)", EXCEPTIONSONLY and INSERTALLRECORDS, COLMAP (USEDEFAULTS, context columns).
 *   "Replicat sends every operation that generates a conflict (resolved or not) to the exceptions
 *   MAP statement" ("Configuring the Oracle GoldenGate Parameter Files for Error Handling",
 *   https://docs.oracle.com/en/middleware/goldengate/core/19.1/coredoc/configuring-oracle-goldengate-parameter-files-error-handling-1.html),
 *   and so does every error REPERROR sends to EXCEPTION.
 * Each source and target pair is mapped once: "By default, duplicate MAP statements cause Replicat
 * to abend" (Reference 19c, ALLOWDUPTARGETMAP;
 * https://docs.oracle.com/en/middleware/goldengate/core/19.1/reference/allowduptargetmap-noallowduptargetmap.html).
 * DBOPTIONS SETTAG marks what this Replicat applies so that the Extract back excludes it
 * (`renderExtract`); DBOPTIONS SUPPRESSTRIGGERS keeps the target's triggers from firing for it
 * (Reference 19c, DBOPTIONS: "[SETTAG [tag_value | NULL]]", "[SUPPRESSTRIGGERS | NOSUPPRESSTRIGGERS]";
 * https://docs.oracle.com/en/middleware/goldengate/core/21.3/reference/dboptions-19.1.html).
 */
export function renderReplicat(input: GoldenGateFilesInput, origin: HubDatacenter): string {
    const { self } = input;
    const group = replicatGroup(origin.index, self.index);
    const fromTrustedSource = origin.id === input.priority[0];
    const resolve = Object.entries(resolutions(fromTrustedSource)).map(([conflict, how]) => `RESOLVECONFLICT (${conflict}, (DEFAULT, ${how}))`);
    const maps = (t: ReplicatedTable) => {
        // The whole policy, not the safety net alone: whether a MAP's REPERROR adds to the global rules
        // or replaces them for that MAP the Reference does not say, so the MAP carries all of them.
        const safetyNet = fromTrustedSource && secondaryKeys(t).length > 0
            ? [...errorPolicy(), SPOKE_SAFETY_NET].map(([error, response]) => `REPERROR (${error}, ${response})`)
            : [];
        const regular = [t.name, `TARGET ${t.name}`, ...keyColsOf(t), `COMPARECOLS (ON UPDATE ${compared(t)}, ON DELETE ${compared(t)})`, ...resolve, ...safetyNet];
        const context = EXCEPTION_CONTEXT.map(([column, value]) => `${column} = ${value}`);
        const exceptions = [t.name, `TARGET ${exceptionsTable(t.owner, t.table)}`, "EXCEPTIONSONLY", "INSERTALLRECORDS", `COLMAP (USEDEFAULTS, ${context.join(", ")})`];
        return [`MAP ${regular.join(", ")};`, `MAP ${exceptions.join(", ")};`];
    };
    const winner = fromTrustedSource ? origin.id : self.id;
    return header(`Replicat ${group}: ${origin.id}'s changes into ${self.id}'s database; on conflict ${winner} wins`, self.id) + [
        `REPLICAT ${group}`,
        login(self.id),
        `-- Tag with ${origin.id}'s tag what this applies: the Extract back to ${origin.id} skips it.`,
        `DBOPTIONS SETTAG ${applyTag(origin.index)}`,
        "-- The origin's trigger effects arrive as rows of their own: the target's triggers must not redo them.",
        "DBOPTIONS SUPPRESSTRIGGERS",
        "-- Only what an abend leaves: losing changes go to the exceptions tables. A new file every day.",
        `DISCARDFILE ./dirrpt/${group.toLowerCase()}.dsc, APPEND, MEGABYTES ${DISCARD.megabytes}`,
        `DISCARDROLLOVER AT ${DISCARD.rolloverAt}`,
        "-- Known conflict errors go to the table's exceptions MAP, record by record; anything else stops for review.",
        ...errorPolicy().map(([error, response]) => `REPERROR (${error}, ${response})`),
        `-- Per table: the regular MAP, then its exceptions MAP to ${GOLDENGATE.schema}.EX_<owner>_<table>.`,
        ...replicatedTables(input).flatMap(maps),
    ].join("\n") + "\n";
}

/** GGSCI commands run once per hub, before any path: supplemental logging, checkpoint and heartbeat tables. */
export function renderSetupObey(input: GoldenGateFilesInput): string {
    return [
        `DBLOGIN ${login(input.self.id)}`,
        ...GOLDENGATE.schemas.map((schema) => `ADD SCHEMATRANDATA ${schema} ALLCOLS`),
        `ADD CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}`,
        // Reference, ADD HEARTBEATTABLE: creates the tables, the GG_LAG views and the job that updates them every 60 s.
        "ADD HEARTBEATTABLE",
    ].join("\n") + "\n";
}

/**
 * Starts capture for one path. The Classic Architecture's order (Using Oracle GoldenGate for
 * Oracle Database 19c, "Add the Primary Extract": "Before issuing ADD EXTRACT with this option
 * [INTEGRATED TRANLOG], make certain you logged in to the database with the DBLOGIN command and
 * that you registered this Extract with the database"; for integrated mode the BEGIN time "must be
 * greater than the timestamp at which the Extract was registered"): log in, register (REGISTER
 * EXTRACT prints the registration SCN, "OGG-02003 Extract group … successfully registered with
 * database at SCN …"), then add it positioned now. "For precise instantiation to work, the
 * instantiation SCN must come after the registration SCN": the runbook waits until no transaction
 * older than that SCN is open, then takes the instantiation SCN (docs/replication.md, Bootstrap).
 * The Extract is added when its capture starts, not when the hub was set up: one added long before
 * it starts may find its logs gone (OGG-00446). Then the pump, and both start.
 */
export function renderStartCaptureObey(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const { self } = input;
    const extract = extractGroup(self.index, destination.index);
    const pump = pumpGroup(self.index, destination.index);
    const trail = pathTrail(self.index, destination.index);
    return [
        `DBLOGIN ${login(self.id)}`,
        `REGISTER EXTRACT ${extract} DATABASE`,
        `ADD EXTRACT ${extract}, INTEGRATED TRANLOG, BEGIN NOW`,
        `ADD EXTTRAIL ${trail}, EXTRACT ${extract}`,
        `ADD EXTRACT ${pump}, EXTTRAILSOURCE ${trail}`,
        `ADD RMTTRAIL ${trail}, EXTRACT ${pump}`,
        `START EXTRACT ${extract}`,
        `START EXTRACT ${pump}`,
    ].join("\n") + "\n";
}

/**
 * Adds the Replicat of a new path, reading its trail from the first file (a pump added with its
 * RMTTRAIL starts the trail there); the operator starts it right after, at the load's SCN
 * (`START REPLICAT …, AFTERCSN`). A re-added Replicat of a pump that kept its trail reads from the
 * file the pump writes next instead (renderRolloverPumpObey).
 */
export function renderAddReplicatObey(input: GoldenGateFilesInput, origin: HubDatacenter): string {
    const group = replicatGroup(origin.index, input.self.index);
    return `ADD REPLICAT ${group}, EXTTRAIL ${pathTrail(origin.index, input.self.index)}, CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}\n`;
}

/**
 * Re-sync of the DC at the other end of a path that keeps its Extract and pump: stops the pump and
 * moves its trail on to a new file, whose number INFO … SHOWCH shows as the write checkpoint's
 * "Sequence #" (Administering Oracle GoldenGate 19c, "About Extract Write Checkpoints"). ALTER EXTRACT
 * ETROLLOVER increments "a trail to the next file in the sequence" (Reference 19c, ALTER EXTRACT), and
 * a reader is not moved along: "issue ALTER EXTSEQNO for that trail's reader … it will not happen
 * automatically" (OGG-01520). The re-added Replicat therefore starts at that file
 * (`ADD REPLICAT …, EXTSEQNO <n>, EXTRBA 0`), where the pump writes next.
 */
export function renderRolloverPumpObey(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const pump = pumpGroup(input.self.index, destination.index);
    return [`STOP EXTRACT ${pump}`, `ALTER EXTRACT ${pump}, ETROLLOVER`, `INFO EXTRACT ${pump}, SHOWCH`].join("\n") + "\n";
}

/**
 * Removes the capture of one path (a re-sync, a move of the trusted source): its Extract leaves the
 * database's logmining server only by UNREGISTER EXTRACT … DATABASE ("removes the database capture
 * (mining) server"), which Oracle runs after STOP EXTRACT, DBLOGIN and DELETE EXTRACT (Reference 19c,
 * UNREGISTER EXTRACT); a capture left registered keeps its logmining server in the database. The pump goes with it.
 */
export function renderRemoveCaptureObey(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const { self } = input;
    const extract = extractGroup(self.index, destination.index);
    const pump = pumpGroup(self.index, destination.index);
    return [
        `STOP EXTRACT ${pump}`,
        `STOP EXTRACT ${extract}`,
        `DBLOGIN ${login(self.id)}`,
        `DELETE EXTRACT ${extract}`,
        `UNREGISTER EXTRACT ${extract} DATABASE`,
        `DELETE EXTRACT ${pump}`,
    ].join("\n") + "\n";
}

/** Removes the Replicat of one path; logged in, so that its row of the checkpoint table goes too (Reference 19c, DELETE REPLICAT, CHECKPOINTTABLE). */
export function renderRemoveReplicatObey(input: GoldenGateFilesInput, origin: HubDatacenter): string {
    const group = replicatGroup(origin.index, input.self.index);
    return [`DBLOGIN ${login(input.self.id)}`, `STOP REPLICAT ${group}`, `DELETE REPLICAT ${group}`].join("\n") + "\n";
}

/**
 * The obey files of each path, by name (from this DC's index and the other end's) and renderer:
 * capture and apply added, a kept pump's trail rolled over, capture and apply removed.
 */
const pathObeyFiles: [(self: number, peer: number) => string, (input: GoldenGateFilesInput, peer: HubDatacenter) => string][] = [
    [(self, peer) => `start-${extractGroup(self, peer)}`, renderStartCaptureObey],
    [(self, peer) => `add-${replicatGroup(peer, self)}`, renderAddReplicatObey],
    [(self, peer) => `rollover-${pumpGroup(self, peer)}`, renderRolloverPumpObey],
    [(self, peer) => `remove-${extractGroup(self, peer)}`, renderRemoveCaptureObey],
    [(self, peer) => `remove-${replicatGroup(peer, self)}`, renderRemoveReplicatObey],
];

/** Every file of the hub. A datacenter without peers replicates nothing and has none. */
export function renderGoldenGateFiles(input: GoldenGateFilesInput): GoldenGateFile[] {
    if (input.peers.length === 0) return [];
    const { self } = input;
    const ends = pathPeers(input);
    return [
        { path: "GLOBALS", content: renderGlobals(self) },
        { path: parameterFile("MGR"), content: renderManager(self, ends) },
        ...ends.flatMap((peer) => [
            { path: parameterFile(extractGroup(self.index, peer.index)), content: renderExtract(input, peer) },
            { path: parameterFile(pumpGroup(self.index, peer.index)), content: renderPump(input, peer) },
        ]),
        ...ends.map((peer) => ({ path: parameterFile(replicatGroup(peer.index, self.index)), content: renderReplicat(input, peer) })),
        { path: "dirprm/setup.oby", content: renderSetupObey(input) },
        ...pathObeyFiles.flatMap(([name, render]) => ends.map((peer) => ({
            path: `dirprm/${name(self.index, peer.index).toLowerCase()}.oby`,
            content: render(input, peer),
        }))),
    ];
}
