/**
 * The node boot script (lib/render/scripts/bootstrap.sh), run by bash against fakes: there is no
 * EC2 instance, EFS or AWS account here. The fakes, written by this test into a bin directory
 * first on PATH, are as small as possible: package and user tools only record their calls; `aws`
 * copies the "pack" and hooks from a directory standing in for S3 and answers the one secret;
 * `mount` links a shared directory to a directory standing in for the EFS access point (so two
 * "nodes" share it); `unzip` copies a prepared pack tree. The script itself runs unchanged, with
 * its paths (APIM_HOME, config dir, fstab) pointed into a temporary directory.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderBootstrapEnv, shellQuote } from "../lib/render/bootstrap-env";
import { BOOTSTRAP_SCRIPT } from "../lib/render/user-data";
import { SHARED_PATHS } from "../lib/shared-paths";

const FAKES: Record<string, string> = {
    dnf: "",
    "amazon-cloudwatch-agent-ctl": "",
    groupadd: "",
    useradd: "",
    chown: "",
    systemctl: "",
    getent: "exit 2",
    install: 'for last; do :; done; cp "${@: -2:1}" "$last"',
    curl: 'case "$*" in *api/token*) echo token ;; *local-ipv4*) echo 10.10.128.7 ;; esac',
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
        'ap=$(grep " $dir efs " "$FSTAB" | sed "s/.*accesspoint=\\([^ ]*\\).*/\\1/")',
        'mkdir -p "$FAKE_EFS/$ap" && rmdir "$dir" && ln -s "$FAKE_EFS/$ap" "$dir"',
    ].join("\n"),
};

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
        fs.writeFileSync(path.join(w.bin, name), `#!/bin/bash\nprintf '%s %s\\n' "${name}" "$*" >>"$FAKE_CALLS"\n${body}\n`, { mode: 0o755 });
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

function boot(w: World, node: string, marker: string, awsOverride?: string) {
    const nodeRoot = path.join(w.root, node);
    const apimHome = path.join(nodeRoot, "wso2am-3.1.0");
    const configDir = path.join(nodeRoot, "etc");
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(path.join(configDir, "deployment.toml"), "[server]\n");
    const accessPointIds = { "synapse-configs": "fsap-synapse", executionplans: "fsap-plans", tenants: "fsap-tenants" };
    const env = renderBootstrapEnv({
        region: "us-east-1",
        wso2PackS3Uri: "s3://packs/wso2am-3.1.0.zip",
        efsFileSystemId: "fs-0123",
        accessPointIds,
        adminSecretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:wso2-apim/dc1/wso2-admin-x",
        bootHookUris: [],
    });
    // Point the rendered (absolute) paths into this node's directory; later assignments win.
    const local = (p: string) => p.replace("/opt/wso2am-3.1.0", apimHome);
    const overrides = {
        APIM_HOME: apimHome,
        SHARED_MOUNTS: SHARED_PATHS.map(({ key, path: p }) => `${local(p)}=${accessPointIds[key]}`).join(" "),
        SEED_DIR: path.join(nodeRoot, "seed"),
        SEED_WAIT_SECONDS: "10",
        RUNTIME_ENV_FILE: path.join(configDir, "runtime.env"),
    };
    const envFile = path.join(configDir, "bootstrap.env");
    fs.writeFileSync(envFile, env + Object.entries(overrides).map(([k, v]) => `${k}=${shellQuote(v)}`).join("\n") + "\n");
    if (!fs.existsSync(path.join(nodeRoot, "fstab"))) fs.writeFileSync(path.join(nodeRoot, "fstab"), "");
    const calls = path.join(nodeRoot, "calls.log");
    fs.writeFileSync(calls, "");
    if (awsOverride) fs.writeFileSync(path.join(w.bin, "aws"), `#!/bin/bash\n${awsOverride}\n`, { mode: 0o755 });
    const result = spawnSync("bash", ["-c", BOOTSTRAP_SCRIPT, "bootstrap"], {
        encoding: "utf8",
        env: {
            PATH: `${w.bin}:${process.env.PATH}`,
            BOOTSTRAP_ENV: envFile,
            CONFIG_DIR: configDir,
            FSTAB: path.join(nodeRoot, "fstab"),
            FAKE_CALLS: calls,
            FAKE_S3: w.s3,
            FAKE_EFS: w.efs,
            FAKE_PACK_TREE: packTree(w, node, marker),
        },
    });
    return { ...result, apimHome, configDir, nodeRoot, calls: fs.readFileSync(calls, "utf8") };
}

