/**
 * The GoldenGate files of one datacenter's hub (Classic Architecture, integrated Extract,
 * nonintegrated Replicat), as pure text: GLOBALS, the Manager, one Extract, a pump and a
 * Replicat per peer, and the GGSCI obey file that adds them. Paths are relative to the
 * GoldenGate home; the hub copies them there from the boot bucket (`goldengate/<path>`).
 *
 * What every file upholds (DESIGN §3 rules 5 and 6, §4):
 * - no data looping: each Replicat tags what it applies (DBOPTIONS SETTAG, one tag per origin
 *   DC) and the Extract excludes the tags of every peer (TRANLOGOPTIONS EXCLUDETAG);
 * - DML only: no DDL parameter anywhere, each DC applies its own DDL;
 * - conflicts detected on update and delete from the before images of all columns
 *   (LOGALLSUPCOLS, GETBEFORECOLS, COMPARECOLS) and resolved by datacenter priority
 *   (see `resolutions`).
 */
import { KeyColumns } from "./key-columns";
import {
    applyTag,
    captureTrail,
    credentialAlias,
    extractGroup,
    GOLDENGATE,
    parameterFile,
    pumpGroup,
    replicatGroup,
    transferTrail,
} from "./names";

export interface HubDatacenter {
    id: string;
    index: number;
    /** The hub's fixed private address (peers' pumps send their trails there). */
    hubIp: string;
}

export interface GoldenGateFilesInput {
    self: HubDatacenter;
    /** Every other datacenter: the mesh replicates each pair both ways. */
    peers: HubDatacenter[];
    /** Conflict priority, highest first (the trusted source, then by index). */
    priority: string[];
    /** Tables without a primary or unique key, with the columns that identify a row. */
    keyColumns: KeyColumns[];
}

export interface GoldenGateFile {
    /** Relative to the GoldenGate home, e.g. `dirprm/ext1.prm`. */
    path: string;
    content: string;
}

type Conflict = "INSERTROWEXISTS" | "UPDATEROWEXISTS" | "UPDATEROWMISSING" | "DELETEROWEXISTS" | "DELETEROWMISSING";

/**
 * How a Replicat resolves each conflict, by whether its origin outranks the target. The same
 * rule on both sides of a pair makes both databases end with the higher-priority DC's row:
 * the winner's change is applied (OVERWRITE: an update of a missing row becomes an insert, an
 * insert of an existing row an update), the loser's is set aside in the discard file for review
 * (DISCARD). A delete of a row already gone needs nothing.
 */
export function resolutions(originWins: boolean): Record<Conflict, "OVERWRITE" | "DISCARD"> {
    const winner = originWins ? "OVERWRITE" : "DISCARD";
    return {
        INSERTROWEXISTS: winner,
        UPDATEROWEXISTS: winner,
        UPDATEROWMISSING: winner,
        DELETEROWEXISTS: winner,
        DELETEROWMISSING: "DISCARD",
    };
}

const header = (what: string, dcId: string) =>
    `-- ${what}\n-- Rendered by the wso2-apim-multi-dc program for ${dcId}: change the program, not this file.\n`;

const login = (dcId: string) => `USERIDALIAS ${credentialAlias(dcId)} DOMAIN ${GOLDENGATE.credentialDomain}`;
const keyOf = (k: KeyColumns) => `${k.owner}.${k.table}`;
const keyColsOf = (k: KeyColumns) => `KEYCOLS (${k.columns.join(", ")})`;

/** Explicit statements for keyless tables first, each excluded from its schema's wildcard. */
function perTable(
    keyColumns: KeyColumns[],
    exclude: "TABLEEXCLUDE" | "MAPEXCLUDE",
    statement: (name: string, keyCols: string | null) => string,
): string[] {
    return [
        ...keyColumns.map((k) => `${exclude} ${keyOf(k)}`),
        ...keyColumns.map((k) => statement(keyOf(k), keyColsOf(k))),
        ...GOLDENGATE.schemas.map((schema) => statement(`${schema}.*`, null)),
    ];
}

export function renderGlobals(self: HubDatacenter): string {
    return header("GLOBALS of the GoldenGate hub", self.id) + [
        "-- Replicats checkpoint in the database: a restart resumes after the last applied commit.",
        `CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}`,
        "-- An explicitly named table (one with KEYCOLS) is never dropped by a TABLEEXCLUDE or MAPEXCLUDE.",
        "EXCLUDEWILDCARDOBJECTSONLY",
    ].join("\n") + "\n";
}

export function renderManager(self: HubDatacenter): string {
    const { from, to } = GOLDENGATE.dynamicPorts;
    return header("Manager", self.id) + [
        `PORT ${GOLDENGATE.managerPort}`,
        "-- Collectors for the peers' pumps; the hub's security group opens these to the peer hubs only.",
        `DYNAMICPORTLIST ${from}-${to}`,
        "-- A passing failure (a peer hub restarting, the peering flapping) must not stop replication for good.",
        "AUTORESTART ER *, RETRIES 5, WAITMINUTES 2, RESETMINUTES 60",
        "-- Trail files go once every reader has checkpointed past them, and not before two days.",
        "PURGEOLDEXTRACTS ./dirdat/*, USECHECKPOINTS, MINKEEPHOURS 48",
    ].join("\n") + "\n";
}

