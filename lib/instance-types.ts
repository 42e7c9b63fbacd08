/**
 * EC2 instance type names: `<family>.<size>`, e.g. `m6i.xlarge`, `u7i-12tb.224xlarge`, `c7i-flex.large`.
 *
 * The family is a series letter or letters, a generation digit and optional attribute letters
 * (some with a `-flex`, `-<n>tb` or `-m2pro` qualifier). The sizes are a closed list: the EC2
 * documentation's "Amazon EC2 instance type naming conventions"
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html) and, as a
 * machine-readable copy of it, the InstanceSize enum of aws-cdk-lib (aws-ec2/lib/instance-types.ts).
 */

/** Every size EC2 names, smallest first; `metal-<n>xl` are bare-metal sizes of a given vCPU scale. */
export const EC2_SIZES = [
    "nano", "micro", "small", "medium", "large", "xlarge",
    "2xlarge", "3xlarge", "4xlarge", "6xlarge", "8xlarge", "9xlarge", "10xlarge", "12xlarge", "16xlarge", "18xlarge",
    "24xlarge", "32xlarge", "48xlarge", "56xlarge", "96xlarge", "112xlarge", "224xlarge", "480xlarge",
    "metal", "metal-16xl", "metal-24xl", "metal-32xl", "metal-48xl",
] as const;

/** A family: series letters, generation digits, attribute letters, an optional qualifier; or u-<n>tb<g> (High Memory). */
const FAMILY = /^([a-z]+[0-9]+[a-z]*(-[a-z0-9]+)?|u-[0-9]+tb[0-9]+)$/;

/**
 * Why `name` is not an instance type name, or null when it is one. `example` says what is asked
 * for: an RDS class (`db.m5.large`, the EC2 name behind `db.`) or an EC2 type (`m6i.xlarge`).
 */
export function instanceTypeProblem(name: string, example: string): string | null {
    const rds = example.startsWith("db.");
    const [family, size, ...rest] = (rds ? name.replace(/^db\./, "") : name).split(".");
    if ((rds && !name.startsWith("db.")) || rest.length > 0 || size === undefined || !FAMILY.test(family)) {
        return `must be ${rds ? "an RDS instance class" : "an EC2 instance type name"} such as ${example}, got "${name}"`;
    }
    if (!(EC2_SIZES as readonly string[]).includes(size)) {
        return `has no EC2 size "${size}" (sizes: ${EC2_SIZES.join(", ")}), got "${name}"`;
    }
    return null;
}

/**
 * The CPU architecture of a family: AWS Graviton families carry a `g` right after the generation
 * (m6g, c7gn, r8g, t4g, x2gd, im4gn, is4gen, hpc7g), plus the first Graviton family a1. Every other
 * family this program can run is x86_64. (GPU families such as g5 or g4dn start with the letter g
 * but have no g after the generation; g5g is Graviton.)
 */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
    const family = instanceType.split(".")[0];
    return family === "a1" || /^[a-z]+[0-9]+g/.test(family) ? "arm64" : "x86_64";
}

/**
 * AWS's public SSM parameter holding the current Amazon Linux 2023 AMI id of a region, for the
 * instance type's architecture (Amazon Linux 2023 User Guide, "Launching AL2023 using the SSM
 * parameter and AWS CLI": /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arch>,
 * arch x86_64 or arm64).
 */
export function al2023ImageParameter(instanceType: string): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architectureOf(instanceType)}`;
}
