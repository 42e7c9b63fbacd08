import * as assert from "node:assert/strict";
import * as TOML from "smol-toml";
import * as YAML from "yaml";
import { DATABASE_BOOT_SCRIPT } from "../lib/render/database-boot-env";
import { DEPLOYMENT_TOML_ENV, VAULT_SECRETS } from "../lib/render/deployment-toml";
import { KEYSTORE_SCRIPT } from "../lib/render/keystore-hook";
import { BOOTSTRAP_SCRIPT, WrittenFile, writtenContent } from "../lib/render/user-data";
import { sqlArtifacts } from "../lib/render/sql-parameters";
import { ProgramRun, RecordedResource } from "../tools/offline/run";
import { named, ofType, run, STACKS } from "./harness";

const RDS = "aws:rds/instance:Instance";
const INSTANCE = "aws:ec2/instance:Instance";

/** Every URN a resource waits for, directly or through the resources it waits for. */
function dependencyClosure(program: ProgramRun, resource: RecordedResource): Set<string> {
    const byUrn = new Map(program.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const pending = [...resource.dependsOn];
    while (pending.length) {
        const urn = pending.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        pending.push(...(byUrn.get(urn)?.dependsOn ?? []));
    }
    return seen;
}

function nodeFiles(node: RecordedResource): Map<string, string> {
    const files = YAML.parse(String(node.inputs.userData)).write_files as WrittenFile[];
    return new Map(files.map((f) => [f.path, writtenContent(f)]));
}

/** Parses a rendered KEY='value' env file. */
function envFile(text: string): Record<string, string> {
    return Object.fromEntries(text.trim().split("\n").map((line) => {
        const [, key, value] = /^([A-Z_0-9]+)='(.*)'$/.exec(line)!;
        return [key, value];
    }));
}

for (const stack of STACKS) {
    const dc = stack === "us-east" ? "dc1" : "dc2";
    const trusted = stack === "us-east";

    describe(`database of ${stack}`, () => {
        it("is RDS for Oracle 19c SE2, encrypted gp3, Multi-AZ, private, with an RDS-managed master password", async () => {
            const [db] = ofType(await run(stack), RDS);
            const i = db.inputs as any;
            assert.deepEqual(
                [i.engine, i.engineVersion, i.licenseModel, i.storageType, i.storageEncrypted, i.multiAz, i.publiclyAccessible, i.manageMasterUserPassword],
                ["oracle-se2", "19", "license-included", "gp3", true, true, false, true],
            );
            assert.equal(i.password, undefined);
            assert.equal(i.identifier, `wso2-apim-${dc}`);
            assert.deepEqual(i.vpcSecurityGroupIds, [`(known after apply: ${dc}-sg-db.id)`]);
        });

        it("keeps backups (the trusted source longest), deletion protection, a final snapshot and Pulumi protect", async () => {
            const [db] = ofType(await run(stack), RDS);
            const i = db.inputs as any;
            assert.equal(i.backupRetentionPeriod, trusted ? 35 : 7);
            assert.deepEqual([i.deletionProtection, i.skipFinalSnapshot, i.finalSnapshotIdentifier], [true, false, `wso2-apim-${dc}-final`]);
            assert.equal(db.protect, true);
        });

        it("enables GoldenGate replication in its parameter group and sits in the private subnets", async () => {
            const program = await run(stack);
            const params = named(program, `${dc}-db-params`).inputs as any;
            assert.equal(params.family, "oracle-se2-19");
            // One integrated Extract per path out of the database (one each way with two DCs): 1.25 GiB of Streams pool;
            // cursors for a Replicat that maps every table with its exceptions table (ORA-01000 abends it).
            assert.deepEqual(params.parameters.map((p: any) => [p.name, p.value]),
                [["enable_goldengate_replication", "TRUE"], ["open_cursors", "1000"], ["streams_pool_size", "1342177280"]]);
            const subnets = named(program, `${dc}-db-subnets`).inputs as any;
            assert.deepEqual(subnets.subnetIds, [`(known after apply: ${dc}-net-private-1.id)`, `(known after apply: ${dc}-net-private-2.id)`]);
        });

        it("has a stable private name, so node 1 never waits for the database; later nodes only through the previous node's health gate", async () => {
            const program = await run(stack);
            const record = named(program, `${dc}-db-name`).inputs as any;
            assert.deepEqual([record.name, record.type, record.records], [`oracle.${dc}.wso2-apim.internal`, "CNAME", [`(known after apply: ${dc}-db-oracle.address)`]]);
            assert.equal(record.zoneId, `(known after apply: ${dc}-net-private.zoneId)`);
            const [db] = ofType(program, RDS);
            const nodes = ofType(program, INSTANCE);
            for (const node of nodes) {
                assert.equal(envFile(nodeFiles(node).get("/etc/wso2-apim/database.env")!).DB_HOST, `oracle.${dc}.wso2-apim.internal`);
            }
            // Node 1 installs WSO2 while RDS is created and waits for it at boot.
            assert.ok(!dependencyClosure(program, nodes[0]).has(db.urn), `${nodes[0].name} waits for the database`);
            // Node 2 waits for node 1 to be healthy (rolling), which no node can be before the database exists.
            const gate = named(program, `${dc}-apim-1-gate-stack`);
            assert.ok(nodes[1].dependsOn.includes(gate.urn));
            const withoutGate = { ...program, resources: program.resources.map((r) => (r.urn === nodes[1].urn ? { ...r, dependsOn: r.dependsOn.filter((u) => u !== gate.urn) } : r)) };
            const node2WithoutGate = withoutGate.resources.find((r) => r.urn === nodes[1].urn)!;
            assert.ok(!dependencyClosure(withoutGate, node2WithoutGate).has(db.urn), `${nodes[1].name} waits for the database other than through the gate`);
        });

        it("carries the replication-ready flag: set on the trusted source, clear elsewhere", async () => {
            const flag = named(await run(stack), `${dc}-db-replication-ready`).inputs as any;
            assert.deepEqual([flag.name, flag.type, flag.insecureValue], [`/wso2-apim/${dc}/replication-ready`, "String", trusted ? "true" : "false"]);
        });

        it("uploads this DC's SQL and the database hook to the boot bucket", async () => {
            const program = await run(stack);
            const objects = new Map(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").map((o) => [o.inputs.key, o.inputs.content]));
            assert.equal(objects.get("boot.d/50-database.sh"), DATABASE_BOOT_SCRIPT);
            const expected = sqlArtifacts({
                dcId: dc.toUpperCase(), dcIndex: trusted ? 1 : 2, dcCount: 2,
                amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED", goldengateUser: "OGGADMIN", archiveLogRetentionHours: 24, sequenceFloor: 0,
            });
            for (const { name, content } of expected) assert.equal(objects.get(`sql/${name}`), content, name);
            assert.match(String(objects.get("sql/parameters.sql")), new RegExp(`DEFINE dc_id *= *'?${dc.toUpperCase()}'?`, "i"));
            const bucket = ofType(program, "aws:s3/bucket:Bucket").find((b) => b.name === `${dc}-artifacts-s3-bucket`)!;
            assert.equal(bucket.inputs.bucket, `wso2-apim-${dc}-123456789012-${trusted ? "us-east-1" : "us-west-2"}`);
        });

        it("lets only the first node change schemas; every node waits for the flag unless it is the trusted source", async () => {
            const nodes = ofType(await run(stack), INSTANCE);
            assert.deepEqual(nodes.map((n) => envFile(nodeFiles(n).get("/etc/wso2-apim/database.env")!).SCHEMA_APPLIER), ["true", "false"]);
            for (const node of nodes) {
                const env = envFile(nodeFiles(node).get("/etc/wso2-apim/database.env")!);
                assert.equal(env.TRUSTED_SOURCE, String(trusted));
                assert.equal(env.MASTER_SECRET_ID, `rds-db:wso2-apim-${dc}`);
                assert.equal(env.REPLICATION_READY_PARAMETER, `/wso2-apim/${dc}/replication-ready`);
                assert.match(envFile(nodeFiles(node).get("/etc/wso2-apim/bootstrap.env")!).BOOT_HOOK_URIS, new RegExp(`^s3://wso2-apim-${dc}-123456789012-[a-z0-9-]+/boot\\.d/40-node-tools\\.sh s3://wso2-apim-${dc}-123456789012-[a-z0-9-]+/boot\\.d/50-database\\.sh s3://wso2-apim-${dc}-123456789012-[a-z0-9-]+/boot\\.d/55-keystore\\.sh s3://wso2-apim-${dc}-123456789012-[a-z0-9-]+/boot\\.d/60-artifact-sync\\.sh s3://wso2-apim-${dc}-123456789012-[a-z0-9-]+/boot\\.d/70-api-reconciler\\.sh$`));
            }
        });

        it("gives every node a deployment.toml with both Oracle datasources, decisions from the region's Traffic Managers and events to every DC's", async () => {
            for (const node of ofType(await run(stack), INSTANCE)) {
                const toml = TOML.parse(nodeFiles(node).get("/etc/wso2-apim/deployment.toml")!) as any;
                for (const [source, user, alias] of [["apim_db", "WSO2AM", "apim_db_password"], ["shared_db", "WSO2SHARED", "shared_db_password"]]) {
                    const ds = toml.database[source];
                    assert.equal(ds.type, "oracle");
                    assert.equal(ds.url, `jdbc:oracle:thin:@oracle.${dc}.wso2-apim.internal:1521/APIMDB`);
                    assert.equal(ds.username, user);
                    assert.equal(ds.password, `$secret{${alias}}`);
                    assert.equal(ds.driver, "oracle.jdbc.OracleDriver");
                    assert.equal(ds.validationQuery, "SELECT 1 FROM DUAL");
                }
                const nodesOf = (ofDc: string) => [1, 2].map((n) => `apim-${n}.${ofDc}.wso2-apim.internal`);
                const peer = dc === "dc1" ? "dc2" : "dc1";
                assert.deepEqual(toml.apim.throttling.throttle_decision_endpoints, nodesOf(dc).map((h) => `tcp://${h}:5672`));
                assert.deepEqual(toml.apim.throttling.url_group.map((g: any) => [g.traffic_manager_urls, g.traffic_manager_auth_urls]),
                    [...nodesOf(dc), ...nodesOf(peer)].map((h) => [[`tcp://${h}:9611`], [`ssl://${h}:9711`]]));
                assert.equal(toml.apim.key_manager.service_url, "https://localhost:9443/services/");
            }
        });

        it("gives every node a private name its region's gateways reach it by", async () => {
            const program = await run(stack);
            for (const [i, node] of ofType(program, INSTANCE).entries()) {
                const record = named(program, `${node.name}-name`).inputs as any;
                assert.deepEqual([record.name, record.type, record.records], [`apim-${i + 1}.${dc}.wso2-apim.internal`, "A", [`(known after apply: ${node.name}.privateIp)`]]);
            }
        });
    });
}

describe("deployment.toml environment", () => {
    it("refers only to variables the boot script or the database and keystore hooks write, and to the vault's sealed ones", async () => {
        for (const node of ofType(await run("us-east"), INSTANCE)) {
            const toml = nodeFiles(node).get("/etc/wso2-apim/deployment.toml")!;
            const referenced = [...toml.matchAll(/\$env\{([A-Z0-9_]+)\}/g)].map((m) => m[1]);
            assert.deepEqual([...new Set(referenced)].sort(), [...DEPLOYMENT_TOML_ENV].sort());
            const sealed = [...toml.matchAll(/\$secret\{([a-z_]+)\}/g)].map((m) => m[1]);
            assert.deepEqual([...new Set(sealed)].sort(), VAULT_SECRETS.map((s) => s.alias).sort());
        }
        for (const variable of [...DEPLOYMENT_TOML_ENV, ...VAULT_SECRETS.map((s) => s.variable)]) {
            const written = [BOOTSTRAP_SCRIPT, DATABASE_BOOT_SCRIPT, KEYSTORE_SCRIPT].some((script) => script.includes(`${variable}=`));
            assert.ok(written, `${variable} is never written to the runtime environment`);
        }
    });
});

describe("database variants", () => {
    it("oracle-ee brings its own licence", async () => {
        const [db] = ofType(await run("us-west", { databaseEngine: "oracle-ee" }), RDS);
        assert.deepEqual([db.inputs.engine, db.inputs.licenseModel], ["oracle-ee", "bring-your-own-license"]);
    });

    it("the ec2 kind runs Oracle from the user's AMI with an encrypted data volume behind the same name", async () => {
        const program = await run("us-west", { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" });
        assert.equal(ofType(program, RDS).length, 0);
        const host = named(program, "dc2-db-oracle");
        const i = host.inputs as any;
        assert.deepEqual([host.type, i.ami, i.associatePublicIpAddress, i.metadataOptions.httpTokens], [INSTANCE, "ami-0123456789abcdef0", false, "required"]);
        assert.equal(host.protect, true);
        const volume = named(program, "dc2-db-data");
        assert.deepEqual([volume.inputs.encrypted, volume.inputs.type, volume.protect], [true, "gp3", true]);
        const record = named(program, "dc2-db-name").inputs as any;
        assert.deepEqual([record.name, record.type, record.records], ["oracle.dc2.wso2-apim.internal", "A", ["(known after apply: dc2-db-oracle.privateIp)"]]);
        const apim = ofType(program, INSTANCE).filter((n) => n.name.startsWith("dc2-apim-"));
        const env = envFile(nodeFiles(apim[0]).get("/etc/wso2-apim/database.env")!);
        assert.equal(env.MASTER_SECRET_ID, "(known after apply: dc2-secrets-db-master.arn)");
        assert.equal(env.DB_PLATFORM, "ec2");
    });
});

describe("database config validation", () => {
    const rejects = (overrides: Record<string, unknown>, key: string, pattern: RegExp) =>
        assert.rejects(run("us-east", overrides), (err: Error) => {
            assert.match(err.message, new RegExp(`wso2-apim-multi-dc:${key}: .*${pattern.source}`));
            return true;
        });

    it("requires the trusted source to keep the longest backups", () =>
        rejects({ backupRetentionDays: 35, trustedSourceBackupRetentionDays: 35 }, "trustedSourceBackupRetentionDays", /must be longer than backupRetentionDays \(35\)/));
    it("requires an AMI for the ec2 kind", () => rejects({ databaseKind: "ec2" }, "databaseAmiId", /is required/));
    it("rejects an unknown database kind and engine", async () => {
        await rejects({ databaseKind: "aurora" }, "databaseKind", /must be one of rds, ec2/);
        await rejects({ databaseEngine: "oracle-xe" }, "databaseEngine", /must be one of oracle-se2, oracle-ee/);
    });
    it("rejects an RDS instance class that is not one", () => rejects({ databaseInstanceClass: "m5.large" }, "databaseInstanceClass", /RDS instance class/));
    it("rejects a service name RDS would refuse", () => rejects({ databaseServiceName: "WSO2_APIM_DB" }, "databaseServiceName", /1 to 8 letters and digits/));
});
