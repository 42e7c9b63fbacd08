/**
 * The names GoldenGate uses across the mesh, derived from each datacenter's index so that every
 * hub can name its peers' processes and trails without asking them.
 *
 * - Extract `EXT<i>` captures DC i into its local trail `<L><L>` (L: the DC's letter, DC1 = a).
 * - Pump `P<i>TO<j>` sends that trail to DC j's hub as remote trail `<Li><Lj>`.
 * - Replicat `R<i>TO<j>`, on DC j's hub, applies trail `<Li><Lj>` to DC j's database and tags
 *   its transactions with DC i's tag; DC j's Extract excludes every peer's tag.
 *
 * Trail prefixes are two characters starting with a letter (GoldenGate's rule), unique across
 * the mesh; group names stay within GoldenGate's eight characters for up to 26 datacenters.
 */
import { DATABASE_USERS } from "../database-names";

/** Letters give each datacenter one character of a trail name: 26 datacenters at most. */
export const MAX_DATACENTERS = 26;

export const GOLDENGATE = {
    /** Manager port; the peers' pumps connect here first. */
    managerPort: 7809,
    /** Ports Manager hands to the Collectors that receive the peers' trails. */
    dynamicPorts: { from: 7810, to: 7820 },
    /** GoldenGate home on the hub (Classic Architecture). */
    home: "/u01/app/ogg",
    /** Credential store domain of the hub's aliases. */
    credentialDomain: "wso2apim",
    /** Nonintegrated Replicat checkpoints (owned by the GoldenGate administrator). */
    checkpointTable: `${DATABASE_USERS.goldengate}.GG_CHECKPOINT`,
    /** The two WSO2 schemas, replicated both ways (AM_DB and SHARED_DB). */
    schemas: [DATABASE_USERS.amDb, DATABASE_USERS.sharedDb] as readonly string[],
} as const;

function letter(index: number): string {
    if (!Number.isInteger(index) || index < 1 || index > MAX_DATACENTERS) {
        throw new Error(`datacenter index ${index} has no GoldenGate letter (1..${MAX_DATACENTERS})`);
    }
    return String.fromCharCode(96 + index);
}

export const extractGroup = (index: number): string => `EXT${index}`;
export const pumpGroup = (from: number, to: number): string => `P${from}TO${to}`;
export const replicatGroup = (from: number, to: number): string => `R${from}TO${to}`;

/** DC i's own capture, on its hub. */
export const captureTrail = (index: number): string => `./dirdat/${letter(index)}${letter(index)}`;
/** What DC `from` sends to DC `to`, on DC `to`'s hub. */
export const transferTrail = (from: number, to: number): string => `./dirdat/${letter(from)}${letter(to)}`;

/** Redo tag of rows applied from DC `origin`: two hex digits (a valid Oracle redo tag). */
export const applyTag = (origin: number): string => origin.toString(16).toUpperCase().padStart(2, "0");

/** Credential store alias of a datacenter's database (`ogg_dc1`). */
export const credentialAlias = (dcId: string): string => `ogg_${dcId.toLowerCase()}`;

/** Parameter file of a group: GoldenGate looks for `dirprm/<group in lower case>.prm`. */
export const parameterFile = (group: string): string => `dirprm/${group.toLowerCase()}.prm`;
