import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseConfig } from "../lib/config";
import { assumeRolePolicy } from "../lib/iam";
import { InstanceRole } from "./instance-role";
import { databaseHostname, databaseIdentifier, replicationReadyParameter } from "../lib/database-names";
import { PORTS } from "../lib/wso2-ports";
import { streamsPoolBytes } from "../lib/goldengate/parameter-files";

export interface OracleDatabaseArgs {
    /** Begins the names AWS holds once per account and region (DeploymentConfig.deploymentName). */
    deploymentName: string;
    dcId: string;
    isTrustedSource: boolean;
    config: DatabaseConfig;
    subnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    /** The VPC's private zone: the database gets a stable name in it. */
    privateZoneId: pulumi.Input<string>;
    /** ec2 kind: the secret holding {"username","password"} of the DBA account on the host. */
    ec2MasterSecretArn?: pulumi.Input<string>;
    /** ec2 kind: the VPC's NAT routes and S3 endpoint, which the host's first boot must find in place. */
    privateEgress: pulumi.Resource[];
    /** GoldenGate integrated Extracts capturing from this database: sizes its Streams pool (RDS). */
    integratedExtracts: number;
}

/**
 * The region's Oracle database, ready to be a GoldenGate source and target: RDS for Oracle 19c
 * (encrypted gp3, Multi-AZ, not public, master password managed by RDS in Secrets Manager,
 * backups, deletion protection, final snapshot, `enable_goldengate_replication`), or an Oracle
 * host from the user's AMI with an encrypted data volume. Either way it is reached through a
 * stable private name, so the APIM nodes never wait for it in the deployment graph, and it
 * carries the replication-ready flag the nodes of a non-trusted DC wait on before WSO2's first start.
 */
/** Per-session cursor limit (Oracle Database Reference 19c, OPEN_CURSORS: dynamic, default 50). */
export const OPEN_CURSORS = 1000;

export class OracleDatabase extends pulumi.ComponentResource {
    readonly hostname: string;
    /** `rds-db:<identifier>` (the boot hook looks the RDS-managed secret up) or the ec2 secret ARN. */
    readonly masterSecretRef: pulumi.Output<string>;
    readonly replicationReadyParameter: string;
    readonly endpoint: pulumi.Output<string>;
    /** ec2 kind: the Oracle host (its status checks are alarmed); undefined for RDS. */
    readonly hostInstanceId: pulumi.Output<string> | undefined;

    constructor(name: string, args: OracleDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:database:OracleDatabase", name, {}, opts);
        const child = { parent: this };
        this.hostname = databaseHostname(args.deploymentName, args.dcId);
        this.replicationReadyParameter = replicationReadyParameter(args.deploymentName, args.dcId);

        if (args.config.kind === "rds") {
            const instance = this.rdsInstance(name, args);
            this.endpoint = instance.address;
            this.hostInstanceId = undefined;
            this.masterSecretRef = pulumi.output(`rds-db:${databaseIdentifier(args.deploymentName, args.dcId)}`);
            this.nameRecord(name, args.privateZoneId, "CNAME", instance.address);
        } else {
            const host = this.ec2Host(name, args);
            this.endpoint = host.privateIp;
            this.hostInstanceId = host.id;
            this.masterSecretRef = pulumi.output(args.ec2MasterSecretArn ?? "");
            this.nameRecord(name, args.privateZoneId, "A", host.privateIp);
        }

        new aws.ssm.Parameter(`${name}-replication-ready`, {
            name: this.replicationReadyParameter,
            type: "String",
            // The trusted source's nodes never wait; any other DC's wait until an operator says so.
            // insecureValue: a flag, not a secret, so plans and previews show it.
            insecureValue: args.isTrustedSource ? "true" : "false",
            description: "Set to true once GoldenGate replication into this DC's database is in place (README: bootstrap order)",
        }, { ...child, ignoreChanges: ["insecureValue"] });

        this.registerOutputs({ hostname: this.hostname, endpoint: this.endpoint });
    }

    private nameRecord(name: string, zoneId: pulumi.Input<string>, type: "A" | "CNAME", target: pulumi.Input<string>) {
        new aws.route53.Record(`${name}-name`, { zoneId, name: this.hostname, type, ttl: 60, records: [target] }, { parent: this });
    }