const deployedApi = (w: World) => path.join(w.efs, "fsap-synapse", "default", "api", "PizzaAPI.xml");

describe("node boot script (bash, against fakes)", () => {
    it("installs the pack, mounts the three shared paths, seeds them once, writes the runtime env and starts WSO2", () => {
        const w = world();
        const node = boot(w, "node-1", "from the pack");
        assert.equal(node.status, 0, node.stdout + node.stderr);
        for (const { path: p } of SHARED_PATHS) {
            const dir = p.replace("/opt/wso2am-3.1.0", node.apimHome);
            assert.ok(fs.lstatSync(dir).isSymbolicLink(), `${dir} is not on the (fake) EFS`);
            assert.ok(fs.existsSync(path.join(dir, ".seeded")));
        }
        assert.equal(fs.readFileSync(deployedApi(w), "utf8"), "from the pack");
        const fstab = fs.readFileSync(path.join(node.nodeRoot, "fstab"), "utf8").trim().split("\n");
        assert.equal(fstab.length, 3);
        for (const line of fstab) assert.match(line, /^fs-0123:\/ \S+ efs _netdev,noresvport,tls,iam,accesspoint=fsap-\w+ 0 0$/);
        assert.equal(fs.readFileSync(path.join(node.configDir, "runtime.env"), "utf8"), "NODE_IP=10.10.128.7\nWSO2_ADMIN_PASSWORD=Admin-Pass-1\n");
        assert.equal(fs.statSync(path.join(node.configDir, "runtime.env")).mode & 0o777, 0o600);
        assert.ok(fs.existsSync(path.join(node.apimHome, "repository", "conf", "deployment.toml")));
        assert.match(node.calls, /^dnf install -y -q java-11-amazon-corretto-headless amazon-efs-utils amazon-cloudwatch-agent unzip$/m);
        assert.match(node.calls, /^amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:\/etc\/wso2-apim\/cloudwatch-agent\.json$/m);
        assert.match(node.calls, /^systemctl enable wso2am\.service$/m);
        assert.match(node.calls, /^systemctl restart wso2am\.service$/m);
        assert.ok(!node.stdout.includes("Admin-Pass-1") && !node.stderr.includes("Admin-Pass-1"), "the admin password was logged");
    });

    it("never overwrites what the region already shares from a later node's pack", () => {
        const w = world();
        assert.equal(boot(w, "node-1", "from the pack").status, 0);
        fs.writeFileSync(deployedApi(w), "published through the Publisher");
        const second = boot(w, "node-2", "from another pack");
        assert.equal(second.status, 0, second.stdout + second.stderr);
        assert.equal(fs.readFileSync(deployedApi(w), "utf8"), "published through the Publisher");
        assert.doesNotMatch(second.stdout, /seeding/);
    });

    it("does nothing twice on a reboot: no second download, no second fstab entry", () => {
        const w = world();
        assert.equal(boot(w, "node-1", "from the pack").status, 0);
        const again = boot(w, "node-1", "from the pack");
        assert.equal(again.status, 0, again.stdout + again.stderr);
        assert.doesNotMatch(again.calls, /^aws s3 cp .*wso2am-3\.1\.0\.zip/m);
        assert.match(again.stdout, /WSO2 pack already in/);
        assert.equal(fs.readFileSync(path.join(again.nodeRoot, "fstab"), "utf8").trim().split("\n").length, 3);
    });

    it("stops the boot with the failing step when a command fails", () => {
        const w = world();
        const node = boot(w, "node-1", "from the pack", 'echo "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden" >&2; exit 1');
        assert.notEqual(node.status, 0);
        assert.match(node.stdout, /wso2-bootstrap: FAILED: line \d+: aws s3 cp --only-show-errors "\$WSO2_PACK_S3_URI" "\$archive"/);
        assert.doesNotMatch(node.calls, /systemctl/);
    });
});
