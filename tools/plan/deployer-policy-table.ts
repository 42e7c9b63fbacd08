/**
 * What each resource type and data source of the plan needs in IAM (docs/deployer-iam.md).
 *
 * `read` is what the provider's Read makes (refresh, and after every create or update); `write`
 * is create, update, tag and delete. Actions come from the Terraform AWS provider's resource code
 * (which @pulumi/aws 7.x bridges, terraform-provider-aws v6) and are named as the Service
 * Authorization Reference names them. `on` names where they may act (ArnKind, tools/plan/deployer-policy.ts
 * builds the ARNs from the plan); "*" only where the reference lists no resource type for the action.
 */

/** Where a grant may act; deployer-policy.ts turns each kind into ARNs from the plan's names. */
export type ArnKind =
    | "*"
    | "ec2" // arn:aws:ec2:<region>:<account>:* (ids are unknown before creation)
    | "ec2-public-image" // arn:aws:ec2:<region>::image/* and ::snapshot/* (AWS's AMIs are no account's)
    | "elb-load-balancer" | "elb-listener" | "elb-target-group"
    | "acm-certificate"
    | "route53-zone" | "route53-change" | "route53-health-check"
    | "rds-db" | "rds-backup-source" | "rds-parameter-group" | "rds-subnet-group" | "rds-default-option-group" | "rds-final-snapshot" | "rds-auto-backup"
    | "rds-managed-secret"
    | "secret" | "ssm-parameter" | "ssm-public-parameter" | "cloudformation-stack"
    | "iam-role" | "iam-instance-profile" | "iam-service-linked-role"
    | "s3-bucket" | "s3-object"
    | "log-group" | "alarm" | "dashboard" | "sns-topic" | "kms-key"
    | "efs-file-system" | "efs-access-point";

export interface Grant {
    read?: string[];
    write?: string[];
    on: ArnKind[];
    /** iam:PassedToService / iam:AWSServiceName the grant is limited to (PassRole, service-linked roles). */
    forService?: string;
}

/** Types that declare nothing in AWS: the engine's own, providers, and random values made locally. */
export const NOT_IN_AWS = new Set([
    "pulumi:pulumi:Stack",
    "pulumi:pulumi:StackReference", // read from the Pulumi backend, not from AWS
    "pulumi:providers:aws",
    "random:index/randomPassword:RandomPassword",
    "random:index/randomId:RandomId",
]);

/** The program's own component resources (a `<package>:<module>:<Type>` of this project) group others and call nothing. */
export const COMPONENT_PACKAGE = "wso2-apim";

const TAG_EC2 = ["ec2:CreateTags", "ec2:DeleteTags"];