export function renderExtract(input: GoldenGateFilesInput): string {
    const { self, peers, keyColumns } = input;
    const before = "GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL)";
    return header(`Extract ${extractGroup(self.index)}: ${self.id}'s own changes to AM_DB and SHARED_DB, DML only`, self.id) + [
        `EXTRACT ${extractGroup(self.index)}`,
        login(self.id),
        "-- Rows a Replicat applied carry their origin's tag: never capture them again (no data looping).",
        ...peers.map((peer) => `TRANLOGOPTIONS EXCLUDETAG ${applyTag(peer.index)}`),
        "-- Before images of every column, so that the peers' Replicats detect conflicts.",
        "LOGALLSUPCOLS",
        "UPDATERECORDFORMAT COMPACT",
        `EXTTRAIL ${captureTrail(self.index)}`,
        ...perTable(keyColumns, "TABLEEXCLUDE", (name, keyCols) => `TABLE ${name}, ${keyCols ? `${keyCols}, ` : ""}${before};`),
    ].join("\n") + "\n";
}

export function renderPump(input: GoldenGateFilesInput, peer: HubDatacenter): string {
    const { self } = input;
    return header(`Data pump ${pumpGroup(self.index, peer.index)}: ${self.id}'s trail to ${peer.id}'s hub over the VPC peering`, self.id) + [
        `EXTRACT ${pumpGroup(self.index, peer.index)}`,
        "-- Sends the trail as captured: no database login, no filtering.",
        "PASSTHRU",
        `RMTHOST ${peer.hubIp}, MGRPORT ${GOLDENGATE.managerPort}`,
        `RMTTRAIL ${transferTrail(self.index, peer.index)}`,
        ...GOLDENGATE.schemas.map((schema) => `TABLE ${schema}.*;`),
    ].join("\n") + "\n";
}

export function renderReplicat(input: GoldenGateFilesInput, origin: HubDatacenter): string {
    const { self, priority, keyColumns } = input;
    const group = replicatGroup(origin.index, self.index);
    const originWins = priority.indexOf(origin.id) < priority.indexOf(self.id);
    const resolve = Object.entries(resolutions(originWins)).map(([conflict, how]) => `RESOLVECONFLICT (${conflict}, (DEFAULT, ${how}))`);
    const options = ["COMPARECOLS (ON UPDATE ALL, ON DELETE ALL)", ...resolve].join(", ");
    return header(`Replicat ${group}: ${origin.id}'s changes into ${self.id}'s database; on conflict ${originWins ? origin.id : self.id} wins`, self.id) + [
        `REPLICAT ${group}`,
        login(self.id),
        `-- Tag with ${origin.id}'s tag what this applies: ${self.id}'s Extract skips it.`,
        `DBOPTIONS SETTAG ${applyTag(origin.index)}`,
        "-- The origin's trigger effects arrive as rows of their own: the target's triggers must not redo them.",
        "DBOPTIONS SUPPRESSTRIGGERS",
        `DISCARDFILE ./dirrpt/${group.toLowerCase()}.dsc, APPEND, MEGABYTES 100`,
        ...perTable(keyColumns, "MAPEXCLUDE", (name, keyCols) => `MAP ${name}, TARGET ${name}, ${keyCols ? `${keyCols}, ` : ""}${options};`),
    ].join("\n") + "\n";
}

/** GGSCI commands that add this hub's processes once; nothing is started (docs/replication.md). */
export function renderSetupObey(input: GoldenGateFilesInput): string {
    const { self, peers } = input;
    const extract = extractGroup(self.index);
    return [
        `DBLOGIN ${login(self.id)}`,
        ...GOLDENGATE.schemas.map((schema) => `ADD SCHEMATRANDATA ${schema} ALLCOLS`),
        `ADD CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}`,
        `REGISTER EXTRACT ${extract} DATABASE`,
        `ADD EXTRACT ${extract}, INTEGRATED TRANLOG, BEGIN NOW`,
        `ADD EXTTRAIL ${captureTrail(self.index)}, EXTRACT ${extract}`,
        ...peers.flatMap((peer) => [
            `ADD EXTRACT ${pumpGroup(self.index, peer.index)}, EXTTRAILSOURCE ${captureTrail(self.index)}`,
            `ADD RMTTRAIL ${transferTrail(self.index, peer.index)}, EXTRACT ${pumpGroup(self.index, peer.index)}`,
        ]),
        ...peers.map((peer) =>
            `ADD REPLICAT ${replicatGroup(peer.index, self.index)}, EXTTRAIL ${transferTrail(peer.index, self.index)}, CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}`),
    ].join("\n") + "\n";
}

/** Every file of the hub. A datacenter without peers replicates nothing and has none. */
export function renderGoldenGateFiles(input: GoldenGateFilesInput): GoldenGateFile[] {
    if (input.peers.length === 0) return [];
    const { self, peers } = input;
    return [
        { path: "GLOBALS", content: renderGlobals(self) },
        { path: parameterFile("MGR"), content: renderManager(self) },
        { path: parameterFile(extractGroup(self.index)), content: renderExtract(input) },
        ...peers.map((peer) => ({ path: parameterFile(pumpGroup(self.index, peer.index)), content: renderPump(input, peer) })),
        ...peers.map((peer) => ({ path: parameterFile(replicatGroup(peer.index, self.index)), content: renderReplicat(input, peer) })),
        { path: "dirprm/setup.oby", content: renderSetupObey(input) },
    ];
}
