/**
 * The GoldenGate files each hub receives, read as GoldenGate reads them (statements, comments
 * dropped), for the shipped two datacenters and a three-datacenter mesh: loops are prevented,
 * no DDL is replicated, both schemas travel both ways with conflict detection, and every trail
 * a pump writes is the trail a Replicat on the other hub reads.
 */
import * as assert from "node:assert/strict";
import { DeploymentConfig, parseConfig } from "../lib/config";
import { applyTag, GOLDENGATE } from "../lib/goldengate/names";
import { GoldenGateFile, renderGoldenGateFiles, resolutions } from "../lib/goldengate/parameter-files";
import { ofType, run, sourcesOf, stackConfig } from "./harness";

const THIRD_DC = { id: "DC3", index: 3, region: "eu-west-1", cidr: "10.30.0.0/16", gatewayLocations: ["country:GB"] };
const SHIPPED_DCS = stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as object[];

function configOf(stack: string, overrides: Record<string, unknown> = {}): DeploymentConfig {
    const { project, aws } = sourcesOf(stackConfig(stack, overrides));
    return parseConfig(project, aws, stack);
}

/** The hub files of `dcId` as the Region renders them from the config. */
function filesOf(config: DeploymentConfig, dcId: string): Map<string, string> {
    const self = config.datacenters.find((dc) => dc.id === dcId)!;
    const hub = (dc: typeof self) => ({ id: dc.id, index: dc.index, hubIp: dc.goldengateHubIp });
    const files = renderGoldenGateFiles({
        self: hub(self),
        peers: config.datacenters.filter((dc) => dc !== self).map(hub),
        priority: [config.trustedSource, ...config.datacenters.filter((dc) => dc !== config.trustedSource)].map((dc) => dc.id),
        keyColumns: config.replication.keyColumns,
    });
    return new Map(files.map((f: GoldenGateFile) => [f.path, f.content]));
}

/** Statements of a parameter file: comment and blank lines dropped. */
function statements(content: string): string[] {
    return content.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("--"));
}

/** The argument of every statement starting with `keyword` (case-insensitive, as GoldenGate reads). */
function valuesOf(content: string, keyword: string): string[] {
    const pattern = new RegExp(`^${keyword}\\s+(.*)$`, "i");
    return statements(content).map((s) => pattern.exec(s)?.[1]).filter((v): v is string => v !== undefined);
}

const trail = (path: string) => /\.\/dirdat\/([a-z]{2})$/.exec(path)?.[1];

/** Every hub's files for a deployment, by datacenter id. */
function mesh(config: DeploymentConfig): Map<string, Map<string, string>> {
    return new Map(config.datacenters.map((dc) => [dc.id, filesOf(config, dc.id)]));
}