export const RESOURCE_GRANTS: Record<string, Grant[]> = {
    // ---- EC2 / VPC: Describe* have no resource types; mutations are scoped to the stack's regions and account.
    "aws:ec2/vpc:Vpc": [
        { read: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkAcls"], on: ["*"] },
        { write: ["ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/subnet:Subnet": [
        { read: ["ec2:DescribeSubnets", "ec2:DescribeNetworkInterfaces"], on: ["*"] },
        { write: ["ec2:CreateSubnet", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/internetGateway:InternetGateway": [
        { read: ["ec2:DescribeInternetGateways"], on: ["*"] },
        { write: ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/eip:Eip": [
        { read: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"], on: ["*"] },
        { write: ["ec2:AllocateAddress", "ec2:DisassociateAddress", "ec2:ReleaseAddress", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/natGateway:NatGateway": [
        { read: ["ec2:DescribeNatGateways"], on: ["*"] },
        { write: ["ec2:CreateNatGateway", "ec2:DeleteNatGateway", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/routeTable:RouteTable": [
        { read: ["ec2:DescribeRouteTables"], on: ["*"] },
        { write: ["ec2:CreateRouteTable", "ec2:DeleteRouteTable", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/route:Route": [
        { read: ["ec2:DescribeRouteTables"], on: ["*"] },
        { write: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"], on: ["ec2"] },
    ],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": [
        { read: ["ec2:DescribeRouteTables"], on: ["*"] },
        { write: ["ec2:AssociateRouteTable", "ec2:ReplaceRouteTableAssociation", "ec2:DisassociateRouteTable"], on: ["ec2"] },
    ],
    "aws:ec2/securityGroup:SecurityGroup": [
        { read: ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"], on: ["*"] },
        // The provider revokes the default allow-all egress rule after creating a group.
        { write: ["ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
        { read: ["ec2:DescribeSecurityGroupRules"], on: ["*"] },
        { write: ["ec2:AuthorizeSecurityGroupIngress", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupIngress", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
        { read: ["ec2:DescribeSecurityGroupRules"], on: ["*"] },
        { write: ["ec2:AuthorizeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupEgress", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/vpcEndpoint:VpcEndpoint": [
        { read: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"], on: ["*"] },
        { write: ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": [
        { read: ["ec2:DescribeVpcPeeringConnections"], on: ["*"] },
        { write: ["ec2:CreateVpcPeeringConnection", "ec2:ModifyVpcPeeringConnectionOptions", "ec2:DeleteVpcPeeringConnection", ...TAG_EC2], on: ["ec2"] },
    ],
    // Deleting an accepter only forgets it (the requester's side deletes the connection).
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": [
        { read: ["ec2:DescribeVpcPeeringConnections"], on: ["*"] },
        { write: ["ec2:AcceptVpcPeeringConnection", "ec2:ModifyVpcPeeringConnectionOptions", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/flowLog:FlowLog": [
        { read: ["ec2:DescribeFlowLogs"], on: ["*"] },
        { write: ["ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", ...TAG_EC2], on: ["ec2"] },
        { write: ["iam:PassRole"], on: ["iam-role"], forService: "vpc-flow-logs.amazonaws.com" },
    ],
    "aws:ec2/instance:Instance": [
        {
            read: ["ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeInstanceTypes", "ec2:DescribeInstanceCreditSpecifications",
                "ec2:DescribeVolumes", "ec2:DescribeImages", "ec2:DescribeTags", "ec2:DescribeIamInstanceProfileAssociations"],
            on: ["*"],
        },
        {
            write: ["ec2:RunInstances", "ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions", "ec2:StopInstances", "ec2:StartInstances",
                "ec2:MonitorInstances", "ec2:UnmonitorInstances", "ec2:ModifyVolume", "ec2:AssociateIamInstanceProfile",
                "ec2:ReplaceIamInstanceProfileAssociation", "ec2:TerminateInstances", ...TAG_EC2],
            on: ["ec2", "ec2-public-image"],
        },
        { write: ["iam:PassRole"], on: ["iam-role"], forService: "ec2.amazonaws.com" },
    ],
    "aws:ebs/volume:Volume": [
        { read: ["ec2:DescribeVolumes", "ec2:DescribeVolumesModifications"], on: ["*"] },
        { write: ["ec2:CreateVolume", "ec2:ModifyVolume", "ec2:DeleteVolume", ...TAG_EC2], on: ["ec2"] },
    ],
    "aws:ec2/volumeAttachment:VolumeAttachment": [
        { read: ["ec2:DescribeVolumes", "ec2:DescribeInstances"], on: ["*"] },
        { write: ["ec2:AttachVolume", "ec2:DetachVolume"], on: ["ec2"] },
    ],

    // ---- Elastic Load Balancing v2: Describe* have no resource types.
    "aws:lb/loadBalancer:LoadBalancer": [
        { read: ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeCapacityReservation"], on: ["*"] },
        {
            write: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            on: ["elb-load-balancer"],
        },
        { write: ["iam:CreateServiceLinkedRole"], on: ["iam-service-linked-role"], forService: "elasticloadbalancing.amazonaws.com" },
        // CreateLoadBalancer also needs ec2:DescribeAccountAttributes (ELB User Guide, "Elastic Load Balancing API permissions"); no resource type.
        { read: ["ec2:DescribeAccountAttributes"], on: ["*"] },
    ],
    "aws:lb/listener:Listener": [
        { read: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeTags"], on: ["*"] },
        {
            write: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:DeleteListener", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            on: ["elb-load-balancer", "elb-listener", "elb-target-group"],
        },
    ],
    "aws:lb/listenerRule:ListenerRule": [
        { read: ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"], on: ["*"] },
        {
            write: ["elasticloadbalancing:CreateRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
                "elasticloadbalancing:DeleteRule", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            on: ["elb-listener", "elb-target-group"],
        },
    ],
    "aws:lb/targetGroup:TargetGroup": [
        { read: ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"], on: ["*"] },
        {
            write: ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            on: ["elb-target-group"],
        },
    ],
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": [
        { read: ["elasticloadbalancing:DescribeTargetHealth"], on: ["*"] },
        { write: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], on: ["elb-target-group"] },
    ],

    // ---- ACM: RequestCertificate has no resource type (the ARN does not exist yet).
    "aws:acm/certificate:Certificate": [
        { read: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], on: ["acm-certificate"] },
        { write: ["acm:RequestCertificate"], on: ["*"] },
        { write: ["acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:DeleteCertificate"], on: ["acm-certificate"] },
    ],
    "aws:acm/certificateValidation:CertificateValidation": [
        { read: ["acm:DescribeCertificate"], on: ["acm-certificate"] },
    ],

    // ---- Route 53 (global: no region in its ARNs). CreateHostedZone and CreateHealthCheck have no resource type.
    "aws:route53/zone:Zone": [
        { read: ["route53:GetHostedZone", "route53:ListTagsForResource"], on: ["route53-zone"] },
        { read: ["route53:GetChange"], on: ["route53-change"] },
        { read: ["ec2:DescribeVpcs"], on: ["*"] },
        { write: ["route53:CreateHostedZone"], on: ["*"] },
        {
            write: ["route53:UpdateHostedZoneComment", "route53:ChangeTagsForResource", "route53:AssociateVPCWithHostedZone",
                "route53:DisassociateVPCFromHostedZone", "route53:ListResourceRecordSets", "route53:DeleteHostedZone"],
            on: ["route53-zone"],
        },
    ],
    "aws:route53/zoneAssociation:ZoneAssociation": [
        { read: ["route53:ListHostedZonesByVPC", "ec2:DescribeVpcs"], on: ["*"] },
        { read: ["route53:GetHostedZone"], on: ["route53-zone"] },
        { read: ["route53:GetChange"], on: ["route53-change"] },
        { write: ["route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone"], on: ["route53-zone"] },
    ],
    "aws:route53/record:Record": [
        { read: ["route53:GetHostedZone", "route53:ListResourceRecordSets"], on: ["route53-zone"] },
        { read: ["route53:GetChange"], on: ["route53-change"] },
        { write: ["route53:ChangeResourceRecordSets"], on: ["route53-zone"] },
    ],
    "aws:route53/healthCheck:HealthCheck": [
        { read: ["route53:GetHealthCheck", "route53:ListTagsForResource"], on: ["route53-health-check"] },
        { write: ["route53:CreateHealthCheck"], on: ["*"] },
        { write: ["route53:UpdateHealthCheck", "route53:ChangeTagsForResource", "route53:DeleteHealthCheck"], on: ["route53-health-check"] },
    ],

    // ---- RDS: every action takes the identifier's ARN; CreateDBInstance also its groups'.
    "aws:rds/instance:Instance": [
        { read: ["rds:DescribeDBInstances", "rds:ListTagsForResource"], on: ["rds-db"] },
        {
            write: ["rds:CreateDBInstance", "rds:ModifyDBInstance", "rds:RebootDBInstance", "rds:DeleteDBInstance", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"],
            on: ["rds-db", "rds-parameter-group", "rds-subnet-group", "rds-default-option-group"],
        },
        // DeleteDBInstance takes the final snapshot.
        { write: ["rds:CreateDBSnapshot"], on: ["rds-db", "rds-final-snapshot"] },
        { write: ["iam:PassRole"], on: ["iam-role"], forService: "monitoring.rds.amazonaws.com" },
        { write: ["iam:CreateServiceLinkedRole"], on: ["iam-service-linked-role"], forService: "rds.amazonaws.com" },
        // manageMasterUserPassword: RDS creates and deletes the rds!db-… secret as the caller (RDS User Guide, rds-secrets-manager-permissions).
        { write: ["secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:DeleteSecret"], on: ["rds-managed-secret"] },
        // ... and kms:DescribeKey on the key that encrypts that secret (the AWS managed aws/secretsmanager key: id unknown).
        { read: ["kms:DescribeKey"], on: ["kms-key"] },
    ],
    "aws:rds/parameterGroup:ParameterGroup": [
        { read: ["rds:DescribeDBParameterGroups", "rds:DescribeDBParameters", "rds:ListTagsForResource"], on: ["rds-parameter-group"] },
        { write: ["rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup", "rds:ResetDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"], on: ["rds-parameter-group"] },
    ],
    "aws:rds/subnetGroup:SubnetGroup": [
        { read: ["rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"], on: ["rds-subnet-group"] },
        { write: ["rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"], on: ["rds-subnet-group"] },
    ],
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": [
        { read: ["rds:DescribeDBInstanceAutomatedBackups", "rds:DescribeDBInstances"], on: ["rds-backup-source", "rds-auto-backup"] },
        { write: ["rds:StartDBInstanceAutomatedBackupsReplication", "rds:StopDBInstanceAutomatedBackupsReplication", "rds:DeleteDBInstanceAutomatedBackup"], on: ["rds-backup-source", "rds-auto-backup"] },
        // The copy is encrypted with this stack's key in the destination region.
        { write: ["kms:CreateGrant", "kms:DescribeKey"], on: ["kms-key"] },
    ],

    // ---- Secrets Manager: the provider reads a version's value (GetSecretValue) to refresh it: deployer only.
    "aws:secretsmanager/secret:Secret": [
        { read: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"], on: ["secret"] },
        {
            write: ["secretsmanager:CreateSecret", "secretsmanager:UpdateSecret", "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication",
                "secretsmanager:TagResource", "secretsmanager:UntagResource", "secretsmanager:DeleteSecret"],
            on: ["secret"],
        },
    ],
    "aws:secretsmanager/secretVersion:SecretVersion": [
        { write: ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret"], on: ["secret"] },
    ],

    // ---- Systems Manager parameters: DescribeParameters has no resource type.
    "aws:ssm/parameter:Parameter": [
        { read: ["ssm:GetParameter", "ssm:ListTagsForResource"], on: ["ssm-parameter"] },
        { read: ["ssm:DescribeParameters"], on: ["*"] },
        { write: ["ssm:PutParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:DeleteParameter"], on: ["ssm-parameter"] },
    ],

    // ---- CloudFormation: the health gates' stacks hold a wait condition only (no other service's resources).
    "aws:cloudformation/stack:Stack": [
        { read: ["cloudformation:DescribeStacks", "cloudformation:GetTemplate", "cloudformation:DescribeStackEvents"], on: ["cloudformation-stack"] },
        { write: ["cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack", "cloudformation:TagResource", "cloudformation:UntagResource"], on: ["cloudformation-stack"] },
    ],

    // ---- IAM (global). PassRole is granted where a role is handed to a service (instance, RDS, flow logs).
    "aws:iam/role:Role": [
        { read: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"], on: ["iam-role"] },
        {
            write: ["iam:CreateRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListInstanceProfilesForRole",
                "iam:DeleteRole"],
            on: ["iam-role"],
        },
    ],
    "aws:iam/rolePolicy:RolePolicy": [
        { read: ["iam:GetRolePolicy"], on: ["iam-role"] },
        { write: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"], on: ["iam-role"] },
    ],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [
        { read: ["iam:ListAttachedRolePolicies"], on: ["iam-role"] },
        { write: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], on: ["iam-role"] },
    ],
    "aws:iam/instanceProfile:InstanceProfile": [
        { read: ["iam:GetInstanceProfile"], on: ["iam-instance-profile"] },
        {
            write: ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile",
                "iam:UntagInstanceProfile", "iam:DeleteInstanceProfile"],
            on: ["iam-instance-profile"],
        },
        // AddRoleToInstanceProfile passes the role (the instance later receives it).
        { write: ["iam:PassRole"], on: ["iam-role"], forService: "ec2.amazonaws.com" },
    ],

    // ---- S3: bucket sub-resources are bucket actions; a removed sub-resource is a Put of the default.
    "aws:s3/bucket:Bucket": [
        {
            read: ["s3:ListBucket", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration",
                "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
                "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketPolicy", "s3:GetBucketTagging", "s3:GetBucketLocation"],
            on: ["s3-bucket"],
        },
        // forceDestroy empties the bucket (every object version) before DeleteBucket.
        { write: ["s3:CreateBucket", "s3:PutBucketTagging", "s3:ListBucketVersions", "s3:DeleteBucket"], on: ["s3-bucket"] },
        { write: ["s3:DeleteObject", "s3:DeleteObjectVersion"], on: ["s3-object"] },
    ],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [
        { read: ["s3:GetBucketOwnershipControls"], on: ["s3-bucket"] },
        { write: ["s3:PutBucketOwnershipControls"], on: ["s3-bucket"] },
    ],
    "aws:s3/bucketPolicy:BucketPolicy": [
        { read: ["s3:GetBucketPolicy"], on: ["s3-bucket"] },
        { write: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], on: ["s3-bucket"] },
    ],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [
        { read: ["s3:GetBucketPublicAccessBlock"], on: ["s3-bucket"] },
        { write: ["s3:PutBucketPublicAccessBlock"], on: ["s3-bucket"] },
    ],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        { read: ["s3:GetEncryptionConfiguration"], on: ["s3-bucket"] },
        { write: ["s3:PutEncryptionConfiguration"], on: ["s3-bucket"] },
    ],
    "aws:s3/bucketVersioning:BucketVersioning": [
        { read: ["s3:GetBucketVersioning"], on: ["s3-bucket"] },
        { write: ["s3:PutBucketVersioning"], on: ["s3-bucket"] },
    ],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
        { read: ["s3:GetLifecycleConfiguration"], on: ["s3-bucket"] },
        { write: ["s3:PutLifecycleConfiguration"], on: ["s3-bucket"] },
    ],
    // The provider's Read is a HeadObject, which S3 authorizes as s3:GetObject: scoped to the plan's keys.
    "aws:s3/bucketObjectv2:BucketObjectv2": [
        { read: ["s3:GetObject", "s3:GetObjectTagging"], on: ["s3-object"] },
        { read: ["s3:ListBucket"], on: ["s3-bucket"] },
        { write: ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"], on: ["s3-object"] },
    ],

    // ---- CloudWatch, CloudWatch Logs, SNS, KMS.
    "aws:cloudwatch/logGroup:LogGroup": [
        { read: ["logs:DescribeLogGroups"], on: ["*"] },
        { read: ["logs:ListTagsForResource"], on: ["log-group"] },
        { write: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:DeleteLogGroup"], on: ["log-group"] },
    ],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": [
        { read: ["logs:DescribeMetricFilters"], on: ["log-group"] },
        { write: ["logs:PutMetricFilter", "logs:DeleteMetricFilter"], on: ["log-group"] },
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": [
        { read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], on: ["alarm"] },
        { write: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:DeleteAlarms"], on: ["alarm"] },
        // An alarm with an EC2 recover action needs CloudWatch's service-linked role on first use.
        { write: ["iam:CreateServiceLinkedRole"], on: ["iam-service-linked-role"], forService: "events.amazonaws.com" },
    ],
    "aws:cloudwatch/dashboard:Dashboard": [
        { read: ["cloudwatch:GetDashboard"], on: ["dashboard"] },
        { write: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"], on: ["dashboard"] },
    ],
    "aws:sns/topic:Topic": [
        { read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"], on: ["sns-topic"] },
        { write: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource", "sns:DeleteTopic"], on: ["sns-topic"] },
    ],
    // CreateKey has no resource type (the key does not exist yet).
    "aws:kms/key:Key": [
        { read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"], on: ["kms-key"] },
        { write: ["kms:CreateKey"], on: ["*"] },
        {
            write: ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription", "kms:TagResource", "kms:UntagResource",
                "kms:ScheduleKeyDeletion"],
            on: ["kms-key"],
        },
    ],

    // ---- EFS: CreateMountTarget also needs EC2's network-interface calls (EFS API Reference, CreateMountTarget).
    "aws:efs/fileSystem:FileSystem": [
        { read: ["elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeLifecycleConfiguration"], on: ["efs-file-system"] },
        {
            write: ["elasticfilesystem:CreateFileSystem", "elasticfilesystem:UpdateFileSystem", "elasticfilesystem:PutLifecycleConfiguration",
                "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource", "elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DeleteFileSystem"],
            on: ["efs-file-system"],
        },
        { write: ["iam:CreateServiceLinkedRole"], on: ["iam-service-linked-role"], forService: "elasticfilesystem.amazonaws.com" },
    ],
    "aws:efs/mountTarget:MountTarget": [
        { read: ["elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargetSecurityGroups"], on: ["efs-file-system"] },
        { read: ["ec2:DescribeSubnets", "ec2:DescribeNetworkInterfaces"], on: ["*"] },
        { write: ["elasticfilesystem:CreateMountTarget", "elasticfilesystem:ModifyMountTargetSecurityGroups", "elasticfilesystem:DeleteMountTarget"], on: ["efs-file-system"] },
        // A mount target is a network interface EFS manages as the caller (EFS API Reference: CreateMountTarget,
        // DeleteMountTarget, ModifyMountTargetSecurityGroups list these EC2 permissions).
        { write: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"], on: ["ec2"] },
    ],
    "aws:efs/accessPoint:AccessPoint": [
        { read: ["elasticfilesystem:DescribeAccessPoints"], on: ["efs-file-system", "efs-access-point"] },
        { write: ["elasticfilesystem:CreateAccessPoint", "elasticfilesystem:TagResource", "elasticfilesystem:UntagResource", "elasticfilesystem:DeleteAccessPoint"], on: ["efs-file-system", "efs-access-point"] },
    ],
    "aws:efs/backupPolicy:BackupPolicy": [
        { read: ["elasticfilesystem:DescribeBackupPolicy"], on: ["efs-file-system"] },
        { write: ["elasticfilesystem:PutBackupPolicy"], on: ["efs-file-system"] },
    ],
    "aws:efs/fileSystemPolicy:FileSystemPolicy": [
        { read: ["elasticfilesystem:DescribeFileSystemPolicy"], on: ["efs-file-system"] },
        { write: ["elasticfilesystem:PutFileSystemPolicy", "elasticfilesystem:DeleteFileSystemPolicy"], on: ["efs-file-system"] },
    ],
};

/** Data sources (provider functions) the program calls, in preview and in up alike. */
export const INVOKE_GRANTS: Record<string, Grant[]> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": [{ read: ["ec2:DescribeAvailabilityZones"], on: ["*"] }],
    "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": [{ read: ["ec2:DescribeInstanceTypeOfferings"], on: ["*"] }],
    "aws:ssm/getParameter:getParameter": [{ read: ["ssm:GetParameter"], on: ["ssm-public-parameter"] }],
    "aws:route53/getZone:getZone": [
        { read: ["route53:ListHostedZones"], on: ["*"] },
        { read: ["route53:GetHostedZone", "route53:ListTagsForResource"], on: ["route53-zone"] },
    ],
    // STS GetCallerIdentity needs no permission; getPartition makes no call.
    "aws:index/getCallerIdentity:getCallerIdentity": [],
    "aws:index/getPartition:getPartition": [],
};
