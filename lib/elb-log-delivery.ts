/**
 * Who writes an ALB's access logs into its bucket, by region (Elastic Load Balancing User Guide for
 * Application Load Balancers, "Access logs", step "Attach a policy to your S3 bucket"): in the
 * regions opened before August 2022, Elastic Load Balancing's own account of that region; in the
 * later ones, which have no such account, the service principal
 * `logdelivery.elasticloadbalancing.amazonaws.com`. The accounts are AWS's table for the commercial
 * regions, as the AWS provider carries it (hashicorp/terraform-provider-aws
 * internal/service/elb/service_account_data_source.go, which answers "unsupported AWS Region" for
 * any other region, so the program does not ask it).
 */
export const ELB_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
};

export const LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The bucket policy principal that lets the region's load balancers write access logs. */
export function accessLogPrincipal(region: string): { AWS: string } | { Service: string } {
    const account = ELB_ACCOUNT_BY_REGION[region];
    return account ? { AWS: `arn:aws:iam::${account}:root` } : { Service: LOG_DELIVERY_SERVICE };
}
