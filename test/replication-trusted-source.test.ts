/**
 * The trusted source's backups: the longest retention (already) and, with
 * trustedSourceBackupCopy (on by default), a copy in the first other datacenter's region, encrypted there.
 */
import * as assert from "node:assert/strict";
import { ofType, run } from "./harness";

const REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
const KEY = "aws:kms/key:Key";

describe("trusted source backups copied to another region", () => {
    it("are copied by default, and not when trustedSourceBackupCopy is turned off", async () => {
        assert.equal(ofType(await run("us-west"), REPLICATION).length, 1);
        for (const stack of ["us-east", "us-west"]) assert.equal(ofType(await run(stack, { trustedSourceBackupCopy: false }), REPLICATION).length, 0);
    });

    it("are replicated into DC2's region with a key of that region, kept as long as the trusted source keeps them", async () => {
        const east = await run("us-east", { trustedSourceBackupCopy: true });
        // Keys other than the copy's (the alarm topic's, components/monitoring.ts) are not counted.
        const backupKeys = (program: typeof east) => ofType(program, KEY).filter((k) => k.name.includes("trusted-backups"));
        assert.deepEqual([ofType(east, REPLICATION).length, backupKeys(east).length], [0, 0]);

        const west = await run("us-west", { trustedSourceBackupCopy: true });
        const [replication] = ofType(west, REPLICATION);
        const [key] = backupKeys(west);
        const regionOf = (urn: string | null) => west.resources.find((r) => r.urn === urn)!.inputs.region;
        assert.deepEqual([regionOf(replication.provider), regionOf(key.provider)], ["us-west-2", "us-west-2"]);
        assert.deepEqual(replication.inputs, {
            sourceDbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:wso2-apim-dc1",
            kmsKeyId: "(known after apply: dc2-trusted-backups-key.arn)",
            retentionPeriod: 35,
        });
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.protect, true);
    });

    it("follow the trusted source: with DC2 trusted, DC1 keeps the copy", async () => {
        const east = await run("us-east", { trustedSourceBackupCopy: true, trustedSource: "DC2" });
        assert.equal(ofType(east, REPLICATION)[0].inputs.sourceDbInstanceArn, "arn:aws:rds:us-west-2:123456789012:db:wso2-apim-dc2");
        assert.equal(ofType(await run("us-west", { trustedSourceBackupCopy: true, trustedSource: "DC2" }), REPLICATION).length, 0);
    });

    it("are not copied from a self-managed (EC2) database, which has no RDS backups", async () => {
        const west = await run("us-west", { trustedSourceBackupCopy: true, databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" });
        assert.equal(ofType(west, REPLICATION).length, 0);
    });
});
