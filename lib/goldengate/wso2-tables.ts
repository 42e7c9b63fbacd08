/**
 * What GoldenGate's conflict handling must know about WSO2's tables beyond their keys: the LOB
 * columns (CDR must not compare them) and the unique constraints other than the primary key (an
 * insert that clashes on one raises ORA-00001 outside CDR). Read from WSO2's Oracle DDL: AM_DB
 * from carbon-apimgt `features/apimgt/org.wso2.carbon.apimgt.core.feature/src/main/resources/sql/oracle.sql`
 * (the stored copy is 6.4.211; API-M 3.1.0 ships carbon-apimgt 6.6.163, product-apim v3.1.0 pom.xml),
 * SHARED_DB from carbon-kernel v4.6.0 `distribution/kernel/carbon-home/dbscripts/oracle.sql` (the
 * kernel of API-M 3.1.0). A table of your pack missing here is still replicated, with CDR on all
 * its columns and without the unique-key handler: add it here.
 */
import { DATABASE_USERS } from "../database-names";

export interface Wso2Table {
    owner: string;
    table: string;
    primaryKey?: readonly string[];
    /** BLOB/CLOB columns: left out of conflict detection (docs/replication.md, LOBs). */
    lobColumns?: readonly string[];
    /** Unique constraints and unique indexes other than the primary key. */
    uniqueKeys?: readonly (readonly string[])[];
}

const AM = DATABASE_USERS.amDb;
const SHARED = DATABASE_USERS.sharedDb;

