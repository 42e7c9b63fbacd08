/**
 * The node boot script (lib/render/scripts/bootstrap.sh), run by bash against fakes: there is no
 * EC2 instance, EFS or AWS account here. The fakes, written by this test into a bin directory
 * first on PATH, are as small as possible: package, user, systemd and sysctl tools only record
 * their calls; `curl` answers the three IMDS paths the script reads (the user-data from a file);
 * `aws` copies the "pack" from a directory standing in for S3 and answers the one secret; `mount`
 * links a shared directory to a directory standing in for the EFS access point (so two "nodes"
 * share it); `unzip` copies a prepared pack tree; `rpm` lists the JDK's java; `sleep` returns at
 * once. Any fake fails while its counter in the failures directory is above zero (a transient
 * fault). cloud-init is stood in for by writing the user-data's files once, as on a first start.
 * The script runs unchanged, with FILES_ROOT and MEMINFO pointed into a temporary directory.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import * as zlib from "zlib";
import { shellQuote } from "../lib/render/bootstrap-env";
import { BOOTSTRAP_SCRIPT, renderUserData, WrittenFile, writtenContent } from "../lib/render/user-data";
import { SHARED_PATHS } from "../lib/shared-paths";
import { NODE_DATABASE, NODE_HEALTH_SIGNAL } from "./node-inputs";
import { NODE_TOOLS_HOOK_KEY } from "../lib/render/node-tools-hook";

const NODE_TOOLS_HOOK_URI = `s3://hooks/${path.posix.basename(NODE_TOOLS_HOOK_KEY)}`;

const FAKES: Record<string, string> = {
    dnf: "",
    "amazon-cloudwatch-agent-ctl": "",
    groupadd: "",
    useradd: "",
    chown: "",
    systemctl: "",
    sysctl: "",
    sleep: "",
    getent: "exit 2",
    install: 'for last; do :; done; cp "${@: -2:1}" "$last"',
    rpm: "printf '%s\\n' /usr/lib/jvm/java-11-amazon-corretto.x86_64/bin/jfr /usr/lib/jvm/java-11-amazon-corretto.x86_64/bin/java /usr/lib/jvm/java-11-amazon-corretto.x86_64/lib/modules",
    curl: 'case "$*" in *api/token*) echo token ;; *meta-data/local-ipv4*) echo 10.10.128.7 ;; *latest/user-data*) cat "$FAKE_USER_DATA" ;; *) exit 22 ;; esac',
    aws: [
        'case "$1 $2" in',
        '  "s3 cp") args=("$@"); src=${args[$# - 2]}; cp "$FAKE_S3/${src#s3://}" "${args[$# - 1]}" ;;',
        '  "secretsmanager get-secret-value") echo "Admin-Pass-1" ;;',
        "  *) exit 3 ;;",
        "esac",
    ].join("\n"),
    unzip: 'while (($#)); do [[ $1 == -d ]] && cp -a "$FAKE_PACK_TREE" "$2/"; shift; done',
    mountpoint: 'test -L "${@: -1}"',
    umount: 'rm "$1" && mkdir "$1"',
    mount: [
        'dir=$1',
        'ap=$(grep " $dir efs " "$FAKE_FSTAB" | sed "s/.*accesspoint=\\([^ ]*\\).*/\\1/")',
        'mkdir -p "$FAKE_EFS/$ap" && rmdir "$dir" && ln -s "$FAKE_EFS/$ap" "$dir"',
    ].join("\n"),
};

/** Every fake first records its call, then fails while its transient-failure counter lasts. */
const FAKE_PROLOGUE = [
    'printf \'%s %s\\n\' "$(basename "$0")" "$*" >>"$FAKE_CALLS"',
    'left=$(cat "$FAKE_FAILURES/$(basename "$0")" 2>/dev/null || echo 0)',
    'if ((left > 0)); then echo $((left - 1)) >"$FAKE_FAILURES/$(basename "$0")"; echo "transient fault" >&2; exit 1; fi',
].join("\n");

interface World {
    root: string;
    efs: string;
    s3: string;
    bin: string;
}

