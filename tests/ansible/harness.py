"""Shared by the Ansible tests: runs the real ansible-playbook (Debian's
ansible-core) on an inventory of local hosts, each with its own target
directory (the tool's --root), in a temporary workspace that is removed
afterwards. Nothing outside the workspace is read or written but the
sources and the built binary.

ctest passes MOSQ_BINARY (the built mosq-reconcile) and MOSQ_SOURCE_DIR.
"""
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile

SOURCE_DIR = os.environ.get("MOSQ_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("MOSQ_BINARY") or os.path.join(SOURCE_DIR, "build", "mosq-reconcile")
COLLECTIONS = os.path.join(SOURCE_DIR, "ansible", "collections")
MODULES = os.path.join(COLLECTIONS, "ansible_collections", "mosq_reconcile", "mosquitto", "plugins",
                       "modules")
MODULE_FILE = os.path.join(MODULES, "mosq_reconcile.py")
PYTHON = "/usr/bin/python3"

RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def require_tools(test):
    """Fails (does not skip) when what ci/test.sh installs is missing."""
    for tool in ("ansible-playbook", "ansible-doc", "ansible-vault", "openssl"):
        if shutil.which(tool) is None:
            test.fail("%s is not installed: run ci/test.sh (ci/deps.sh installs ansible-core)" % tool)
    if not os.access(BINARY, os.X_OK):
        test.fail("the built mosq-reconcile is missing: %s" % BINARY)


class Run:
    """One ansible-playbook run: exit status, output and the PLAY RECAP."""

    def __init__(self, args, completed, tree_dir):
        self.args = args
        self.rc = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr
        self.recap = {m.group(1): {"ok": int(m.group(2)), "changed": int(m.group(3)),
                                   "unreachable": int(m.group(4)), "failed": int(m.group(5))}
                      for m in RECAP.finditer(self.out)}
        # The tree callback's file per host: the host's last task result.
        self.results = {}
        if tree_dir and os.path.isdir(tree_dir):
            for host in os.listdir(tree_dir):
                with open(os.path.join(tree_dir, host), encoding="utf-8") as handle:
                    self.results[host] = json.load(handle)

    def all_output(self):
        return self.out + self.err

    def describe(self):
        return "ansible-playbook %s -> exit %d\n--- stdout\n%s\n--- stderr\n%s" % (
            " ".join(self.args), self.rc, self.out, self.err)


class Workspace:
    """A temporary directory with an ansible home, an inventory of local
    hosts and their target directories."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="mosq-ansible-test-")
        os.chmod(self.path, 0o755)  # not world-writable: Ansible reads an ansible.cfg here
        self.home = self.join("home")
        os.makedirs(self.join("home", ".ansible", "remote"), mode=0o700)
        self._runs = 0

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)

    def join(self, *parts):
        return os.path.join(self.path, *parts)

    def write(self, relative, content, mode=0o644):
        path = self.join(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(path, mode)
        return path

    def host_root(self, host):
        path = self.join("hosts", host)
        os.makedirs(path, exist_ok=True)
        return path

    def inventory(self, hosts, group_vars=None, name="inventory.ini"):
        """hosts: {name: {var: value}}. Each host is local, with target_root= its own directory."""
        lines = ["[brokers]"]
        for host, host_vars in hosts.items():
            values = {"ansible_connection": "local", "target_root": self.host_root(host)}
            values.update(host_vars)
            lines.append(host + " " + " ".join("%s=%s" % (k, json.dumps(v) if " " in str(v) else v)
                                               for k, v in values.items()))
        lines += ["", "[brokers:vars]", "ansible_python_interpreter=" + PYTHON]
        for key, value in (group_vars or {}).items():
            lines.append("%s=%s" % (key, value))
        return self.write(name, "\n".join(lines) + "\n")

    def environment(self, extra=None):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home,
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "ANSIBLE_LOCAL_TEMP": self.join("home", ".ansible", "local"),
            "ANSIBLE_REMOTE_TEMP": self.join("home", ".ansible", "remote"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "ANSIBLE_PIPELINING": "1",
            "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
        }
        env.update(extra or {})
        return env

    def playbook(self, playbook, inventory, *args, env=None, library=True, cwd=None):
        """Runs ansible-playbook; the module is found through ANSIBLE_LIBRARY."""
        self._runs += 1
        tree = self.join("tree-%d" % self._runs)
        extra = {"ANSIBLE_CALLBACKS_ENABLED": "tree", "ANSIBLE_CALLBACK_TREE_DIR": tree}
        if library:
            extra["ANSIBLE_LIBRARY"] = MODULES
        extra.update(env or {})
        argv = ["ansible-playbook", "-i", inventory, playbook] + list(args)
        completed = subprocess.run(argv, cwd=cwd or self.path, env=self.environment(extra),
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
        return Run(argv[1:], completed, tree)


def snapshot(directory):
    """path -> (mode, size, sha256, mtime_ns) of everything under directory."""
    state = {}
    for top, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(top, name)
            info = os.lstat(path)
            digest = ""
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            state[os.path.relpath(path, directory)] = (stat.S_IMODE(info.st_mode), info.st_size, digest,
                                                       info.st_mtime_ns)
    return state


def regular_files(directory):
    return sorted(os.path.relpath(os.path.join(top, name), directory)
                  for top, _, files in os.walk(directory) for name in files)


def make_ca(directory, subject="/O=Example/CN=Example Fleet CA", days=3650):
    """A CA made with openssl on the control node: (certificate path, key PEM text)."""
    key = subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                         check=True, capture_output=True, text=True).stdout
    cert = os.path.join(directory, "fleet-ca.crt")
    subprocess.run(["openssl", "req", "-x509", "-new", "-key", "/dev/stdin", "-subj", subject, "-days",
                    str(days), "-out", cert], input=key, check=True, capture_output=True, text=True)
    return cert, key


def key_body_lines(pem):
    """The base64 lines of a PEM: none may appear in any output or file."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def openssl_verify(ca, cert):
    return subprocess.run(["openssl", "verify", "-CAfile", ca, cert], capture_output=True, text=True)


def public_key_of_certificate(cert):
    return subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-pubkey"], check=True,
                          capture_output=True, text=True).stdout


def public_key_of_key_file(path):
    result = subprocess.run(["openssl", "pkey", "-in", path, "-pubout", "-passin", "pass:"],
                            capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else ""
