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
        bootstrap: {
            region: "us-east-1",
            wso2PackS3Uri: "s3://packs/wso2am-3.1.0.zip",
            efsFileSystemId: "fs-0123",
            accessPointIds: ACCESS_POINTS,
            adminSecretId: "wso2-apim/wso2-admin",
            bootHookUris: [],
        },
        deploymentToml: {
            hostname: "apim.example.com",
            globalGatewayHost: "gateway.example.com",
            datacenter: "DC1",
            database: { host: "oracle.dc1.wso2-apim.internal", port: 1521, serviceName: "APIMDB", amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED" },
            trafficManagers: ["apim-1.dc1.wso2-apim.internal"],
            gatewayTokenCacheSeconds: 900,
            gatewayEnvironments: [{ datacenter: "DC1", region: "us-east-1", gatewayHost: "gateway-us-east-1.example.com", adminServicesHost: "apim.dc1.wso2-apim.internal" }],
        },
        database: NODE_DATABASE,
        healthSignal: NODE_HEALTH_SIGNAL,
    }));
    const local = (p: string) => p.replace("/opt/wso2am-3.1.0", apimHome);
    const overrides = {
        APIM_HOME: apimHome,
        SHARED_MOUNTS: SHARED_PATHS.map(({ key, path: p }) => `${local(p)}=${ACCESS_POINTS[key]}`).join(" "),
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
        assert.match(node.log, /attempt 2 failed: aws s3 cp --only-show-errors s3:\/\/packs\/wso2am-3\.1\.0\.zip/);
        assert.match(node.log, /attempt 1 failed: mount /);
        assert.deepEqual(node.calls.match(/^sleep .*$/gm), ["sleep 5", "sleep 10", "sleep 5", "sleep 5", "sleep 10", "sleep 5"]);
        assert.match(node.calls, /^systemctl restart --no-block wso2am\.service$/m);
        // Once the pack is in place, Secrets Manager is the first AWS call of a start.
        const again = start(w, "node-1", nodeUserData(w, "node-1"), { failures: { aws: 1 } });
        assert.equal(again.status, 0, again.log);
        assert.match(again.log, /attempt 1 failed: aws secretsmanager get-secret-value --region us-east-1 --secret-id wso2-apim\/wso2-admin /);
    });

    it("gives up after a bounded number of attempts and names the step; WSO2 is not started", () => {
        const node = boot(world(), "node-1", { failures: { aws: 99 } });
        assert.notEqual(node.status, 0);
        assert.match(node.log, /wso2-bootstrap: FAILED: gave up after 5 attempts: aws s3 cp --only-show-errors s3:\/\/packs\/wso2am-3\.1\.0\.zip /);
        assert.deepEqual(node.calls.match(/^sleep .*$/gm), ["sleep 5", "sleep 10", "sleep 20", "sleep 40"]);
        assert.doesNotMatch(node.calls, /^systemctl (restart|start).*wso2am/m);
        // The health gate's signal runs even so: it reports only a node healthy behind the ALB.
        assert.match(node.calls, /^systemctl enable --now wso2-health-signal\.timer$/m);
    });

    it("reads the admin secret only after the boot hooks (a DC that is not the trusted source waits there until the secret's replica exists) and keeps the schema passwords they wrote", () => {
        const w = world();
        const runtimeEnvFile = path.join(w.root, "node-1", "etc", "wso2-apim", "runtime.env");
        fs.mkdirSync(path.join(w.s3, "hooks"));
        // Stands in for the database hook: records that it ran and writes a schema password.
        fs.writeFileSync(path.join(w.s3, "hooks", "database.sh"),
            `echo "hook ran" >>"$FAKE_CALLS"\nprintf 'APIM_DB_PASSWORD=Db_Pass_1\\n' >>${shellQuote(runtimeEnvFile)}\n`);
        const userData = nodeUserData(w, "node-1", (files) => {
            files.find((f) => f.path === "/etc/wso2-apim/bootstrap.env")!.content += "BOOT_HOOK_URIS='s3://hooks/database.sh'\n";
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
});