/** Checks that hold for any mesh; returns the trails seen (capture and transfer), by hub. */
function checkMesh(config: DeploymentConfig): void {
    const hubs = mesh(config);
    const allTrails: string[] = [];
    for (const dc of config.datacenters) {
        const files = hubs.get(dc.id)!;
        const peers = config.datacenters.filter((other) => other !== dc);
        const extract = files.get(`dirprm/ext${dc.index}.prm`)!;
        const pumps = [...files.keys()].filter((p) => /^dirprm\/p\d+to\d+\.prm$/.test(p));
        const replicats = [...files.keys()].filter((p) => /^dirprm\/r\d+to\d+\.prm$/.test(p));
        assert.equal(pumps.length, peers.length, `${dc.id}: one pump per peer`);
        assert.equal(replicats.length, peers.length, `${dc.id}: one Replicat per peer`);

        // No data looping: the Extract skips exactly the tags this hub's Replicats set.
        const setTags = replicats.flatMap((r) => valuesOf(files.get(r)!, "DBOPTIONS SETTAG"));
        const excluded = valuesOf(extract, "TRANLOGOPTIONS EXCLUDETAG");
        assert.deepEqual([...excluded].sort(), [...setTags].sort(), `${dc.id}: Extract excludes what its Replicats tag`);
        assert.equal(new Set(setTags).size, setTags.length, `${dc.id}: one tag per origin`);
        assert.ok(!setTags.includes(applyTag(dc.index)), `${dc.id}: its own changes carry no Replicat tag`);

        // DML only, everywhere.
        for (const [path, content] of files) {
            assert.deepEqual(statements(content).filter((s) => /^DDL/i.test(s)), [], `${dc.id} ${path} has a DDL parameter`);
        }

        const captureTrail = trail(valuesOf(extract, "EXTTRAIL")[0])!;
        allTrails.push(captureTrail);
        const obey = files.get("dirprm/setup.oby")!;
        for (const peer of peers) {
            const pump = files.get(`dirprm/p${dc.index}to${peer.index}.prm`)!;
            assert.deepEqual(valuesOf(pump, "RMTHOST"), [`${peer.goldengateHubIp}, MGRPORT ${GOLDENGATE.managerPort}`]);
            assert.ok(statements(pump).includes("PASSTHRU"));
            assert.match(obey, new RegExp(`^ADD EXTRACT P${dc.index}TO${peer.index}, EXTTRAILSOURCE \\./dirdat/${captureTrail}$`, "m"));
            // What the pump writes is what the Replicat on the peer's hub reads.
            const sent = trail(valuesOf(pump, "RMTTRAIL")[0])!;
            allTrails.push(sent);
            const peerObey = hubs.get(peer.id)!.get("dirprm/setup.oby")!;
            assert.match(peerObey, new RegExp(`^ADD REPLICAT R${dc.index}TO${peer.index}, EXTTRAIL \\./dirdat/${sent}, CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}$`, "m"));
            assert.match(obey, new RegExp(`^ADD RMTTRAIL \\./dirdat/${sent}, EXTRACT P${dc.index}TO${peer.index}$`, "m"));
        }
    }
    assert.equal(new Set(allTrails).size, allTrails.length, `trail names repeat: ${allTrails.join(" ")}`);
    for (const name of allTrails) assert.match(name, /^[a-z][a-z]$/);
}