function world(): World {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "node-bootstrap-"));
    const w = { root, efs: path.join(root, "efs"), s3: path.join(root, "s3"), bin: path.join(root, "bin") };
    for (const dir of [w.efs, w.s3, w.bin]) fs.mkdirSync(dir, { recursive: true });
    for (const [name, body] of Object.entries(FAKES)) {
        fs.writeFileSync(path.join(w.bin, name), `#!/bin/bash\n${FAKE_PROLOGUE}\n${body}\n`, { mode: 0o755 });
    }
    fs.mkdirSync(path.join(w.s3, "packs"), { recursive: true });
    fs.writeFileSync(path.join(w.s3, "packs", "wso2am-3.1.0.zip"), "a zip, as far as the fake unzip cares");
    // Stands in for the node-tools hook (it writes into /usr/local/sbin: test/node-boot-files.test.ts checks what it writes).
    fs.mkdirSync(path.join(w.s3, "hooks"), { recursive: true });
    fs.writeFileSync(path.join(w.s3, "hooks", path.posix.basename(NODE_TOOLS_HOOK_KEY)), 'echo "node tools installed" >>"$FAKE_CALLS"\n');
    return w;
}

/** A WSO2 pack tree whose shared directories hold `marker` in a deployed API. */
function packTree(w: World, node: string, marker: string): string {
    const home = path.join(w.root, `pack-${node}`, "wso2am-3.1.0");
    fs.mkdirSync(path.join(home, "bin"), { recursive: true });
    fs.writeFileSync(path.join(home, "bin", "wso2server.sh"), "#!/bin/sh\n", { mode: 0o755 });
    fs.mkdirSync(path.join(home, "repository", "conf"), { recursive: true });
    const api = path.join(home, "repository", "deployment", "server", "synapse-configs", "default", "api");
    fs.mkdirSync(api, { recursive: true });
    fs.writeFileSync(path.join(api, "PizzaAPI.xml"), marker);
    fs.mkdirSync(path.join(home, "repository", "deployment", "server", "executionplans"), { recursive: true });
    fs.mkdirSync(path.join(home, "repository", "tenants"), { recursive: true });
    return home;
}

const ACCESS_POINTS = { "synapse-configs": "fsap-synapse", executionplans: "fsap-plans", tenants: "fsap-tenants", security: "fsap-security" };

/**
 * The node's user-data as the program renders it, with the bootstrap.env paths pointed into the
 * node's directory (later assignments win) and, optionally, its files changed.
 */
