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
 * - conflicts detected on update and delete from before images (LOGALLSUPCOLS, GETBEFORECOLS,
 *   COMPARECOLS) except on LOB columns, resolved in the trusted source's favour (`resolutions`);
 * - predictable database errors go to the discard file or an exception handler, not an abend
 *   (`errorPolicy`).
 */
import { KeyColumns } from "./key-columns";
import {
    applyTag,
    credentialAlias,
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
    /** LOB columns and secondary unique keys of the replicated tables (default: WSO2's). */
    tables?: readonly Wso2Table[];
}

export interface GoldenGateFile {
    /** Relative to the GoldenGate home, e.g. `dirprm/eatob.prm`. */
    path: string;
    content: string;
}

export type Conflict = "INSERTROWEXISTS" | "UPDATEROWEXISTS" | "UPDATEROWMISSING" | "DELETEROWEXISTS" | "DELETEROWMISSING";
export type Resolution = "OVERWRITE" | "DISCARD";

/**
 * How a Replicat resolves each conflict. Into a spoke (`fromTrustedSource`) the trusted source's
 * change is applied (OVERWRITE: an insert of an existing row becomes an update, an update of a
 * missing row an insert); into the trusted source a spoke's conflicting change is set aside in
 * the discard file (DISCARD). The trusted source has by then applied, and sent the spoke, the
 * change that made the row differ, so both end with its row.
 *
 * Tables with LOB columns: an update of a missing row is never turned into an insert (the trail
 * carries no unchanged LOB, so the row would be created with empty LOBs), so there a delete wins
 * over a concurrent update, in both directions. "Using Oracle GoldenGate for Oracle Database"
 * 19c, Configuring CDR: do not use CDR for columns that contain LOBs.
 */
export function resolutions(fromTrustedSource: boolean, hasLobs = false): Record<Conflict, Resolution> {
    const winner: Resolution = fromTrustedSource ? "OVERWRITE" : "DISCARD";
    return {
        INSERTROWEXISTS: winner,
        UPDATEROWEXISTS: winner,
        UPDATEROWMISSING: hasLobs ? "DISCARD" : winner,
        DELETEROWEXISTS: hasLobs ? "OVERWRITE" : winner,
        DELETEROWMISSING: "DISCARD",
    };
}

/**
 * REPERROR per Oracle error, by direction (GoldenGate 19c Reference, REPERROR: the default
 * response to any error is to abend; DISCARD logs the record to the discard file and goes on;
 * EXCEPTION hands it to the exceptions MAP of its table).
 * - ORA-00001 (unique constraint) that CDR did not resolve is a clash on a secondary unique
 *   key (two DCs created e.g. the same application name). Into the trusted source the spoke's
 *   row loses (DISCARD); into a spoke the trusted source's row wins: the exceptions MAP deletes
 *   the spoke's clashing row and applies it.
 * - Anything else stops the Replicat for review (ABEND): it is not a known conflict class.
 */
export function errorPolicy(fromTrustedSource: boolean): [string, string][] {
    return [
        ["DEFAULT", "ABEND"],
        ["1", fromTrustedSource ? "EXCEPTION" : "DISCARD"],
    ];
}

/** The discard file grows by every discarded conflict: a daily rollover keeps it under its size, past which the Replicat abends (Reference, DISCARDFILE MEGABYTES and DISCARDROLLOVER). */
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

interface TableSpec {
    name: string;
    keyCols?: readonly string[];
    lobColumns?: readonly string[];
    uniqueKeys?: readonly (readonly string[])[];
}