describe("GoldenGate files: two datacenters", () => {
    const config = configOf("us-east");
    const dc1 = filesOf(config, "DC1");
    const dc2 = filesOf(config, "DC2");

    it("gives each hub its GLOBALS, Manager, Extract, a pump and a Replicat per peer, and the obey file", () => {
        assert.deepEqual([...dc1.keys()], ["GLOBALS", "dirprm/mgr.prm", "dirprm/ext1.prm", "dirprm/p1to2.prm", "dirprm/r2to1.prm", "dirprm/setup.oby"]);
        assert.deepEqual([...dc2.keys()], ["GLOBALS", "dirprm/mgr.prm", "dirprm/ext2.prm", "dirprm/p2to1.prm", "dirprm/r1to2.prm", "dirprm/setup.oby"]);
    });

    it("keeps trails, tags and the pump/Replicat pairs consistent across the two hubs", () => checkMesh(config));

    it("captures both schemas with before images of every column and no DDL", () => {
        const extract = statements(dc1.get("dirprm/ext1.prm")!);
        assert.deepEqual(extract, [
            "EXTRACT EXT1",
            "USERIDALIAS ogg_dc1 DOMAIN wso2apim",
            "TRANLOGOPTIONS EXCLUDETAG 02",
            "LOGALLSUPCOLS",
            "UPDATERECORDFORMAT COMPACT",
            "EXTTRAIL ./dirdat/aa",
            "TABLE WSO2AM.*, GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);",
            "TABLE WSO2SHARED.*, GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);",
        ]);
    });

    it("sends DC2's trail to DC1's hub at its fixed address", () => {
        assert.deepEqual(statements(dc2.get("dirprm/p2to1.prm")!), [
            "EXTRACT P2TO1",
            "PASSTHRU",
            "RMTHOST 10.10.128.10, MGRPORT 7809",
            "RMTTRAIL ./dirdat/ba",
            "TABLE WSO2AM.*;",
            "TABLE WSO2SHARED.*;",
        ]);
    });

    it("tags what a Replicat applies, maps both schemas and detects conflicts on update and delete", () => {
        for (const replicat of [dc1.get("dirprm/r2to1.prm")!, dc2.get("dirprm/r1to2.prm")!]) {
            const maps = valuesOf(replicat, "MAP");
            assert.deepEqual(maps.map((m) => m.split(",")[0]), ["WSO2AM.*", "WSO2SHARED.*"]);
            for (const map of maps) {
                assert.match(map, /TARGET (WSO2AM|WSO2SHARED)\.\*, COMPARECOLS \(ON UPDATE ALL, ON DELETE ALL\)/);
                for (const conflict of ["UPDATEROWEXISTS", "UPDATEROWMISSING", "DELETEROWEXISTS", "DELETEROWMISSING"]) {
                    assert.match(map, new RegExp(`RESOLVECONFLICT \\(${conflict}, \\(DEFAULT, (OVERWRITE|DISCARD)\\)\\)`));
                }
            }
            assert.ok(statements(replicat).includes("DBOPTIONS SUPPRESSTRIGGERS"));
            assert.equal(valuesOf(replicat, "DISCARDFILE").length, 1);
        }
    });

    it("resolves conflicts in the trusted source's favour on both sides of the pair", () => {
        const resolved = (content: string) => Object.fromEntries(
            [...content.matchAll(/RESOLVECONFLICT \((\w+), \(DEFAULT, (\w+)\)\)/g)].map((m) => [m[1], m[2]]));
        // Into DC2, DC1's changes win; into DC1, DC2's lose (kept in the discard file).
        assert.deepEqual(resolved(dc2.get("dirprm/r1to2.prm")!), resolutions(true));
        assert.deepEqual(resolved(dc1.get("dirprm/r2to1.prm")!), resolutions(false));
        assert.equal(resolutions(true).UPDATEROWEXISTS, "OVERWRITE");
        assert.equal(resolutions(false).UPDATEROWEXISTS, "DISCARD");
        const promoted = configOf("us-east", { trustedSource: "DC2" });
        assert.deepEqual(resolved(filesOf(promoted, "DC1").get("dirprm/r2to1.prm")!), resolutions(true));
    });

    it("runs the Manager on the ports the hub's security group opens, restarting and purging", () => {
        assert.deepEqual(statements(dc1.get("dirprm/mgr.prm")!), [
            "PORT 7809",
            "DYNAMICPORTLIST 7810-7820",
            "AUTORESTART ER *, RETRIES 5, WAITMINUTES 2, RESETMINUTES 60",
            "PURGEOLDEXTRACTS ./dirdat/*, USECHECKPOINTS, MINKEEPHOURS 48",
        ]);
    });

    it("adds the checkpoint table, the integrated Extract and every process in the obey file, starting none", () => {
        assert.deepEqual(dc2.get("dirprm/setup.oby")!.trimEnd().split("\n"), [
            "DBLOGIN USERIDALIAS ogg_dc2 DOMAIN wso2apim",
            "ADD SCHEMATRANDATA WSO2AM ALLCOLS",
            "ADD SCHEMATRANDATA WSO2SHARED ALLCOLS",
            "ADD CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT",
            "REGISTER EXTRACT EXT2 DATABASE",
            "ADD EXTRACT EXT2, INTEGRATED TRANLOG, BEGIN NOW",
            "ADD EXTTRAIL ./dirdat/bb, EXTRACT EXT2",
            "ADD EXTRACT P2TO1, EXTTRAILSOURCE ./dirdat/bb",
            "ADD RMTTRAIL ./dirdat/ba, EXTRACT P2TO1",
            "ADD REPLICAT R1TO2, EXTTRAIL ./dirdat/ab, CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT",
        ]);
        assert.deepEqual(statements(dc2.get("GLOBALS")!), ["CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT", "EXCLUDEWILDCARDOBJECTSONLY"]);
    });

    it("gives keyless tables from config explicit KEYCOLS, excluded from the schema wildcard", () => {
        const keyed = configOf("us-east", { goldengateKeyColumns: ["wso2am.am_example(api_id, name)"] });
        const files = filesOf(keyed, "DC1");
        assert.deepEqual(statements(files.get("dirprm/ext1.prm")!).filter((s) => /^TABLE/.test(s)), [
            "TABLEEXCLUDE WSO2AM.AM_EXAMPLE",
            "TABLE WSO2AM.AM_EXAMPLE, KEYCOLS (API_ID, NAME), GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);",
            "TABLE WSO2AM.*, GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);",
            "TABLE WSO2SHARED.*, GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);",
        ]);
        const replicat = statements(files.get("dirprm/r2to1.prm")!);
        assert.ok(replicat.includes("MAPEXCLUDE WSO2AM.AM_EXAMPLE"));
        assert.match(replicat.find((s) => s.startsWith("MAP WSO2AM.AM_EXAMPLE"))!, /^MAP WSO2AM\.AM_EXAMPLE, TARGET WSO2AM\.AM_EXAMPLE, KEYCOLS \(API_ID, NAME\), COMPARECOLS/);
    });

    it("are what the program uploads under goldengate/ in each stack's boot bucket", async () => {
        for (const [stack, files] of [["us-east", dc1], ["us-west", dc2]] as const) {
            const program = await run(stack);
            const uploaded = new Map(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2")
                .filter((o) => String(o.inputs.key).startsWith("goldengate/"))
                .map((o) => [String(o.inputs.key).slice("goldengate/".length), o.inputs.content]));
            assert.deepEqual(uploaded, files);
        }
    });
});