function nodeUserData(w: World, node: string, change: (files: WrittenFile[]) => void = () => undefined): string {
    const nodeRoot = path.join(w.root, node);
    const apimHome = path.join(nodeRoot, "wso2am-3.1.0");
    const userData = YAML.parse(renderUserData({
        logGroupName: "dc1-apim-logs",
            hostMetricsNamespace: "WSO2APIM/wso2-apim/NodeHost",
        bootstrap: {
            region: "us-east-1",
            wso2PackS3Uri: "s3://packs/wso2am-3.1.0.zip",
            wso2PackSha256: null,
            efsFileSystemId: "fs-0123",
            accessPointIds: ACCESS_POINTS,
            adminSecretId: "wso2-apim/wso2-admin",
            bootHookUris: [NODE_TOOLS_HOOK_URI],
        },
        deploymentToml: {
            hostname: "apim.example.com",
            globalGatewayHost: "gateway.example.com",
            datacenter: "DC1",
            database: { host: "oracle.dc1.wso2-apim.internal", port: 1521, serviceName: "APIMDB", amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED" },
            trafficManagers: ["apim-1.dc1.wso2-apim.internal"],
            peerTrafficManagers: [],
            gatewayTokenCacheSeconds: 900,
            gatewayEnvironments: [{ datacenter: "DC1", region: "us-east-1", gatewayHost: "gateway-us-east-1.example.com", adminServicesHost: "apim.dc1.wso2-apim.internal" }],
        },
        database: NODE_DATABASE,
        healthSignal: NODE_HEALTH_SIGNAL,
    }));
    const overrides = {
        APIM_HOME: apimHome,
        SHARED_ROOT: path.join(nodeRoot, "mnt", "wso2-shared"),
        SEED_DIR: path.join(nodeRoot, "seed"),
        SEED_WAIT_SECONDS: "10",
        RUNTIME_ENV_FILE: path.join(nodeRoot, "etc", "wso2-apim", "runtime.env"),
    };
    const files = userData.write_files as WrittenFile[];
    const env = files.find((f) => f.path === "/etc/wso2-apim/bootstrap.env")!;
    env.content += Object.entries(overrides).map(([k, v]) => `${k}=${shellQuote(v)}`).join("\n") + "\n";
    change(files);
    return `#cloud-config\n${YAML.stringify(userData, { lineWidth: 0 })}`;
}

/** cloud-init's part on the instance's first start: write every file of the user-data, once. */
function firstStart(w: World, node: string, userData: string): void {
    const nodeRoot = path.join(w.root, node);
    for (const file of YAML.parse(userData).write_files as (WrittenFile & { permissions: string })[]) {
        const target = path.join(nodeRoot, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, writtenContent(file), { mode: parseInt(file.permissions, 8) });
    }
    fs.writeFileSync(path.join(nodeRoot, "etc", "fstab"), "");
}

const GIB_16_MEMTOTAL_KIB = 16_009_512; // what a 16 GiB instance reports after the kernel's reservations

/** One start of the instance: wso2-boot.service running the script file cloud-init (or the last boot) wrote. */
function start(w: World, node: string, userData: string, options: { failures?: Record<string, number>; memTotalKiB?: number } = {}) {
    const nodeRoot = path.join(w.root, node);
    const apimHome = path.join(nodeRoot, "wso2am-3.1.0");
    const configDir = path.join(nodeRoot, "etc", "wso2-apim");
    const userDataFile = path.join(nodeRoot, "imds-user-data");
    fs.writeFileSync(userDataFile, userData);
    const failures = path.join(nodeRoot, "failures");
    fs.mkdirSync(failures, { recursive: true });
    for (const [fake, count] of Object.entries(options.failures ?? {})) fs.writeFileSync(path.join(failures, fake), String(count));
    const meminfo = path.join(nodeRoot, "meminfo");
    fs.writeFileSync(meminfo, `MemTotal:       ${options.memTotalKiB ?? GIB_16_MEMTOTAL_KIB} kB\nMemFree:         1000000 kB\n`);
    const calls = path.join(nodeRoot, "calls.log");
    fs.writeFileSync(calls, "");
    const result = spawnSync("bash", [path.join(nodeRoot, "usr", "local", "sbin", "wso2-bootstrap")], {
        encoding: "utf8",
        env: {
            PATH: `${w.bin}:${process.env.PATH}`,
            FILES_ROOT: nodeRoot,
            MEMINFO: meminfo,
            FAKE_CALLS: calls,
            FAKE_FAILURES: failures,
            FAKE_FSTAB: path.join(nodeRoot, "etc", "fstab"),
            FAKE_USER_DATA: userDataFile,
            FAKE_S3: w.s3,
            FAKE_EFS: w.efs,
            FAKE_PACK_TREE: packTree(w, node, "from the pack"),
        },
    });
    return { status: result.status, log: result.stdout + result.stderr, apimHome, configDir, nodeRoot, calls: fs.readFileSync(calls, "utf8") };
}

function boot(w: World, node: string, options: { failures?: Record<string, number>; memTotalKiB?: number } = {}) {
    const userData = nodeUserData(w, node);
    firstStart(w, node, userData);
    return start(w, node, userData, options);
}

const deployedApi = (w: World) => path.join(w.efs, "fsap-synapse", "default", "api", "PizzaAPI.xml");
const runtimeEnv = (node: { configDir: string }) => fs.readFileSync(path.join(node.configDir, "runtime.env"), "utf8");

describe("node boot script (bash, against fakes)", () => {
    let w: World;
    let node: ReturnType<typeof start>;
    before(() => {
        w = world();
        node = boot(w, "node-1");
    });

    it("applies the kernel settings, installs the pack, mounts and seeds the shared paths, writes the runtime env and queues WSO2's start", () => {
        assert.equal(node.status, 0, node.log);
        assert.match(node.log, /node files match the current user-data/);
        for (const { path: p } of SHARED_PATHS) {
            const dir = p.replace("/opt/wso2am-3.1.0", node.apimHome);
            assert.ok(fs.lstatSync(dir).isSymbolicLink(), `${dir} is not on the (fake) EFS`);
            assert.ok(fs.existsSync(path.join(dir, ".seeded")));
        }
        assert.equal(fs.readFileSync(deployedApi(w), "utf8"), "from the pack");
        const fstab = fs.readFileSync(path.join(node.nodeRoot, "etc", "fstab"), "utf8").trim().split("\n");
        assert.equal(fstab.length, SHARED_PATHS.length);
        for (const line of fstab) assert.match(line, /^fs-0123:\/ \S+ efs _netdev,noresvport,tls,iam,accesspoint=fsap-\w+ 0 0$/);
        assert.equal(fs.statSync(path.join(node.configDir, "runtime.env")).mode & 0o777, 0o600);
        assert.ok(fs.existsSync(path.join(node.apimHome, "repository", "conf", "deployment.toml")));
        assert.match(node.calls, new RegExp(`^sysctl -q -p ${node.nodeRoot}/etc/sysctl\\.d/90-wso2-apim\\.conf$`, "m"));
        assert.match(node.calls, /^dnf install -y -q java-11-amazon-corretto-headless amazon-efs-utils amazon-cloudwatch-agent unzip$/m);
        // efs-utils' mount-target IP fallback needs botocore (efs-utils README).
        assert.match(node.calls, /^dnf install -y -q python3-botocore$/m);
        assert.match(node.calls, /^amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:\/etc\/wso2-apim\/cloudwatch-agent\.json$/m);
        assert.match(node.calls, /^systemctl restart --no-block wso2am\.service$/m);
        assert.doesNotMatch(node.calls, /^systemctl enable wso2am/m);
        assert.ok(!node.log.includes("Admin-Pass-1"), "the admin password was logged");
    });

    it("finds JAVA_HOME from the Corretto 11 package and sizes the heap from the instance's memory, as wso2server.sh reads them", () => {
        assert.equal(node.status, 0, node.log);
        assert.equal(runtimeEnv(node), [
            "NODE_IP=10.10.128.7",
            "WSO2_ADMIN_PASSWORD=Admin-Pass-1",
            "JAVA_HOME=/usr/lib/jvm/java-11-amazon-corretto.x86_64",
            // Half of MemTotal, in MiB; wso2server.sh 3.1.0 would otherwise run with -Xmx1024m.
            'JVM_MEM_OPTS="-Xms7817m -Xmx7817m"',
            "",
        ].join("\n"));
        assert.match(node.calls, /^rpm -ql java-11-amazon-corretto-headless$/m);
    });

    it("keeps the heap between wso2server.sh's own 1024 MiB and 30 GiB (compressed object pointers)", () => {
        const heap = (memTotalKiB: number) => runtimeEnv(boot(world(), "node-1", { memTotalKiB })).match(/JVM_MEM_OPTS="(.*)"/)![1];
        assert.equal(heap(1_000_000), "-Xms1024m -Xmx1024m");
        assert.equal(heap(130_000_000), "-Xms30720m -Xmx30720m");
    });

    it("never overwrites what the region already shares from a later node's pack", () => {
        fs.writeFileSync(deployedApi(w), "published through the Publisher");
        const second = boot(w, "node-2");
        assert.equal(second.status, 0, second.log);
        assert.equal(fs.readFileSync(deployedApi(w), "utf8"), "published through the Publisher");
        assert.doesNotMatch(second.log, /seeding/);
    });

    it("a second start with the same user-data does nothing twice: no download, no second fstab entry, no file rewritten", () => {
        const w = world();
        const userData = nodeUserData(w, "node-1");
        firstStart(w, "node-1", userData);
        assert.equal(start(w, "node-1", userData).status, 0);
        const again = start(w, "node-1", userData);
        assert.equal(again.status, 0, again.log);
        assert.doesNotMatch(again.calls, /^aws s3 cp .*wso2am-3\.1\.0\.zip/m);
        assert.match(again.log, /WSO2 pack already in/);
        assert.match(again.log, /node files match the current user-data/);
        assert.equal(fs.readFileSync(path.join(again.nodeRoot, "etc", "fstab"), "utf8").trim().split("\n").length, SHARED_PATHS.length);
        assert.match(again.calls, /^systemctl restart --no-block wso2am\.service$/m);
    });

    it("a start after `pulumi up` changed the user-data (the provider stops and starts the node) installs the new files", () => {
        const w = world();
        const before = nodeUserData(w, "node-1");
        firstStart(w, "node-1", before);
        assert.equal(start(w, "node-1", before).status, 0);
        // cloud-init does not write files again on this start; only the boot does.
        const after = nodeUserData(w, "node-1", (files) => {
            const toml = files.find((f) => f.path === "/etc/wso2-apim/deployment.toml")!;
            const changed = writtenContent(toml).replace('hostname = "apim.example.com"', 'hostname = "portal.example.com"');
            toml.content = toml.encoding === "gz+b64" ? zlib.gzipSync(changed).toString("base64") : changed;
        });
        const restarted = start(w, "node-1", after);
        assert.equal(restarted.status, 0, restarted.log);
        assert.match(restarted.log, /node files rewritten from the current user-data: \/etc\/wso2-apim\/deployment\.toml $/m);
        assert.match(fs.readFileSync(path.join(restarted.apimHome, "repository", "conf", "deployment.toml"), "utf8"), /hostname = "portal\.example\.com"/);
        assert.match(restarted.calls, /^systemctl restart --no-block wso2am\.service$/m);
    });

    it("a changed boot script in the user-data runs in place of the old one, once", () => {
        const w = world();
        const before = nodeUserData(w, "node-1");
        firstStart(w, "node-1", before);
        assert.equal(start(w, "node-1", before).status, 0);
        const after = nodeUserData(w, "node-1", (files) => {
            const script = files.find((f) => f.path === "/usr/local/sbin/wso2-bootstrap")!;
            delete script.encoding;
            script.content = BOOTSTRAP_SCRIPT.replace('log "starting"', 'log "starting (script v2)"');
        });
        const restarted = start(w, "node-1", after);
        assert.equal(restarted.status, 0, restarted.log);
        assert.match(restarted.log, /the boot script itself changed; running the new one/);
        assert.match(restarted.log, /starting \(script v2\)/);
        assert.equal(restarted.calls.match(/latest\/user-data/g)?.length, 1, "the new script read the user-data again");
    });

    it("retries transient faults of IMDS, dnf, S3, Secrets Manager and the EFS mount, with growing pauses", () => {
        const w = world();
        const node = boot(w, "node-1", { failures: { curl: 2, dnf: 1, aws: 2, mount: 1 } });
        assert.equal(node.status, 0, node.log);
        assert.match(node.log, /attempt 1 failed: fetch_user_data/);
        assert.match(node.log, /attempt 1 failed: dnf install/);
        // The first S3 call of a start fetches the boot hooks (the node-tools hook runs first).
        assert.match(node.log, /attempt 2 failed: aws s3 cp --only-show-errors s3:\/\/hooks\/40-node-tools\.sh/);
        assert.match(node.log, /attempt 1 failed: mount /);
        assert.deepEqual(node.calls.match(/^sleep .*$/gm), ["sleep 5", "sleep 10", "sleep 5", "sleep 10", "sleep 5", "sleep 5"]);
        assert.match(node.calls, /^systemctl restart --no-block wso2am\.service$/m);
        // Once the pack is in place, the hooks and Secrets Manager are the AWS calls of a start, each retried.
        const again = start(w, "node-1", nodeUserData(w, "node-1"), { failures: { aws: 2 } });
        assert.equal(again.status, 0, again.log);
        assert.match(again.log, /attempt 2 failed: aws s3 cp --only-show-errors s3:\/\/hooks\/40-node-tools\.sh /);
        const secretFault = start(w, "node-1", nodeUserData(w, "node-1"), { failures: {} });
        assert.equal(secretFault.status, 0, secretFault.log);
        assert.match(secretFault.calls, /^aws secretsmanager get-secret-value --region us-east-1 --secret-id wso2-apim\/wso2-admin /m);
    });

    it("gives up after a bounded number of attempts and names the step; WSO2 is not started", () => {
        const node = boot(world(), "node-1", { failures: { aws: 99 } });
        assert.notEqual(node.status, 0);
        // The boot bucket unreachable: the hooks (and with them the node's scripts) cannot be fetched.
        assert.match(node.log, /wso2-bootstrap: gave up after 5 attempts: aws s3 cp --only-show-errors s3:\/\/hooks\/40-node-tools\.sh /);
        assert.deepEqual(node.calls.match(/^sleep .*$/gm), ["sleep 5", "sleep 10", "sleep 20", "sleep 40"]);
        assert.doesNotMatch(node.calls, /^systemctl (restart|start).*wso2am/m);
        assert.doesNotMatch(node.calls, /^aws s3 cp .*wso2am-3\.1\.0\.zip/m, "nothing is installed after a failed step");
    });

    it("reads the admin secret only after the boot hooks (a DC that is not the trusted source waits there until the secret's replica exists) and keeps the schema passwords they wrote", () => {
        const w = world();
        const runtimeEnvFile = path.join(w.root, "node-1", "etc", "wso2-apim", "runtime.env");
        // Stands in for the database hook: records that it ran and writes a schema password.
        fs.writeFileSync(path.join(w.s3, "hooks", "database.sh"),
            `echo "hook ran" >>"$FAKE_CALLS"\nprintf 'APIM_DB_PASSWORD=Db_Pass_1\\n' >>${shellQuote(runtimeEnvFile)}\n`);
        const userData = nodeUserData(w, "node-1", (files) => {
            files.find((f) => f.path === "/etc/wso2-apim/bootstrap.env")!.content += `BOOT_HOOK_URIS='${NODE_TOOLS_HOOK_URI} s3://hooks/database.sh'\n`;
        });
        firstStart(w, "node-1", userData);
        const node = start(w, "node-1", userData);
        assert.equal(node.status, 0, node.log);
        const lines = node.calls.split("\n");
        const hook = lines.indexOf("hook ran");
        const secret = lines.findIndex((line) => line.startsWith("aws secretsmanager get-secret-value"));
        assert.ok(hook >= 0 && secret > hook, `the admin secret was read before the boot hooks:\n${node.calls}`);
        assert.match(runtimeEnv(node), /^WSO2_ADMIN_PASSWORD=Admin-Pass-1$/m);
        assert.match(runtimeEnv(node), /^APIM_DB_PASSWORD=Db_Pass_1$/m);
    });

    describe("what a change does at the node's next start (issue 24, item 5)", () => {
        const sha256 = (text: string) => require("crypto").createHash("sha256").update(text).digest("hex") as string;
        const PACK_U2 = "the pack with update 2";
        /** A node's user-data with bootstrap.env lines appended (later assignments win). */
        const withEnv = (w: World, lines: Record<string, string>) => nodeUserData(w, "node-1", (files) => {
            files.find((f) => f.path === "/etc/wso2-apim/bootstrap.env")!.content += Object.entries(lines).map(([k, v]) => `${k}=${shellQuote(v)}`).join("\n") + "\n";
        });
        const fresh = () => {
            const w = world();
            fs.writeFileSync(path.join(w.s3, "packs", "wso2am-3.1.0-u2.zip"), PACK_U2);
            const userData = nodeUserData(w, "node-1");
            firstStart(w, "node-1", userData);
            const node = start(w, "node-1", userData);
            assert.equal(node.status, 0, node.log);
            return { w, node, userData };
        };
        const home = (node: { apimHome: string }) => fs.readlinkSync(node.apimHome);
        const marker = (node: { nodeRoot: string }) => path.join(node.nodeRoot, "var", "lib", "wso2-apim", "install-failures", "wso2-pack");

        it("a new wso2PackS3Uri installs into its own directory and switches the WSO2 home to it; the previous version is kept, older ones go, and a rollback downloads nothing", () => {
            const { w, node } = fresh();
            const first = home(node);
            assert.match(first, /wso2am-3\.1\.0-[0-9a-f]{16}$/);
            fs.writeFileSync(deployedApi(w), "published through the Publisher");

            const u2 = withEnv(w, { WSO2_PACK_S3_URI: "s3://packs/wso2am-3.1.0-u2.zip" });
            const changed = start(w, "node-1", u2);
            assert.equal(changed.status, 0, changed.log);
            const second = home(changed);
            assert.notEqual(second, first);
            assert.match(changed.calls, /^aws s3 cp --only-show-errors s3:\/\/packs\/wso2am-3\.1\.0-u2\.zip /m);
            assert.ok(fs.existsSync(path.join(first, "bin", "wso2server.sh")), "the previous version is kept for rollback");
            // The new version reads the same shared directories (symlinks to the EFS mounts) and gets the rendered deployment.toml.
            for (const { path: p } of SHARED_PATHS) {
                const link = p.replace("/opt/wso2am-3.1.0", second);
                assert.equal(fs.readlinkSync(link), path.join(changed.nodeRoot, "mnt", "wso2-shared", path.basename(p)));
            }
            assert.equal(fs.readFileSync(deployedApi(w), "utf8"), "published through the Publisher", "the region's shared files are untouched");
            assert.ok(fs.existsSync(path.join(second, "repository", "conf", "deployment.toml")));
            assert.match(changed.calls, /^systemctl restart --no-block wso2am\.service$/m);

            const third = start(w, "node-1", withEnv(w, { WSO2_PACK_S3_URI: "s3://packs/wso2am-3.1.0.zip", WSO2_PACK_SHA256: sha256("a zip, as far as the fake unzip cares") }));
            assert.equal(third.status, 0, third.log);
            assert.ok(!fs.existsSync(first), "only the previous version is kept");
            assert.ok(fs.existsSync(second));

            const back = start(w, "node-1", u2);
            assert.equal(home(back), second);
            assert.doesNotMatch(back.calls, /^aws s3 cp .*wso2am-3\.1\.0/m, "the kept version is switched back to without a download");
            assert.match(back.log, /WSO2 pack already in /);
        });

        it("a checksum that does not match: the node keeps running its version, the gate's marker names wso2PackSha256, nothing is left half-installed", () => {
            const { w, node } = fresh();
            const before = home(node);
            const bad = start(w, "node-1", withEnv(w, { WSO2_PACK_S3_URI: "s3://packs/wso2am-3.1.0-u2.zip", WSO2_PACK_SHA256: "0".repeat(64) }));
            assert.equal(bad.status, 0, bad.log);
            assert.equal(home(bad), before);
            assert.equal(fs.readFileSync(marker(bad), "utf8"), `wso2PackSha256: s3://packs/wso2am-3.1.0-u2.zip has SHA-256 ${sha256(PACK_U2)}, not ${"0".repeat(64)}\n`);
            assert.doesNotMatch(bad.calls, /^unzip /m, "a pack that fails its checksum is never unpacked");
            assert.deepEqual(fs.readdirSync(bad.nodeRoot).filter((name) => name.startsWith("wso2am-3.1.0")).length, 2, "the home link and its one version");
            assert.match(bad.calls, /^systemctl restart --no-block wso2am\.service$/m);

            // The right checksum installs it at the next start and clears the marker.
            const good = start(w, "node-1", withEnv(w, { WSO2_PACK_S3_URI: "s3://packs/wso2am-3.1.0-u2.zip", WSO2_PACK_SHA256: sha256(PACK_U2) }));
            assert.equal(good.status, 0, good.log);
            assert.notEqual(home(good), before);
            assert.ok(!fs.existsSync(marker(good)));
        });

        it("a pack URI that changes to an object that does not exist: the node keeps its version, the marker names wso2PackS3Uri", () => {
            const { w, node } = fresh();
            const missing = start(w, "node-1", withEnv(w, { WSO2_PACK_S3_URI: "s3://packs/no-such-pack.zip" }));
            assert.equal(missing.status, 0, missing.log);
            assert.equal(home(missing), home(node));
            assert.equal(fs.readFileSync(marker(missing), "utf8"), "wso2PackS3Uri: cannot download s3://packs/no-such-pack.zip\n");
            assert.match(missing.log, /wso2PackS3Uri: cannot download s3:\/\/packs\/no-such-pack\.zip; WSO2 keeps /);
        });

        it("an interrupted install (a partial, root-owned unpack) is removed at the next start, never used", () => {
            const w = world();
            const userData = nodeUserData(w, "node-1");
            firstStart(w, "node-1", userData);
            const nodeRoot = path.join(w.root, "node-1");
            const partial = path.join(nodeRoot, "wso2am-3.1.0.staging-abc123", "wso2am-3.1.0", "repository");
            fs.mkdirSync(partial, { recursive: true });
            const failed = start(w, "node-1", userData, { failures: { unzip: 1 } });
            assert.notEqual(failed.status, 0);
            assert.match(failed.log, /FAILED: wso2PackS3Uri: s3:\/\/packs\/wso2am-3\.1\.0\.zip did not unpack to wso2am-3\.1\.0\/bin\/wso2server\.sh$/m);
            assert.ok(!fs.existsSync(path.join(nodeRoot, "wso2am-3.1.0")), "no WSO2 home from a failed unpack");
            assert.deepEqual(fs.readdirSync(nodeRoot).filter((name) => name.includes("staging")), []);
            const next = start(w, "node-1", userData);
            assert.equal(next.status, 0, next.log);
            assert.ok(fs.existsSync(path.join(next.apimHome, "bin", "wso2server.sh")));
        });

        /**
         * A node booted before versioned installs: the pack a directory at the WSO2 home, the shared
         * directories mounted inside it by fstab lines of their own, an API published on EFS.
         */
        const legacyNode = () => {
            const w = world();
            const userData = nodeUserData(w, "node-1");
            firstStart(w, "node-1", userData);
            const nodeRoot = path.join(w.root, "node-1");
            const legacy = path.join(nodeRoot, "wso2am-3.1.0");
            fs.cpSync(packTree(w, "legacy", "from the pack"), legacy, { recursive: true });
            const fstab = path.join(nodeRoot, "etc", "fstab");
            fs.writeFileSync(fstab, "LABEL=/ / xfs defaults 0 0\n");
            for (const { key, path: p } of SHARED_PATHS) {
                const dir = p.replace("/opt/wso2am-3.1.0", legacy);
                const ap = ACCESS_POINTS[key];
                fs.appendFileSync(fstab, `fs-0123:/ ${dir} efs _netdev,noresvport,tls,iam,accesspoint=${ap} 0 0\n`);
                fs.mkdirSync(path.join(w.efs, ap), { recursive: true });
                fs.rmSync(dir, { recursive: true, force: true });
                fs.mkdirSync(path.dirname(dir), { recursive: true });
                fs.symlinkSync(path.join(w.efs, ap), dir); // mounted, as the fake mount does it
            }
            fs.mkdirSync(path.join(w.efs, "fsap-synapse", "default", "api"), { recursive: true });
            fs.writeFileSync(deployedApi(w), "published through the Publisher");
            return { w, userData, nodeRoot, legacy, fstab };
        };

        it("a node booted before versioned installs (the pack a directory, the mounts inside it) moves it aside, installs and keeps it for rollback; fstab gets the new mount points", () => {
            const { w, userData, nodeRoot, legacy, fstab } = legacyNode();
            const node = start(w, "node-1", userData);
            assert.equal(node.status, 0, node.log);
            assert.match(node.log, /moving the unversioned pack in .* aside/);
            assert.match(home(node), /wso2am-3\.1\.0-[0-9a-f]{16}$/);
            assert.ok(fs.existsSync(`${legacy}-unversioned/bin/wso2server.sh`), "kept for rollback");
            const lines = fs.readFileSync(fstab, "utf8").trim().split("\n");
            assert.equal(lines[0], "LABEL=/ / xfs defaults 0 0", "other file systems stay");
            assert.equal(lines.length, 1 + SHARED_PATHS.length);
            for (const line of lines.slice(1)) assert.match(line, new RegExp(`^fs-0123:/ ${nodeRoot}/mnt/wso2-shared/[\\w-]+ efs `));
            assert.equal(fs.readFileSync(deployedApi(w), "utf8"), "published through the Publisher");
            assert.equal((node.calls.match(/^umount /gm) ?? []).length, SHARED_PATHS.length, "the old mounts are taken down before the move");
        });

        it("a migrating boot that stops before its mounts (EFS unreachable) leaves no fstab line inside the old home, so a reboot mounts nothing through its links", () => {
            const { w, userData, legacy, fstab } = legacyNode();
            const node = start(w, "node-1", userData, { failures: { mount: 99 } });
            assert.notEqual(node.status, 0, node.log);
            assert.match(node.log, /moving the unversioned pack in .* aside/);
            const lines = fs.readFileSync(fstab, "utf8").trim().split("\n");
            assert.equal(lines[0], "LABEL=/ / xfs defaults 0 0");
            assert.ok(!lines.some((line) => line.includes(` ${legacy}/`)), lines.join("\n"));
        });

        it("a changed EFS access point (a new id) is written to fstab and mounted at the next start, replacing the old line and mount", () => {
            const { w } = fresh();
            const moved = withEnv(w, {
                SHARED_MOUNTS: SHARED_PATHS.map(({ key, path: p }) => `${p.slice("/opt/wso2am-3.1.0/".length)}=${key === "synapse-configs" ? "fsap-synapse-2" : ACCESS_POINTS[key]}`).join(" "),
            });
            const node = start(w, "node-1", moved);
            assert.equal(node.status, 0, node.log);
            const fstab = fs.readFileSync(path.join(node.nodeRoot, "etc", "fstab"), "utf8").trim().split("\n");
            assert.equal(fstab.length, SHARED_PATHS.length);
            assert.equal(fstab.filter((line) => line.includes("accesspoint=fsap-synapse-2")).length, 1);
            assert.ok(!fstab.some((line) => line.includes("accesspoint=fsap-synapse ")));
            assert.match(node.log, /fstab: \S+\/synapse-configs from access point fsap-synapse-2/);
            assert.equal(fs.readlinkSync(path.join(node.nodeRoot, "mnt", "wso2-shared", "synapse-configs")), path.join(w.efs, "fsap-synapse-2"));
            assert.equal((node.calls.match(/^umount /gm) ?? []).length, 1, "only the changed mount is taken down");
            // The next start with the same parameters changes nothing.
            const again = start(w, "node-1", moved);
            assert.doesNotMatch(again.log, /fstab: /);
        });
    });
});
