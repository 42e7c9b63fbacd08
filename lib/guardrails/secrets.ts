/**
 * Where secrets must not be and how to spot them: the text a resource hands to a machine
 * (user-data, S3 objects, the files a cloud-config writes) and literals that look like secrets.
 * User-data sits in clear text in the EC2 API and, with @pulumi/aws v7, in the Pulumi state.
 */
import * as zlib from "zlib";
import * as YAML from "yaml";
import { SECRET_PLACEHOLDER } from "../stack-config";
import { KNOWN_AFTER_APPLY, isRecord } from "./inputs";
import { GuardedResource } from "./model";
import { TYPES } from "./types";

export interface RenderedText {
    /** Where the text goes, for messages: `userData`, `userData → /etc/app.env`. */
    label: string;
    text: string;
}

/** Decodes base64, gunzipping when the bytes are gzip (EC2 accepts compressed user-data). */
function decodeBase64(text: string): string {
    const bytes = Buffer.from(text, "base64");
    return bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes).toString("utf8") : bytes.toString("utf8");
}

/** The files a cloud-config writes, decoded (write_files may hold b64 or gz+b64 content). */
function cloudConfigFiles(label: string, text: string): RenderedText[] {
    if (!text.startsWith("#cloud-config")) return [];
    let config: unknown;
    try {
        config = YAML.parse(text);
    } catch {
        return [];
    }
    const files = isRecord(config) && Array.isArray(config.write_files) ? config.write_files.filter(isRecord) : [];
    return files
        .filter((file) => typeof file.content === "string")
        .map((file) => {
            const encoded = /b64|base64/.test(String(file.encoding ?? ""));
            return { label: `${label} → ${String(file.path)}`, text: encoded ? decodeBase64(file.content as string) : (file.content as string) };
        });
}

function known(value: unknown): value is string {
    return typeof value === "string" && !value.startsWith(KNOWN_AFTER_APPLY) && value !== SECRET_PLACEHOLDER;
}

/** Every text the resource delivers to a machine or a bucket, decoded. */
export function renderedTexts(resource: GuardedResource): RenderedText[] {
    const { inputs } = resource;
    const texts: RenderedText[] = [];
    if (resource.type === TYPES.instance) {
        if (known(inputs.userData)) texts.push({ label: "userData", text: inputs.userData });
        if (known(inputs.userDataBase64)) texts.push({ label: "userDataBase64", text: decodeBase64(inputs.userDataBase64) });
    }
    if (resource.type === TYPES.bucketObject || resource.type === TYPES.bucketObjectV2) {
        if (known(inputs.content)) texts.push({ label: "content", text: inputs.content });
        if (known(inputs.contentBase64)) texts.push({ label: "contentBase64", text: decodeBase64(inputs.contentBase64) });
    }
    return [...texts, ...texts.flatMap((t) => cloudConfigFiles(t.label, t.text))];
}

/** `password = "…"`, `"db_password": "…"`, `ADMIN_PASSWORD='…'` with the value quoted. */
const QUOTED_ASSIGNMENT = /([\w.-]*(?:password|passwd|secret_access_key|secret_key))["']?\s*[:=]\s*(["'])([^"'\n]*)\2/gi;
/** `export DB_PASSWORD=hunter2` in env files and scripts. */
const BARE_ASSIGNMENT = /^\s*(?:export\s+)?([A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET_ACCESS_KEY|SECRET_KEY))=([^\s"'$][^\s]*)/gm;
/** GoldenGate parameter files: `USERID ggadmin, PASSWORD secret` (USERIDALIAS is the safe form). */
const GOLDENGATE_PASSWORD = /\bPASSWORD\s+(?![$&])[^\s,;]+/g;
/** Oracle DDL: `IDENTIFIED BY secret`, unless a substitution variable or a bind supplies it. */
const ORACLE_IDENTIFIED_BY = /\bIDENTIFIED\s+BY\s+"?[A-Za-z0-9]/gi;
const AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;

/** A value drawn at run time rather than written down: `$env{X}`, `${x}`, `$X`, `$(cmd)`. */
function isReference(value: string): boolean {
    return value.startsWith("$");
}

function lineOf(text: string, index: number): number {
    return text.slice(0, index).split("\n").length;
}

/**
 * A match inside a comment line of the formats rendered here: shell, YAML, TOML and properties
 * (`#`), SQL, SQL*Plus and GoldenGate parameter files (`--`). A comment describes a value; it is
 * not one a program reads.
 */
function inComment(text: string, index: number): boolean {
    const lineStart = text.lastIndexOf("\n", index - 1) + 1;
    return /^\s*(#|--)/.test(text.slice(lineStart, index + 1));
}

/** Literal secrets in a text, described without repeating them. */
export function secretLiterals(text: string): string[] {
    const found: string[] = [];
    const matches = (pattern: RegExp) => [...text.matchAll(pattern)].filter((match) => !inComment(text, match.index!));
    for (const match of matches(QUOTED_ASSIGNMENT)) {
        const value = match[3];
        if (value !== "" && !isReference(value)) found.push(`${match[1]} is set to a literal (line ${lineOf(text, match.index!)})`);
    }
    for (const match of matches(BARE_ASSIGNMENT)) {
        found.push(`${match[1]} is set to a literal (line ${lineOf(text, match.index!)})`);
    }
    for (const match of matches(GOLDENGATE_PASSWORD)) found.push(`a GoldenGate PASSWORD literal (line ${lineOf(text, match.index!)})`);
    for (const match of matches(ORACLE_IDENTIFIED_BY)) found.push(`an IDENTIFIED BY literal (line ${lineOf(text, match.index!)})`);
    for (const match of text.matchAll(AWS_ACCESS_KEY_ID)) found.push(`an AWS access key id (line ${lineOf(text, match.index!)})`);
    for (const match of text.matchAll(PRIVATE_KEY)) found.push(`a private key (line ${lineOf(text, match.index!)})`);
    return found;
}

/**
 * Inputs @pulumi/aws itself keeps secret (it wraps them in pulumi.secret: encrypted in the state,
 * `[secret]` in the plan), for the types this program uses: the only places a secret belongs.
 * test/guardrails-rules.test.ts checks this list against @pulumi/aws and the shipped stacks.
 */
export const PROVIDER_SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = {
    "aws:acm/certificate:Certificate": ["privateKey", "privateKeyWo"],
    "aws:rds/instance:Instance": ["password", "passwordWo"],
    "aws:secretsmanager/secretVersion:SecretVersion": ["secretBinary", "secretString", "secretStringWo"],
    "aws:ssm/parameter:Parameter": ["value", "valueWo"],
};

export function isSecretInput(type: string, key: string): boolean {
    return PROVIDER_SECRET_INPUTS[type]?.includes(key) ?? false;
}

/** Paths (`a.b[0]`) of the leaves of `value` that satisfy `test`. */
export function leafPaths(value: unknown, test: (leaf: unknown) => boolean, path = ""): string[] {
    if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, test, `${path}[${i}]`));
    if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => leafPaths(item, test, path ? `${path}.${key}` : key));
    return test(value) ? [path] : [];
}
