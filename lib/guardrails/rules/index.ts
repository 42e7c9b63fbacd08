/** The rule set, in id order. */
import { Rule } from "../model";
import { managedThroughSsm, noBlanketIamGrants, noSshKey } from "./access";
import {
    bucketNames,
    certificateNames,
    ec2Descriptions,
    efsCreationToken,
    cloudformationStackNames,
    iamNames,
    kmsInputs,
    loadBalancerNames,
    logGroups,
    rdsNames,
    rdsOracleNames,
    route53Inputs,
    secretNames,
    securityGroupNames,
    ssmParameterNames,
    tagLimits,
} from "./aws-input";
import { detailedMonitoring, ebsEncrypted, imdsV2Required, noPublicIp } from "./compute";
import {
    rdsBackups,
    rdsDeletionProtection,
    rdsEncrypted,
    rdsEnhancedMonitoring,
    rdsFinalSnapshot,
    rdsLogExports,
    rdsPrivate,
    trustedSourceKeepsLongestBackups,
    trustedSourceMultiAz,
} from "./database";
import { defaultGeolocationRecord, recordsJudgeHealth } from "./dns";
import { accessLogs, dropInvalidHeaders, httpOnlyRedirects, lbDeletionProtection, tlsPolicy } from "./load-balancer";
import { apimPortsFromAlbOnly, internetOnlyToAlb, nfsFromNodesOnly, noRemoteLoginPorts, oracleFromHostsOnly, vpcFlowLogs } from "./network";
import { monitoringNames } from "./monitoring-input";
import { watchedResourcesAlarm } from "./operations";
import { noSecretLiterals, secretsStayInStores } from "./secret-handling";
import { bucketsNotPublic, bucketsTlsOnly, efsEncrypted, efsTlsOnly, statefulProtected } from "./storage";
import { requiredTags } from "./tagging";

export const RULES: readonly Rule[] = [
    ebsEncrypted,
    efsEncrypted,
    efsTlsOnly,
    imdsV2Required,
    rdsEncrypted,
    noPublicIp,
    rdsPrivate,
    secretsStayInStores,
    noSecretLiterals,
    bucketsTlsOnly,
    bucketsNotPublic,
    noBlanketIamGrants,
    internetOnlyToAlb,
    noRemoteLoginPorts,
    apimPortsFromAlbOnly,
    oracleFromHostsOnly,
    nfsFromNodesOnly,
    vpcFlowLogs,
    tlsPolicy,
    httpOnlyRedirects,
    dropInvalidHeaders,
    accessLogs,
    lbDeletionProtection,
    rdsBackups,
    trustedSourceKeepsLongestBackups,
    rdsDeletionProtection,
    rdsFinalSnapshot,
    trustedSourceMultiAz,
    statefulProtected,
    rdsLogExports,
    rdsEnhancedMonitoring,
    detailedMonitoring,
    noSshKey,
    managedThroughSsm,
    requiredTags,
    watchedResourcesAlarm,
    recordsJudgeHealth,
    defaultGeolocationRecord,
    ec2Descriptions,
    securityGroupNames,
    tagLimits,
    loadBalancerNames,
    iamNames,
    rdsNames,
    rdsOracleNames,
    bucketNames,
    logGroups,
    secretNames,
    ssmParameterNames,
    route53Inputs,
    certificateNames,
    kmsInputs,
    efsCreationToken,
    monitoringNames,
    cloudformationStackNames,
];