describe("GoldenGate files: a third datacenter makes a full mesh", () => {
    const config = configOf("us-east", { datacenters: [...SHIPPED_DCS, THIRD_DC] });

    it("gives every datacenter a pump and a Replicat per peer, with distinct trails and consistent pairs", () => {
        checkMesh(config);
        assert.deepEqual([...filesOf(config, "DC3").keys()], [
            "GLOBALS", "dirprm/mgr.prm", "dirprm/ext3.prm", "dirprm/p3to1.prm", "dirprm/p3to2.prm", "dirprm/r1to3.prm", "dirprm/r2to3.prm", "dirprm/setup.oby",
        ]);
    });

    it("excludes both peers' tags in each Extract", () => {
        assert.deepEqual(valuesOf(filesOf(config, "DC2").get("dirprm/ext2.prm")!, "TRANLOGOPTIONS EXCLUDETAG"), ["01", "03"]);
    });

    it("ranks the trusted source first, then the lower index, in every pair", () => {
        const wins = (dcId: string, file: string) => /UPDATEROWEXISTS, \(DEFAULT, OVERWRITE\)/.test(filesOf(config, dcId).get(file)!);
        assert.deepEqual([wins("DC3", "dirprm/r2to3.prm"), wins("DC2", "dirprm/r3to2.prm")], [true, false]);
        assert.deepEqual([wins("DC3", "dirprm/r1to3.prm"), wins("DC1", "dirprm/r3to1.prm")], [true, false]);
    });
});

describe("GoldenGate files: a single datacenter", () => {
    it("renders nothing: there is no one to replicate with", () => {
        assert.deepEqual(renderGoldenGateFiles({ self: { id: "DC1", index: 1, hubIp: "10.10.128.10" }, peers: [], priority: ["DC1"], keyColumns: [] }), []);
    });
});
