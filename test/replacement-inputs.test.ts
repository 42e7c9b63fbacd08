/**
 * tools/plan/replacement-inputs.json and the script that derives it from terraform-provider-aws's Go
 * sources (tools/plan/derive-replacement-inputs.ts).
 *
 * The spot checks below were read by hand in the source at the recorded commit
 * (hashicorp/terraform-provider-aws 1a5174b137bbdefdebd6e5c2fc033f829057e283):
 * internal/service/ec2/ec2_instance.go, internal/service/efs/file_system.go,
 * internal/service/rds/instance.go, internal/service/route53/record.go, internal/service/kms/key.go.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "fs";
import * as path from "path";
import { REPLACEMENT_INPUTS, forcingKeys } from "../tools/plan/attention";
import { deriveType, parseConsts, topLevelFields } from "../tools/plan/derive-replacement-inputs";
import { PROJECT_DIR } from "./harness";

const entry = (type: string) => REPLACEMENT_INPUTS[type];

describe("replacement-forcing inputs (terraform-provider-aws schemas)", () => {
    it("has what the source says for the hand-checked resources", () => {
        const instance = entry("aws:ec2/instance:Instance").forceNew!;
        for (const input of ["ami", "availabilityZone", "subnetId", "keyName", "rootBlockDevice.encrypted", "ebsBlockDevices.deviceName"]) assert.ok(instance.includes(input), `aws_instance ${input}`);
        assert.ok(!instance.includes("instanceType") && !instance.includes("userData"), "instance_type and user_data are updatable (conditional only)");
        assert.deepEqual(entry("aws:ec2/instance:Instance").forceNewIf, { userData: "userDataReplaceOnChange", userDataBase64: "userDataReplaceOnChange" });
        assert.ok(entry("aws:ec2/instance:Instance").forceNewConditional!.includes("instanceType"), "ForceNewIf(instance_type) when the old and new types share no CPU architecture");
        assert.deepEqual(forcingKeys("aws:ec2/instance:Instance", ["instanceType"]), [], "a condition that needs the cloud is recorded, not flagged");
        assert.deepEqual(entry("aws:efs/fileSystem:FileSystem").forceNew, ["availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode"]);
        const db = entry("aws:rds/instance:Instance").forceNew!;
        for (const input of ["dbName", "engine", "storageEncrypted", "kmsKeyId", "username", "characterSetName", "availabilityZone"]) assert.ok(db.includes(input), `aws_db_instance ${input}`);
        // At this commit `identifier` has no ForceNew: the provider renames the instance in place (ModifyDBInstance NewDBInstanceIdentifier).
        assert.ok(!db.includes("identifier"), "aws_db_instance identifier is updatable at the recorded commit");
        assert.deepEqual(entry("aws:route53/record:Record").forceNew, ["name", "zoneId"]);
        assert.deepEqual(entry("aws:kms/key:Key").forceNew, ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"]);
    });

    it("names every input as the installed @pulumi/aws SDK does (pluralised blocks, renamed fields)", () => {
        const sdk = path.join(PROJECT_DIR, "node_modules", "@pulumi", "aws");
        for (const [type, e] of Object.entries(REPLACEMENT_INPUTS)) {
            if (e.forceNew === null) continue;
            const [, mod, file] = /^aws:([^/]+)\/([^:]+):/.exec(type)!;
            const dts = readFileSync(path.join(sdk, mod, `${file}.d.ts`), "utf8");
            const args = dts.slice(dts.indexOf(`interface ${type.split(":")[2]}Args {`));
            for (const key of [...e.forceNew, ...(e.forceNewConditional ?? [])]) {
                assert.match(args, new RegExp(`\\n\\s+(?:readonly )?${key.split(".")[0]}\\??:`), `${type}: ${key} is an input of the SDK`);
            }
        }
        assert.ok(entry("aws:cloudwatch/metricAlarm:MetricAlarm").forceNew!.includes("name"), "alarm_name is `name` in Pulumi");
    });

    it("makes the comment flag a changed nested block by its Pulumi path, and a changed list block by its name", () => {
        assert.deepEqual(forcingKeys("aws:ec2/instance:Instance", ["rootBlockDevice.kmsKeyId", "rootBlockDevice.volumeSize", "tags"]), ["rootBlockDevice.kmsKeyId"]);
        assert.deepEqual(forcingKeys("aws:ec2/instance:Instance", ["ebsBlockDevices"]), ["ebsBlockDevices"]);
        assert.deepEqual(forcingKeys("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", ["securityGroupId", "description"]), ["securityGroupId"]);
        assert.deepEqual(forcingKeys("aws:rds/instance:Instance", ["identifier", "allocatedStorage"]), []);
    });

    it("parses ForceNew per attribute, nested blocks, names.Attr keys and ForceNewIf from Go source", () => {
        // A minimal Go excerpt written for this test (not provider code), shaped like helper/schema resources.
        const go = `
// @SDKResource("aws_instance", name="Example")
func resourceExample() *schema.Resource {
	return &schema.Resource{
		CustomizeDiff: customdiff.Sequence(
			customdiff.ForceNewIf("body", func(_ context.Context, d *schema.ResourceDiff, meta interface{}) bool {
				return d.Get("replace_on_change").(bool)
			}),
		),
		Schema: map[string]*schema.Schema{
			names.AttrName: {
				Type:     schema.TypeString,
				Required: true,
				ForceNew: true, // "quoted, {braces}" in a comment
			},
			"description": {
				Type:        schema.TypeString,
				Optional:    true,
				Description: "ForceNew: true is only text here, {not a field}",
			},
			"disk": {
				Type:     schema.TypeList,
				MaxItems: 1,
				Elem: &schema.Resource{
					Schema: map[string]*schema.Schema{
						"size": {Type: schema.TypeInt, Optional: true},
						"encrypted": {Type: schema.TypeBool, Optional: true, ForceNew: true},
					},
				},
			},
			"body": {Type: schema.TypeString, Optional: true},
			"replace_on_change": {Type: schema.TypeBool, Optional: true},
			"tags": tftags.TagsSchema(),
		},
	}
}`;
        const consts = parseConsts(`const (\n\tAttrName = "name"\n)`);
        const d = deriveType("aws:ec2/instance:Instance", go, "internal/service/ec2/example.go", consts, null);
        assert.deepEqual(d.forceNew, ["disk.encrypted", "name"]);
        assert.deepEqual(d.forceNewIf, { body: "replaceOnChange" });
        assert.deepEqual(d.helpers, ["tags: tftags.TagsSchema()"]);
        assert.deepEqual(topLevelFields(`a: "x, y", b: f(1, 2), c: {d: 1, e: 2}`).map((f) => f.key), ["a", "b", "c"]);
    });
});