    private rdsInstance(name: string, args: OracleDatabaseArgs): aws.rds.Instance {
        const child = { parent: this };
        const { config } = args;
        const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds }, child);
        const parameterGroup = new aws.rds.ParameterGroup(`${name}-params`, {
            family: `${config.engine}-19`,
            description: "WSO2 APIM Oracle: GoldenGate capture and apply",
            parameters: [
                { name: "enable_goldengate_replication", value: "TRUE", applyMethod: "pending-reboot" },
                // A nonintegrated Replicat maps every table and its exceptions table: it keeps up to
                // MAXSQLSTATEMENTS (default 250, Reference 19c) cursors open, besides WSO2's pools on the
                // same instance. OPEN_CURSORS caps each session; past it ORA-01000 abends the Replicat
                // (REPERROR DEFAULT ABEND).
                { name: "open_cursors", value: String(OPEN_CURSORS), applyMethod: "immediate" },
                // The integrated Extracts' logmining servers live in the Streams pool (lib/goldengate/parameter-files.ts, streamsPoolBytes).
                ...(args.integratedExtracts > 0
                    ? [{ name: "streams_pool_size", value: String(streamsPoolBytes(args.integratedExtracts)), applyMethod: "pending-reboot" }]
                    : []),
            ],
        }, child);
        const monitoringRole = new aws.iam.Role(`${name}-monitoring`, {
            assumeRolePolicy: assumeRolePolicy("monitoring.rds.amazonaws.com"),
        }, child);
        const monitoringPolicy = new aws.iam.RolePolicyAttachment(`${name}-monitoring`, {
            role: monitoringRole.name,
            policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        }, child);
        return new aws.rds.Instance(`${name}-oracle`, {
            identifier: databaseIdentifier(args.deploymentName, args.dcId),
            engine: config.engine,
            engineVersion: "19",
            licenseModel: config.engine === "oracle-se2" ? "license-included" : "bring-your-own-license",
            instanceClass: config.instanceClass,
            dbName: config.serviceName,
            characterSetName: "AL32UTF8",
            port: PORTS.oracle,
            username: "wso2admin",
            manageMasterUserPassword: true,
            allocatedStorage: config.storageGiB,
            storageType: "gp3",
            storageEncrypted: true,
            multiAz: config.multiAz,
            dbSubnetGroupName: subnetGroup.name,
            vpcSecurityGroupIds: [args.securityGroupId],
            parameterGroupName: parameterGroup.name,
            publiclyAccessible: false,
            backupRetentionPeriod: config.backupRetentionDays,
            copyTagsToSnapshot: true,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: `${databaseIdentifier(args.deploymentName, args.dcId)}-final`,
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            enabledCloudwatchLogsExports: ["alert", "listener", "trace"],
            monitoringInterval: 60,
            monitoringRoleArn: monitoringRole.arn,
        // Before the policy is attached RDS refuses the role: "IAM role ARN value is invalid or does
        // not include the required permissions for: ENHANCED_MONITORING" (RDS User Guide, Enhanced Monitoring).
        }, { ...child, dependsOn: [monitoringPolicy], protect: true });
    }

    private ec2Host(name: string, args: OracleDatabaseArgs): aws.ec2.Instance {
        const child = { parent: this };
        const ec2 = args.config.ec2!;
        const identity = new InstanceRole(`${name}-iam`, {}, child);
        const host = new aws.ec2.Instance(`${name}-oracle`, {
            ami: ec2.amiId,
            instanceType: ec2.instanceType,
            subnetId: args.subnetIds[0],
            vpcSecurityGroupIds: [args.securityGroupId],
            iamInstanceProfile: identity.profileName,
            associatePublicIpAddress: false,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { volumeType: "gp3", volumeSize: 50, encrypted: true },
            tags: { Name: `${name}-oracle` },
        }, { ...child, dependsOn: [...args.privateEgress, ...identity.ready], protect: true });
        const data = new aws.ebs.Volume(`${name}-data`, {
            availabilityZone: host.availabilityZone,
            size: args.config.storageGiB,
            type: "gp3",
            encrypted: true,
            tags: { Name: `${name}-data` },
        }, { ...child, protect: true });
        new aws.ec2.VolumeAttachment(`${name}-data`, { instanceId: host.id, volumeId: data.id, deviceName: "/dev/sdf" }, child);
        return host;
    }
}
