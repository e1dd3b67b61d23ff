#!/usr/bin/python3
"""examples/ansible, run as written, as a new user would: copy it, make the
fleet's one CA on the control node (make-fleet-ca.sh: the certificate in
files/, its key in Ansible Vault), list the brokers in inventory.ini (here
three local hosts, each converging its own directory), then run site.yml:
check mode, apply, apply again. Every broker's server certificate verifies
against the one CA file, no broker holds the CA key, the second run is
changed=0 everywhere, and no secret is ever shown."""
import os
import shutil
import subprocess
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOSTS = ("broker1.example.test", "broker2.example.test", "broker3.example.test")
VAULT_PASSWORD = "example-Vault-Pass-6464"
# What make-fleet-ca.sh makes; .gitignore keeps them out of the repository.
MADE_BY_THE_USER = ("fleet-ca.crt", "vault.yml")


class ExampleFleetTest(unittest.TestCase):
    def setUp(self):
        harness.require_tools(self)
        self.ws = harness.Workspace()
        self.addCleanup(self.ws.cleanup)
        # The repository as cloned: the example and the collection it names.
        self.repo = self.ws.join("repo")
        ignore = shutil.ignore_patterns(*MADE_BY_THE_USER)
        shutil.copytree(os.path.join(harness.SOURCE_DIR, "examples", "ansible"),
                        os.path.join(self.repo, "examples", "ansible"), ignore=ignore)
        shutil.copytree(harness.COLLECTIONS, os.path.join(self.repo, "ansible", "collections"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        for top, dirs, _ in os.walk(self.repo):
            for name in dirs:
                os.chmod(os.path.join(top, name), 0o755)
        self.example = os.path.join(self.repo, "examples", "ansible")
        self.vault_password_file = self.ws.write("home/.mqtt-vault-pass", VAULT_PASSWORD + "\n", 0o600)

    def edit_inventory(self):
        """What a new user does: list the brokers. Here: local, each in its own directory."""
        lines = ["[brokers]"]
        for host in HOSTS:
            lines.append("%s ansible_connection=local mosquitto_root=%s" % (host, self.ws.host_root(host)))
        lines += ["", "[brokers:vars]", "ansible_python_interpreter=" + harness.PYTHON,
                  "mosquitto_become=false", "mosq_reconcile_binary=" + harness.BINARY]
        with open(os.path.join(self.example, "inventory.ini"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")

    def site(self, *args):
        """ansible-playbook site.yml in the example's directory: its ansible.cfg, inventory and collection."""
        env = self.ws.environment()
        for name in ("ANSIBLE_PIPELINING", "ANSIBLE_PYTHON_INTERPRETER"):
            del env[name]  # as written: ansible.cfg and the inventory say these
        completed = subprocess.run(["ansible-playbook", "site.yml", "--vault-password-file",
                                    self.vault_password_file] + list(args),
                                   cwd=self.example, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                   text=True, timeout=600)
        return harness.Run(["site.yml"] + list(args), completed, None)

    def vault(self):
        completed = subprocess.run(["ansible-vault", "view", "--vault-password-file", self.vault_password_file,
                                    os.path.join(self.example, "group_vars", "brokers", "vault.yml")],
                                   env=self.ws.environment(), capture_output=True, text=True, check=True)
        return yaml.safe_load(completed.stdout)

    def assert_nothing_secret(self, run, secrets):
        for secret in secrets:
            self.assertNotIn(secret, run.all_output(), "a secret appeared in: ansible-playbook " + " ".join(run.args))

    def test_the_example_as_a_new_user_runs_it(self):
        made = subprocess.run(["bash", "make-fleet-ca.sh", self.vault_password_file], cwd=self.example,
                              env=self.ws.environment(), capture_output=True, text=True)
        self.assertEqual(made.returncode, 0, made.stdout + made.stderr)
        ca = os.path.join(self.example, "files", "fleet-ca.crt")
        vault_file = os.path.join(self.example, "group_vars", "brokers", "vault.yml")
        with open(vault_file, encoding="utf-8") as handle:
            self.assertTrue(handle.read().startswith("$ANSIBLE_VAULT;1.1;AES256"))
        self.assertEqual(os.stat(vault_file).st_mode & 0o777, 0o600)
        vault = self.vault()
        key_lines = harness.key_body_lines(vault["vault_mqtt_ca_key"])
        self.assertGreaterEqual(len(key_lines), 2)
        passwords = list(vault["vault_mqtt_passwords"].values())
        secrets = key_lines + passwords
        # Made once: a second attempt refuses to replace the fleet CA.
        again = subprocess.run(["bash", "make-fleet-ca.sh", self.vault_password_file], cwd=self.example,
                               env=self.ws.environment(), capture_output=True, text=True)
        self.assertEqual(again.returncode, 1)
        self.assertIn("the fleet CA is made once", again.stderr)
        self.edit_inventory()

        # Check mode on fresh brokers: changes reported, nothing written.
        check = self.site("--check", "--diff")
        self.assertEqual(check.rc, 0, check.describe())
        for host in HOSTS:
            self.assertGreaterEqual(check.recap[host]["changed"], 1, check.describe())
            self.assertEqual(harness.regular_files(self.ws.host_root(host)), [], "check mode wrote on " + host)

        first = self.site()
        self.assertEqual(first.rc, 0, first.describe())
        ca_public = harness.public_key_of_certificate(ca)
        for host in HOSTS:
            self.assertEqual(first.recap[host]["changed"], 4, first.describe())  # dir, CA, spec, converge
            self.assertEqual(first.recap[host]["failed"], 0, first.describe())
            root = self.ws.host_root(host)
            server = os.path.join(root, "etc/mosquitto/certs/server.crt")
            verified = harness.openssl_verify(ca, server)
            self.assertEqual(verified.returncode, 0, host + ": " + verified.stdout + verified.stderr)
            # No broker holds the CA key: not its text, not any key file of it.
            for name in harness.regular_files(root):
                path = os.path.join(root, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    content = handle.read()
                for line in key_lines:
                    self.assertNotIn(line, content, "the CA key is in " + path)
                if "PRIVATE KEY" in content:
                    self.assertNotEqual(harness.public_key_of_key_file(path), ca_public, path)
            with open(os.path.join(root, "etc/mosquitto/conf.d/mosq-reconcile.conf"), encoding="utf-8") as handle:
                self.assertIn("cafile /etc/mosquitto/ca_certificates/fleet-ca.crt", handle.read())

        second = self.site()
        self.assertEqual(second.rc, 0, second.describe())
        for host in HOSTS:
            self.assertEqual(second.recap[host]["changed"], 0, second.describe())
            self.assertEqual(second.recap[host]["failed"], 0, second.describe())

        # Check mode with a user dropped from git: the module plans it, nothing is written.
        before = {host: harness.snapshot(self.ws.host_root(host)) for host in HOSTS}
        drop = self.site("--check", "--diff", "-e", '{"mosquitto_users": ["sensor-1"]}')
        self.assertEqual(drop.rc, 0, drop.describe())
        self.assertIn("-dashboard:(sensitive value)", drop.out)
        for host in HOSTS:
            self.assertEqual(drop.recap[host]["changed"], 2, drop.describe())  # the spec file, the module
            self.assertEqual(harness.snapshot(self.ws.host_root(host)), before[host])

        # At -vvv, nothing secret either.
        verbose = self.site("-vvv")
        self.assertEqual(verbose.rc, 0, verbose.describe())
        self.assertIn("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", verbose.out)
        for run in (check, first, second, drop, verbose):
            self.assert_nothing_secret(run, secrets)


if __name__ == "__main__":
    unittest.main()