export const WSO2_TABLES: readonly Wso2Table[] = [
    { owner: AM, table: "AM_ALERT_EMAILLIST", uniqueKeys: [["EMAIL_LIST_ID", "USER_NAME", "STAKE_HOLDER"]] },
    { owner: AM, table: "AM_ALERT_EMAILLIST_DETAILS", uniqueKeys: [["EMAIL_LIST_ID", "EMAIL"]] },
    { owner: AM, table: "AM_ALERT_TYPES_VALUES", uniqueKeys: [["ALERT_TYPE_ID", "USER_NAME", "STAKE_HOLDER"]] },
    { owner: AM, table: "AM_API", uniqueKeys: [["API_PROVIDER", "API_NAME", "API_VERSION"]] },
    { owner: AM, table: "AM_API_CLIENT_CERTIFICATE", lobColumns: ["CERTIFICATE"] },
    { owner: AM, table: "AM_API_THROTTLE_POLICY", uniqueKeys: [["NAME", "TENANT_ID"], ["UUID"]] },
    { owner: AM, table: "AM_API_URL_MAPPING", lobColumns: ["MEDIATION_SCRIPT"] },
    { owner: AM, table: "AM_APPLICATION", uniqueKeys: [["NAME", "SUBSCRIBER_ID"], ["UUID"]] },
    { owner: AM, table: "AM_APPLICATION_REGISTRATION", uniqueKeys: [["SUBSCRIBER_ID", "APP_ID", "TOKEN_TYPE"]] },
    { owner: AM, table: "AM_BLOCK_CONDITIONS", uniqueKeys: [["UUID"]] },
    { owner: AM, table: "AM_LABELS", uniqueKeys: [["NAME", "TENANT_DOMAIN"]] },
    { owner: AM, table: "AM_POLICY_APPLICATION", lobColumns: ["CUSTOM_ATTRIBUTES"], uniqueKeys: [["NAME", "TENANT_ID"], ["UUID"]] },
    { owner: AM, table: "AM_POLICY_GLOBAL", lobColumns: ["SIDDHI_QUERY"], uniqueKeys: [["UUID"]] },
    { owner: AM, table: "AM_POLICY_SUBSCRIPTION", lobColumns: ["CUSTOM_ATTRIBUTES"], uniqueKeys: [["NAME", "TENANT_ID"], ["UUID"]] },
    { owner: AM, table: "AM_SUBSCRIBER", uniqueKeys: [["TENANT_ID", "USER_ID"]] },
    { owner: AM, table: "AM_SUBSCRIPTION", uniqueKeys: [["UUID"]] },
    { owner: AM, table: "AM_USAGE_UPLOADED_FILES", lobColumns: ["FILE_CONTENT"] },
    { owner: AM, table: "CM_CONSENT_RECEIPT_PROPERTY", uniqueKeys: [["CONSENT_RECEIPT_ID", "NAME"]] },
    { owner: AM, table: "CM_PII_CATEGORY", uniqueKeys: [["NAME", "TENANT_ID"]] },
    { owner: AM, table: "CM_PURPOSE", uniqueKeys: [["NAME", "TENANT_ID", "PURPOSE_GROUP", "GROUP_TYPE"]] },
    { owner: AM, table: "CM_PURPOSE_CATEGORY", uniqueKeys: [["NAME", "TENANT_ID"]] },
    { owner: AM, table: "CM_PURPOSE_PII_CAT_ASSOC", uniqueKeys: [["PURPOSE_ID", "CM_PII_CATEGORY_ID"]] },
    { owner: AM, table: "CM_RECEIPT_SP_ASSOC", uniqueKeys: [["CONSENT_RECEIPT_ID", "SP_NAME", "SP_TENANT_ID"]] },
    { owner: AM, table: "CM_SP_PURPOSE_ASSOC", uniqueKeys: [["RECEIPT_SP_ASSOC", "PURPOSE_ID"]] },
    { owner: AM, table: "CM_SP_PURPOSE_PII_CAT_ASSOC", uniqueKeys: [["SP_PURPOSE_ASSOC_ID", "PII_CATEGORY_ID"]] },
    { owner: AM, table: "CM_SP_PURPOSE_PURPOSE_CAT_ASSC", uniqueKeys: [["SP_PURPOSE_ASSOC_ID", "PURPOSE_CATEGORY_ID"]] },
    { owner: AM, table: "IDN_ASSOCIATED_ID", uniqueKeys: [["IDP_USER_ID", "TENANT_ID", "IDP_ID"]] },
    { owner: AM, table: "IDN_AUTH_SESSION_STORE", lobColumns: ["SESSION_OBJECT"] },
    { owner: AM, table: "IDN_AUTH_TEMP_SESSION_STORE", lobColumns: ["SESSION_OBJECT"] },
    { owner: AM, table: "IDN_AUTH_WAIT_STATUS", uniqueKeys: [["LONG_WAIT_KEY"]] },
    { owner: AM, table: "IDN_CERTIFICATE", lobColumns: ["CERTIFICATE_IN_PEM"], uniqueKeys: [["NAME", "TENANT_ID"]] },
    { owner: AM, table: "IDN_CLAIM", uniqueKeys: [["DIALECT_ID", "CLAIM_URI", "TENANT_ID"]] },
    { owner: AM, table: "IDN_CLAIM_DIALECT", uniqueKeys: [["DIALECT_URI", "TENANT_ID"]] },
    { owner: AM, table: "IDN_CLAIM_MAPPED_ATTRIBUTE", uniqueKeys: [["LOCAL_CLAIM_ID", "USER_STORE_DOMAIN_NAME", "TENANT_ID"]] },
    { owner: AM, table: "IDN_CLAIM_MAPPING", uniqueKeys: [["EXT_CLAIM_ID", "TENANT_ID"]] },
    { owner: AM, table: "IDN_CLAIM_PROPERTY", uniqueKeys: [["LOCAL_CLAIM_ID", "PROPERTY_NAME", "TENANT_ID"]] },
    { owner: AM, table: "IDN_FUNCTION_LIBRARY", lobColumns: ["DATA"] },
    { owner: AM, table: "IDN_OAUTH2_ACCESS_TOKEN", uniqueKeys: [["CONSUMER_KEY_ID", "AUTHZ_USER", "TENANT_ID", "USER_DOMAIN", "USER_TYPE", "TOKEN_SCOPE_HASH", "TOKEN_STATE", "TOKEN_STATE_ID"]] },
    { owner: AM, table: "IDN_OAUTH_CONSUMER_APPS", uniqueKeys: [["CONSUMER_KEY"]] },
    { owner: AM, table: "IDN_PASSWORD_HISTORY_DATA", uniqueKeys: [["USER_NAME", "USER_DOMAIN", "TENANT_ID", "SALT_VALUE", "HASH"]] },
    { owner: AM, table: "IDN_RECOVERY_DATA", uniqueKeys: [["CODE"]] },
    { owner: AM, table: "IDN_SAML2_ARTIFACT_STORE", lobColumns: ["AUTHN_REQ_DTO"] },
    { owner: AM, table: "IDN_STS_STORE", lobColumns: ["TOKEN_CONTENT"] },
    { owner: AM, table: "IDN_TEMPLATE_MGT", lobColumns: ["TEMPLATE_SCRIPT"], uniqueKeys: [["TENANT_ID", "NAME"]] },
    { owner: AM, table: "IDP", lobColumns: ["IMAGE", "CERTIFICATE"], uniqueKeys: [["TENANT_ID", "NAME"]] },
    { owner: AM, table: "IDP_AUTHENTICATOR", uniqueKeys: [["TENANT_ID", "IDP_ID", "NAME"]] },
    { owner: AM, table: "IDP_AUTHENTICATOR_PROPERTY", uniqueKeys: [["TENANT_ID", "AUTHENTICATOR_ID", "PROPERTY_KEY"]] },
    { owner: AM, table: "IDP_CLAIM", uniqueKeys: [["IDP_ID", "CLAIM"]] },
    { owner: AM, table: "IDP_CLAIM_MAPPING", uniqueKeys: [["IDP_CLAIM_ID", "TENANT_ID", "LOCAL_CLAIM"]] },
    { owner: AM, table: "IDP_LOCAL_CLAIM", uniqueKeys: [["TENANT_ID", "IDP_ID", "CLAIM_URI"]] },
    { owner: AM, table: "IDP_METADATA", uniqueKeys: [["IDP_ID", "NAME"]] },
    { owner: AM, table: "IDP_PROVISIONING_CONFIG", uniqueKeys: [["TENANT_ID", "IDP_ID", "PROVISIONING_CONNECTOR_TYPE"]] },
    { owner: AM, table: "IDP_PROVISIONING_ENTITY", uniqueKeys: [["ENTITY_TYPE", "TENANT_ID", "ENTITY_LOCAL_USERSTORE", "ENTITY_NAME", "PROVISIONING_CONFIG_ID"], ["PROVISIONING_CONFIG_ID", "ENTITY_TYPE", "ENTITY_VALUE"]] },
    { owner: AM, table: "IDP_PROV_CONFIG_PROPERTY", lobColumns: ["PROPERTY_BLOB_VALUE"], uniqueKeys: [["TENANT_ID", "PROVISIONING_CONFIG_ID", "PROPERTY_KEY"]] },
    { owner: AM, table: "IDP_ROLE", uniqueKeys: [["IDP_ID", "ROLE"]] },
    { owner: AM, table: "IDP_ROLE_MAPPING", uniqueKeys: [["IDP_ROLE_ID", "TENANT_ID", "USER_STORE_ID", "LOCAL_ROLE"]] },
    { owner: AM, table: "SP_AUTH_SCRIPT", lobColumns: ["CONTENT"] },
    { owner: AM, table: "SP_DEFAULT_AUTH_SEQ", lobColumns: ["SEQ_CONTENT"], uniqueKeys: [["TENANT_ID", "NAME"]] },
    { owner: AM, table: "SP_METADATA", uniqueKeys: [["SP_ID", "NAME"]] },
    { owner: AM, table: "SP_TEMPLATE", lobColumns: ["CONTENT"], uniqueKeys: [["TENANT_ID", "NAME"]] },
    { owner: AM, table: "WF_REQUEST", lobColumns: ["REQUEST"] },
    { owner: SHARED, table: "REG_CONTENT", lobColumns: ["REG_CONTENT_DATA"] },
    { owner: SHARED, table: "REG_CONTENT_HISTORY", lobColumns: ["REG_CONTENT_DATA"] },
    { owner: SHARED, table: "REG_PATH", uniqueKeys: [["REG_PATH_VALUE", "REG_TENANT_ID"]] },
    { owner: SHARED, table: "REG_SNAPSHOT", lobColumns: ["REG_RESOURCE_VIDS"] },
    { owner: SHARED, table: "UM_ACCOUNT_MAPPING", uniqueKeys: [["UM_USER_NAME", "UM_TENANT_ID", "UM_USER_STORE_DOMAIN", "UM_ACC_LINK_ID"]] },
    { owner: SHARED, table: "UM_CLAIM", uniqueKeys: [["UM_DIALECT_ID", "UM_CLAIM_URI", "UM_MAPPED_ATTRIBUTE_DOMAIN", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_DIALECT", uniqueKeys: [["UM_DIALECT_URI", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_DOMAIN", uniqueKeys: [["UM_DOMAIN_NAME", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_HYBRID_ROLE", uniqueKeys: [["UM_ROLE_NAME", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_HYBRID_USER_ROLE", uniqueKeys: [["UM_USER_NAME", "UM_ROLE_ID", "UM_TENANT_ID", "UM_DOMAIN_ID"]] },
    { owner: SHARED, table: "UM_MODULE", uniqueKeys: [["UM_MODULE_NAME"]] },
    { owner: SHARED, table: "UM_PERMISSION", uniqueKeys: [["UM_RESOURCE_ID", "UM_ACTION", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_ROLE", uniqueKeys: [["UM_ROLE_NAME", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_SHARED_USER_ROLE", uniqueKeys: [["UM_USER_ID", "UM_ROLE_ID", "UM_USER_TENANT_ID", "UM_ROLE_TENANT_ID"]] },
    { owner: SHARED, table: "UM_SYSTEM_ROLE", uniqueKeys: [["UM_ROLE_NAME", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_SYSTEM_USER", uniqueKeys: [["UM_USER_NAME", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_SYSTEM_USER_ROLE", uniqueKeys: [["UM_USER_NAME", "UM_ROLE_ID", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_TENANT", lobColumns: ["UM_USER_CONFIG"], uniqueKeys: [["UM_DOMAIN_NAME"]] },
    { owner: SHARED, table: "UM_USER", uniqueKeys: [["UM_USER_ID", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_USER_PERMISSION", uniqueKeys: [["UM_PERMISSION_ID", "UM_USER_NAME", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_USER_ROLE", uniqueKeys: [["UM_USER_ID", "UM_ROLE_ID", "UM_TENANT_ID"]] },
    { owner: SHARED, table: "UM_UUID_DOMAIN_MAPPER", uniqueKeys: [["UM_USER_ID"]] },
];

export const tablesWithLobs = (): Wso2Table[] => WSO2_TABLES.filter((t) => (t.lobColumns ?? []).length > 0);
export const tablesWithUniqueKeys = (): Wso2Table[] => WSO2_TABLES.filter((t) => (t.uniqueKeys ?? []).length > 0);
