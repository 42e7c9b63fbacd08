# Writes each file of a cloud-config's write_files (the instance's current user-data, on stdin)
# whose content differs, atomically, under $FILES_ROOT, and prints the paths it wrote. cloud-init
# writes them once per instance; the node's boot and the GoldenGate hub's start run this at every
# start so that a changed user-data takes effect. Embedded in their scripts at render time
# (lib/render/script-text.ts withUserDataWriter); no single quote, it travels in one.
import base64, gzip, os, sys, yaml
root = os.environ.get("FILES_ROOT", "")
document = yaml.safe_load(sys.stdin)
if not isinstance(document, dict) or not document.get("write_files"):
    sys.exit("the user-data is not a cloud-config with write_files")
for entry in document["write_files"]:
    path, content = root + entry["path"], entry["content"].encode()
    if entry.get("encoding") == "gz+b64":
        content = gzip.decompress(base64.b64decode(content))
    try:
        with open(path, "rb") as current:
            if current.read() == content:
                continue
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".new", "wb") as new:
        new.write(content)
    os.chmod(path + ".new", int(entry["permissions"], 8))
    os.replace(path + ".new", path)
    print(entry["path"])
