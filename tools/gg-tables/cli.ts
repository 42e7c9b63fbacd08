/**
 * `npm run gg:tables -- <extracted pack, or its dbscripts/multi-dc/oracle> [--out <file>]
 *   [--repository <owner/name>] [--commit <sha>] [--directory <path>]`
 *
 * Derives the GoldenGate table knowledge (keys and LOB columns, lib/goldengate/table-knowledge.ts)
 * from a pack's multi-DC Oracle scripts and writes it, by default to the file the plan renders
 * from. Prints what changed against the file it replaces.
 *
 * Exit 0: written. 2: unreadable or unparsable scripts, DDL the derivation cannot follow, or bad arguments.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PACK_SCRIPTS, type PackSchema } from "../../lib/pack/remedies";
import {
    compareTableKnowledge,
    deriveTableKnowledge,
    formatTableKnowledge,
    parseTableKnowledge,
    KnowledgeFileError,
    TableKnowledgeError,
    type KnowledgeOrigin,
    type TableKnowledge,
} from "../../lib/goldengate/table-knowledge";
import { WSO2_TABLES_FILE } from "../../lib/goldengate/wso2-tables";
import { ScriptSyntaxError } from "../sql-check/lexer";

const USAGE = `usage: npm run gg:tables -- <pack directory or its dbscripts/multi-dc/oracle> [--out <file>]
                         [--repository <owner/name>] [--commit <sha>] [--directory <path>]

Reads the pack's multi-DC Oracle scripts as SQL*Plus runs them (SHARED_DB: tables.sql, sequences.sql;
AM_DB: apimgt/tables.sql, apimgt/sequences.sql) and writes each table's primary key, other unique keys
and LOB columns, with each script's SHA-256, for the GoldenGate files the plan renders.

  --out <file>                where to write (default ${path.relative(process.cwd(), WSO2_TABLES_FILE)})
  --repository, --commit, --directory
                              where the scripts come from, recorded in the file

Exit status: 0 written, 2 unreadable or unparsable scripts, DDL it cannot follow, or bad arguments.`;

const EXIT_OK = 0;
const EXIT_ERROR = 2;

class InputError extends Error {}

const PACK_SCRIPTS_DIR = path.join("dbscripts", "multi-dc", "oracle");
const ORIGIN_OPTIONS = { "--repository": "repository", "--commit": "commit", "--directory": "directory" } as const;

interface Arguments {
    readonly directory?: string;
    readonly out: string;
    readonly origin: KnowledgeOrigin;
    readonly help: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
    let directory: string | undefined;
    let out = WSO2_TABLES_FILE;
    const origin: { -readonly [K in keyof KnowledgeOrigin]: string } = {};
    let help = false;
    for (let i = 0; i < argv.length; i++) {
        const argument = argv[i];
        if (argument === "-h" || argument === "--help") {
            help = true;
        } else if (argument === "--out" || argument in ORIGIN_OPTIONS) {
            const value = argv[++i];
            if (value === undefined || value.startsWith("--")) throw new InputError(`${argument} needs a value`);
            if (argument === "--out") out = value;
            else origin[ORIGIN_OPTIONS[argument as keyof typeof ORIGIN_OPTIONS]] = value;
        } else if (argument.startsWith("-")) {
            throw new InputError(`unknown option ${argument}`);
        } else if (directory !== undefined) {
            throw new InputError("give one pack directory");
        } else {
            directory = argument;
        }
    }
    if (!help && directory === undefined) throw new InputError("no pack directory");
    return { directory, out, origin, help };
}

/** The extracted pack's scripts directory, or the directory itself when it holds the scripts. */
function scriptsDirectory(directory: string): string {
    const inPack = path.join(directory, PACK_SCRIPTS_DIR);
    return fs.statSync(inPack, { throwIfNoEntry: false })?.isDirectory() ? inPack : directory;
}

function readText(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

/** The file being replaced, to show what changed; one that is not a knowledge file is simply replaced. */
function previousKnowledge(file: string): TableKnowledge | undefined {
    if (!fs.existsSync(file)) return undefined;
    try {
        return parseTableKnowledge(readText(file), file);
    } catch (error) {
        if (!(error instanceof KnowledgeFileError)) throw error;
        console.log(`gg:tables: replacing ${error.message}`);
        return undefined;
    }
}

function main(argv: readonly string[]): number {
    let scripts = "";
    try {
        const { directory, out, origin, help } = parseArguments(argv);
        if (help) {
            console.log(USAGE);
            return EXIT_OK;
        }
        scripts = scriptsDirectory(directory!);
        const pack: Record<string, string> = {};
        for (const file of Object.values(PACK_SCRIPTS).flat()) pack[file] = readText(path.join(scripts, file));
        const knowledge = deriveTableKnowledge(pack, origin);
        const previous = previousKnowledge(out);
        fs.writeFileSync(out, formatTableKnowledge(knowledge));
        console.log(`gg:tables: wrote ${out} from ${scripts}`);
        for (const schema of Object.keys(PACK_SCRIPTS) as PackSchema[]) {
            const tables = knowledge.schemas[schema];
            const count = (has: (t: (typeof tables)[number]) => boolean) => tables.filter(has).length;
            console.log(`  ${schema}: ${tables.length} tables, ${count((t) => t.lobColumns.length > 0)} with LOB columns, ${count((t) => t.uniqueKeys.length > 0)} with unique keys besides the primary key, ${count((t) => t.primaryKey.length === 0)} without a primary key`);
        }
        if (previous !== undefined) {
            const differences = compareTableKnowledge(previous, knowledge, "the previous file", "the pack");
            console.log(differences.length === 0 ? "  same knowledge as the previous file" : "  changed against the previous file:");
            for (const difference of differences) console.log(`    ${difference}`);
        }
        return EXIT_OK;
    } catch (error) {
        if (error instanceof InputError) {
            console.error(`gg:tables: ${error.message}\n\n${USAGE}`);
            return EXIT_ERROR;
        }
        if (error instanceof ScriptSyntaxError || error instanceof TableKnowledgeError) {
            console.error(`gg:tables: ${path.join(scripts, error.file)}:${error.line}: ${error.reason}`);
            return EXIT_ERROR;
        }
        throw error;
    }
}

process.exitCode = main(process.argv.slice(2));
