/**
 * The GoldenGate names of the hub-and-spoke topology (docs/replication.md, Topology), derived
 * from the datacenters' indexes so that every hub can name its peers' processes and trails
 * without asking them. Every change travels on a path from one DC to another, and each path has
 * its own Extract, pump, trail and Replicat (L: the DC's letter, DC1 = A):
 *
 * - Extract `E<Lf>TO<Lt>` captures DC f for DC t into trail `<lf><lt>` on f's hub;
 * - pump `P<Lf>TO<Lt>` sends that trail to t's hub, where it keeps its name;
 * - Replicat `R<Lf>TO<Lt>`, on t's hub, applies it to t's database, tagged with f's tag.
 *
 * Group names end in a letter: Oracle advises against names ending in digits, because aged
 * report files append one (a group P1TO2's `P1TO20.rpt` is also the report of a group P1TO20;
 * Administering Oracle GoldenGate 19c, "Naming Conventions for Processes"). They stay within
 * eight characters. Trail names are two letters (GoldenGate's rule), unique per hub.
 */
import { DATABASE_USERS } from "../database-names";

/** Letters give each datacenter one character of a trail name: 26 datacenters at most. */
export const MAX_DATACENTERS = 26;
/** Pumps into one hub at most: the trusted source's, one from each spoke. */
export const MAX_INCOMING_PUMPS = MAX_DATACENTERS - 1;
/**
 * Collector ports beyond one per pump: a pump that reconnects (a peering flap, a peer hub's
 * restart) gets a new Collector while the old one may still hold its port until it notices the
 * lost connection, so at the most DCs a full list would leave the reconnecting pump without a port.
 */
export const SPARE_COLLECTOR_PORTS = 5;

export const GOLDENGATE = {
    /** Manager port; the peers' pumps connect here first. */
    managerPort: 7809,
    /**
     * Ports Manager hands to the Collectors that receive the peers' trails: one Collector per
     * incoming pump ("Collector can receive information from only one Extract process, so there is
     * one Collector for each Extract"; Administering Oracle GoldenGate 19c, What is a Collector?).
     * The trusted source receives a pump from every other DC, so the list holds one port for each of
     * the most DCs there can be (MAX_DATACENTERS - 1), whichever DC is the trusted source: "Specify
     * enough ports to accommodate expansion of the number of processes without having to stop and
     * restart Manager" (Reference 19c, DYNAMICPORTLIST), with spares for reconnects
     * (SPARE_COLLECTOR_PORTS). Nothing else here needs one: no direct initial load (RMTTASK), no
     * passive Extract, no remote GGSCI.
     */
    dynamicPorts: { from: 7810, to: 7810 + MAX_INCOMING_PUMPS + SPARE_COLLECTOR_PORTS - 1 },
    /** GoldenGate home on the hub (Classic Architecture). */
    home: "/u01/app/ogg",
    /** Credential store domain of the hub's aliases. */
    credentialDomain: "wso2apim",
    /** Owner of the checkpoint and heartbeat tables (GLOBALS GGSCHEMA). */
    schema: DATABASE_USERS.goldengate,
    /** Nonintegrated Replicat checkpoints (owned by the GoldenGate administrator). */
    checkpointTable: `${DATABASE_USERS.goldengate}.GG_CHECKPOINT`,
    /**
     * The Manager's restarts of an abended group (mgr.prm AUTORESTART): passing failures (a peer
     * hub restarting, the peering flapping) must not stop replication for good.
     */
    autorestart: { retries: 5, waitMinutes: 2, resetMinutes: 60 },
    /** The two WSO2 schemas, replicated both ways (AM_DB and SHARED_DB). */
    schemas: [DATABASE_USERS.amDb, DATABASE_USERS.sharedDb] as readonly string[],
} as const;

function letter(index: number): string {
    if (!Number.isInteger(index) || index < 1 || index > MAX_DATACENTERS) {
        throw new Error(`datacenter index ${index} has no GoldenGate letter (1..${MAX_DATACENTERS})`);
    }
    return String.fromCharCode(96 + index);
}

/** The letter of a datacenter in group and trail names (DC1 = A). */
export const dcLetter = (index: number): string => letter(index).toUpperCase();

export const extractGroup = (from: number, to: number): string => `E${dcLetter(from)}TO${dcLetter(to)}`;
export const pumpGroup = (from: number, to: number): string => `P${dcLetter(from)}TO${dcLetter(to)}`;
export const replicatGroup = (from: number, to: number): string => `R${dcLetter(from)}TO${dcLetter(to)}`;

/** The trail of the path from DC `from` to DC `to`: written on `from`'s hub, sent under the same name to `to`'s. */
export const pathTrail = (from: number, to: number): string => `./dirdat/${letter(from)}${letter(to)}`;

/** Redo tag of rows applied from DC `origin`: two hex digits (a valid Oracle redo tag). */
export const applyTag = (origin: number): string => origin.toString(16).toUpperCase().padStart(2, "0");

/** Credential store alias of a datacenter's database (`ogg_dc1`). */
export const credentialAlias = (dcId: string): string => `ogg_${dcId.toLowerCase()}`;

/**
 * Oracle's longest identifier from 12.2 on (Oracle Database 19c SQL Language Reference, "Database
 * Object Naming Rules": "The maximum length of identifier names depends on the value of the
 * COMPATIBLE initialization parameter": 128 bytes from 12.2).
 */
const ORACLE_IDENTIFIER_LIMIT = 128;

/**
 * The exceptions table of a replicated table: `OGGADMIN.EX_<owner>_<table>`, in the GoldenGate
 * administrator's schema so that no Extract captures it and no WSO2 schema check sees it.
 * sql/05-goldengate-exceptions.sql creates one per table of both WSO2 schemas under this name.
 */
export function exceptionsTable(owner: string, table: string): string {
    const name = `EX_${owner}_${table}`;
    if (name.length > ORACLE_IDENTIFIER_LIMIT) {
        throw new Error(`the exceptions table of ${owner}.${table} would be named ${name}, longer than Oracle's ${ORACLE_IDENTIFIER_LIMIT} characters`);
    }
    return `${GOLDENGATE.schema}.${name}`;
}

/** Parameter file of a group: GoldenGate looks for `dirprm/<group in lower case>.prm`. */
export const parameterFile = (group: string): string => `dirprm/${group.toLowerCase()}.prm`;
