/** IAM policy documents, built as data. */

/** An IAM policy statement. */
export type PolicyStatement = Record<string, unknown>;

/** The trust policy letting one AWS service (e.g. `ec2.amazonaws.com`) assume a role. */
export function assumeRolePolicy(service: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
}

export function policyDocument(statements: PolicyStatement[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