/** Tables that need a statement of their own (KEYCOLS, LOBs, unique-key handler), excluded from the wildcard. */
function explicitTables(input: GoldenGateFilesInput, withUniqueKeys: boolean): TableSpec[] {
    const specs = new Map<string, TableSpec>();
    const spec = (owner: string, table: string) => {
        const name = `${owner}.${table}`;
        if (!specs.has(name)) specs.set(name, { name });
        return specs.get(name)!;
    };
    for (const k of input.keyColumns) spec(k.owner, k.table).keyCols = k.columns;
    for (const t of input.tables ?? WSO2_TABLES) {
        if (t.lobColumns?.length) spec(t.owner, t.table).lobColumns = t.lobColumns;
        if (withUniqueKeys && t.uniqueKeys?.length) spec(t.owner, t.table).uniqueKeys = t.uniqueKeys;
    }
    return [...specs.values()];
}

/** Columns compared for conflicts: all but the LOBs. */
const compared = (t: TableSpec) => (t.lobColumns?.length ? `ALLEXCLUDING (${t.lobColumns.join(", ")})` : "ALL");
const keyColsOf = (t: TableSpec) => (t.keyCols ? [`KEYCOLS (${t.keyCols.join(", ")})`] : []);

export function renderGlobals(self: HubDatacenter): string {
    return header("GLOBALS of the GoldenGate hub", self.id) + [
        "-- Replicats checkpoint in the database: a restart resumes after the last applied commit.",
        `CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}`,
        "-- Schema of the heartbeat tables (Reference, GGSCHEMA; ADD HEARTBEATTABLE creates them there).",
        `GGSCHEMA ${GOLDENGATE.schema}`,
        "-- An explicitly named table (KEYCOLS, LOBs, unique keys) is never dropped by a TABLEEXCLUDE or MAPEXCLUDE.",
        "EXCLUDEWILDCARDOBJECTSONLY",
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

export function renderExtract(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const { self } = input;
    const group = extractGroup(self.index, destination.index);
    const explicit = explicitTables(input, false);
    const before = (t: TableSpec) => `GETBEFORECOLS (ON UPDATE ${compared(t)}, ON DELETE ${compared(t)})`;
    return header(`Extract ${group}: what ${destination.id} must apply of ${self.id}'s database, DML only`, self.id) + [
        `EXTRACT ${group}`,
        login(self.id),
        `-- Rows applied from ${destination.id} carry its tag: never send them back (no data looping).`,
        `TRANLOGOPTIONS EXCLUDETAG ${applyTag(destination.index)}`,
        "-- Before images, so that the Replicat detects conflicts; LOBs have none (not compared).",
        "LOGALLSUPCOLS",
        "UPDATERECORDFORMAT COMPACT",
        `EXTTRAIL ${pathTrail(self.index, destination.index)}`,
        ...explicit.map((t) => `TABLEEXCLUDE ${t.name}`),
        ...explicit.map((t) => `TABLE ${[t.name, ...keyColsOf(t), before(t)].join(", ")};`),
        ...GOLDENGATE.schemas.map((schema) => `TABLE ${schema}.*, ${before({ name: schema })};`),
    ].join("\n") + "\n";
}

export function renderPump(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const { self } = input;
    const group = pumpGroup(self.index, destination.index);
    return header(`Data pump ${group}: the trail for ${destination.id} to its hub over the VPC peering`, self.id) + [
        `EXTRACT ${group}`,
        "-- Sends the trail as captured: no database login, no filtering.",
        "PASSTHRU",
        `RMTHOST ${destination.hubIp}, MGRPORT ${GOLDENGATE.managerPort}`,
        `RMTTRAIL ${pathTrail(self.index, destination.index)}`,
        ...GOLDENGATE.schemas.map((schema) => `TABLE ${schema}.*;`),
    ].join("\n") + "\n";
}

/** Deletes the target's rows that hold any of the incoming row's unique-key values (DECODE matches NULL to NULL, as a composite unique key compares them). */
function uniqueClashHandler(t: TableSpec): string {
    const columns = [...new Set(t.uniqueKeys!.flat())];
    const param = (column: string) => `p${columns.indexOf(column) + 1}`;
    const matches = t.uniqueKeys!.map((key) => `(${key.map((c) => `DECODE(${c}, :${param(c)}, 1) = 1`).join(" AND ")})`);
    return `MAP ${t.name}, TARGET ${t.name}, EXCEPTIONSONLY, SQLEXEC (ID unique_clash, QUERY 'DELETE FROM ${t.name} WHERE ${matches.join(" OR ")}', ` +
        `PARAMS (${columns.map((c) => `${param(c)} = ${c}`).join(", ")}), BEFOREFILTER, ERROR RAISE);`;
}

export function renderReplicat(input: GoldenGateFilesInput, origin: HubDatacenter): string {
    const { self } = input;
    const group = replicatGroup(origin.index, self.index);
    const fromTrustedSource = origin.id === input.priority[0];
    const explicit = explicitTables(input, fromTrustedSource);
    const map = (t: TableSpec) => {
        const resolve = Object.entries(resolutions(fromTrustedSource, !!t.lobColumns?.length))
            .map(([conflict, how]) => `RESOLVECONFLICT (${conflict}, (DEFAULT, ${how}))`);
        return `MAP ${[t.name, `TARGET ${t.name}`, ...keyColsOf(t), `COMPARECOLS (ON UPDATE ${compared(t)}, ON DELETE ${compared(t)})`, ...resolve].join(", ")};`;
    };
    const winner = fromTrustedSource ? origin.id : self.id;
    return header(`Replicat ${group}: ${origin.id}'s changes into ${self.id}'s database; on conflict ${winner} wins`, self.id) + [
        `REPLICAT ${group}`,
        login(self.id),
        `-- Tag with ${origin.id}'s tag what this applies: the Extract back to ${origin.id} skips it.`,
        `DBOPTIONS SETTAG ${applyTag(origin.index)}`,
        "-- The origin's trigger effects arrive as rows of their own: the target's triggers must not redo them.",
        "DBOPTIONS SUPPRESSTRIGGERS",
        "-- Losing changes are kept here for review; a new file every day.",
        `DISCARDFILE ./dirrpt/${group.toLowerCase()}.dsc, APPEND, MEGABYTES ${DISCARD.megabytes}`,
        `DISCARDROLLOVER AT ${DISCARD.rolloverAt}`,
        ...errorPolicy(fromTrustedSource).map(([error, response]) => `REPERROR (${error}, ${response})`),
        ...explicit.map((t) => `MAPEXCLUDE ${t.name}`),
        ...explicit.flatMap((t) => [map(t), ...(t.uniqueKeys ? [uniqueClashHandler(t)] : [])]),
        ...GOLDENGATE.schemas.map((schema) => map({ name: `${schema}.*` })),
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
 * Starts capture for one path, in the order of Oracle's precise instantiation ("Add Initial Load
 * Extract Using the Admin Client", GoldenGate 19c): the Extract is added positioned now, then
 * registered, and REGISTER EXTRACT prints its registration SCN ("OGG-02003 Extract group … successfully
 * registered with database at SCN …"). "For precise instantiation to work, the instantiation SCN must
 * come after the registration SCN": the runbook waits until no transaction older than that SCN is
 * open, then takes the instantiation SCN (docs/replication.md, Bootstrap). The Extract is added when
 * its capture starts, not when the hub was set up: one added long before it starts may find its
 * logs gone (OGG-00446). Then the pump, and both start.
 */
export function renderStartCaptureObey(input: GoldenGateFilesInput, destination: HubDatacenter): string {
    const { self } = input;
    const extract = extractGroup(self.index, destination.index);
    const pump = pumpGroup(self.index, destination.index);
    const trail = pathTrail(self.index, destination.index);
    return [
        `DBLOGIN ${login(self.id)}`,
        `ADD EXTRACT ${extract}, INTEGRATED TRANLOG, BEGIN NOW`,
        `REGISTER EXTRACT ${extract} DATABASE`,
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
