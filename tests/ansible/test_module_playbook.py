#!/usr/bin/python3
"""The mosq_reconcile module under the real ansible-playbook, on three local
hosts (ansible_connection=local), each converging its own target directory,
the module found through ANSIBLE_LIBRARY."""
import hashlib
import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOSTS = ("broker1", "broker2", "broker3")
SENSOR_PASSWORD = "sensor-Pw-Playbook-8181"
CA_PASSPHRASE = "ca-Passphrase-Playbook-9292"
NEW_PASSWORD = "sensor-Pw-Rotated-7373"

SPEC = """version: 1
broker:
  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf
  password_file: /etc/mosquitto/mqttpass
listeners:
  - port: 8883
users:
  - name: sensor-1
    password_env: MQTT_SENSOR_PASSWORD
tls:
  dir: /etc/mosquitto/certs
  ca:
    subject: { O: Example, CN: Example Playbook CA }
    passphrase_env: MQTT_CA_PASSPHRASE
  server:
    subject: { O: Example, CN: mqtt.example.test }
    subject_alt_names: [ "DNS:mqtt.example.test" ]
"""

PLAYBOOK = """- hosts: brokers
  gather_facts: false
  tasks:
    - name: converge
      mosq_reconcile:
        spec: "{{ spec_file }}"
        root: "{{ target_root }}"
        binary: "{{ binary }}"
        secrets:
          MQTT_SENSOR_PASSWORD: "{{ sensor_password }}"
          MQTT_CA_PASSPHRASE: "{{ ca_passphrase }}"
"""

# The same, with the secrets in the play's environment instead.
PLAYBOOK_ENVIRONMENT = """- hosts: brokers
  gather_facts: false
  environment:
    MQTT_SENSOR_PASSWORD: "{{ sensor_password }}"
    MQTT_CA_PASSPHRASE: "{{ ca_passphrase }}"
  tasks:
    - name: converge
      mosq_reconcile:
        spec: "{{ spec_file }}"
        root: "{{ target_root }}"
        binary: "{{ binary }}"
"""


def verifies(line_hash, password):
    """Independent check of a $7$ (PBKDF2-SHA512) Mosquitto hash."""
    _, scheme, iterations, salt, digest = line_hash.split("$")
    if scheme != "7":
        return False
    computed = hashlib.pbkdf2_hmac("sha512", password.encode(), base64.b64decode(salt), int(iterations), 64)
    return computed == base64.b64decode(digest)


class ModulePlaybookTest(unittest.TestCase):
    def setUp(self):
        harness.require_tools(self)
        self.ws = harness.Workspace()
        self.addCleanup(self.ws.cleanup)
        self.spec = self.ws.write("specs/broker.yaml", SPEC)
        self.playbook = self.ws.write("converge.yml", PLAYBOOK)
        self.secrets_file = self.ws.write(
            "secrets.yml", "sensor_password: %s\nca_passphrase: %s\n" % (SENSOR_PASSWORD, CA_PASSPHRASE), 0o600)

    def inventory(self, broken=None):
        hosts = {}
        for host in HOSTS:
            spec = self.spec
            if host == broken:
                spec = self.ws.write("specs/broken.yaml", SPEC.replace(
                    "    password_env: MQTT_SENSOR_PASSWORD", "    password: plain-text-in-git"))
            hosts[host] = {"spec_file": spec}
        return self.ws.inventory(hosts, {"binary": harness.BINARY})

    def run_playbook(self, *args, playbook=None, inventory=None):
        return self.ws.playbook(playbook or self.playbook, inventory or self.inventory(), "-e",
                                "@" + self.secrets_file, *args)

    def roots(self):
        return {host: harness.snapshot(self.ws.host_root(host)) for host in HOSTS}

    def assert_no_secret(self, run):
        for secret in (SENSOR_PASSWORD, CA_PASSPHRASE, NEW_PASSWORD):
            self.assertNotIn(secret, run.all_output(), "a secret appeared in the output")

    def test_check_mode_then_apply_then_converged(self):
        inventory = self.inventory()
        before = self.roots()
        check = self.run_playbook("--check", inventory=inventory)
        self.assertEqual(check.rc, 0, check.describe())
        for host in HOSTS:
            self.assertEqual(check.recap[host]["changed"], 1, check.describe())
            result = check.results[host]
            self.assertTrue(result["changed"])
            self.assertFalse(result.get("failed", False))
            created = {c["resource"] for c in result["changes"] if c["action"] == "create"}
            self.assertEqual(created, {"ca_key", "ca_certificate", "server_key", "server_certificate",
                                       "password_file", "broker_config"})
        self.assertEqual(self.roots(), before, "check mode wrote something")

        first = self.run_playbook(inventory=inventory)
        self.assertEqual(first.rc, 0, first.describe())
        for host in HOSTS:
            self.assertEqual(first.recap[host], {"ok": 1, "changed": 1, "unreachable": 0, "failed": 0},
                             first.describe())
            root = self.ws.host_root(host)
            self.assertIn("etc/mosquitto/certs/server.crt", harness.regular_files(root))
            with open(os.path.join(root, "etc/mosquitto/mqttpass"), encoding="utf-8") as handle:
                user, line_hash = handle.read().strip().split(":", 1)
            self.assertEqual(user, "sensor-1")
            self.assertTrue(verifies(line_hash, SENSOR_PASSWORD))
            # As planned: to be made, with the expiry it will have.
            certificates = {c["resource"]: c for c in first.results[host]["certificates"]}
            self.assertEqual(certificates["server_certificate"]["action"], "create")
            self.assertRegex(certificates["server_certificate"]["not_after"], r"^20\d\d-\d\d-\d\d$")

        second = self.run_playbook(inventory=inventory)
        self.assertEqual(second.rc, 0, second.describe())
        for host in HOSTS:
            self.assertEqual(second.recap[host], {"ok": 1, "changed": 0, "unreachable": 0, "failed": 0},
                             second.describe())
            self.assertEqual(second.results[host]["changes"], [])
            days = {c["resource"]: c["days_left"] for c in second.results[host]["certificates"]}
            self.assertGreaterEqual(days["server_certificate"], 824)
            self.assertGreaterEqual(days["ca_certificate"], 3649)
        for run in (check, first, second):
            self.assert_no_secret(run)

    def test_a_broken_spec_fails_its_host_with_the_tools_message_the_others_succeed(self):
        broken_spec = self.ws.join("specs/broken.yaml")
        run = self.run_playbook(inventory=self.inventory(broken="broker2"))
        self.assertNotEqual(run.rc, 0, run.describe())
        self.assertEqual(run.recap["broker2"]["failed"], 1, run.describe())
        self.assertEqual(run.results["broker2"]["msg"],
                         broken_spec + ":9:5: users[0].password: plaintext passwords are refused (the spec "
                         "lives in git); use password_env, password_file or password_hash")
        self.assertEqual(run.results["broker2"]["diagnostics"][0]["field"], "users[0].password")
        self.assertEqual(harness.regular_files(self.ws.host_root("broker2")), [], "a failed host was written")
        for host in ("broker1", "broker3"):
            self.assertEqual(run.recap[host], {"ok": 1, "changed": 1, "unreachable": 0, "failed": 0},
                             run.describe())
        self.assertIn("fatal: [broker2]: FAILED!", run.out)
        self.assertNotIn("plain-text-in-git", run.all_output())

    def test_no_secret_in_the_output_even_at_vvv(self):
        inventory = self.inventory()
        check = self.run_playbook("--check", "--diff", "-vvv", inventory=inventory)
        self.assertEqual(check.rc, 0, check.describe())
        first = self.run_playbook("--diff", "-vvv", inventory=inventory)
        self.assertEqual(first.rc, 0, first.describe())
        # The module's own arguments are shown, with the secrets masked.
        self.assertIn('"MQTT_SENSOR_PASSWORD": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"', first.out)
        # A password change: planned and applied at -vvv, still nothing shown.
        self.ws.write("secrets.yml", "sensor_password: %s\nca_passphrase: %s\n" % (NEW_PASSWORD, CA_PASSPHRASE),
                      0o600)
        rotated = self.run_playbook("--diff", "-vvv", inventory=inventory)
        self.assertEqual(rotated.rc, 0, rotated.describe())
        for host in HOSTS:
            self.assertEqual(rotated.recap[host]["changed"], 1, rotated.describe())
        for run in (check, first, rotated):
            self.assert_no_secret(run)
            self.assertNotIn("$7$", run.all_output(), "a password hash appeared in the output")
            self.assertNotIn("PRIVATE KEY-----\n", run.all_output())

    def test_diff_mode_shows_before_and_after_with_hashes_redacted(self):
        inventory = self.inventory()
        first = self.run_playbook("--check", "--diff", inventory=inventory)
        self.assertEqual(first.rc, 0, first.describe())
        self.assertIn("--- before: /dev/null\n+++ after: /etc/mosquitto/mqttpass", first.out)
        self.assertIn("+sensor-1:(sensitive value, new)", first.out)
        self.assertIn("+++ after: /etc/mosquitto/conf.d/mosq-reconcile.conf", first.out)
        self.assertIn("+listener 8883", first.out)
        self.assertIn("+subject: O=Example, CN=mqtt.example.test", first.out)
        self.assertIn("+a new ec-p256 key", first.out)

        self.assertEqual(self.run_playbook(inventory=inventory).rc, 0)
        self.ws.write("secrets.yml", "sensor_password: %s\nca_passphrase: %s\n" % (NEW_PASSWORD, CA_PASSPHRASE),
                      0o600)
        rotated = self.run_playbook("--check", "--diff", inventory=inventory)
        self.assertEqual(rotated.rc, 0, rotated.describe())
        self.assertIn("--- before: /etc/mosquitto/mqttpass\n+++ after: /etc/mosquitto/mqttpass", rotated.out)
        self.assertIn("-sensor-1:(sensitive value)\n+sensor-1:(sensitive value, new)", rotated.out)
        self.assertNotIn("$7$", rotated.all_output())
        self.assert_no_secret(rotated)

    def test_secrets_from_the_plays_environment(self):
        inventory = self.inventory()
        playbook = self.ws.write("converge-environment.yml", PLAYBOOK_ENVIRONMENT)
        run = self.run_playbook(playbook=playbook, inventory=inventory)
        self.assertEqual(run.rc, 0, run.describe())
        for host in HOSTS:
            self.assertEqual(run.recap[host]["changed"], 1, run.describe())
            with open(os.path.join(self.ws.host_root(host), "etc/mosquitto/mqttpass"), encoding="utf-8") as handle:
                self.assertTrue(verifies(handle.read().strip().split(":", 1)[1], SENSOR_PASSWORD))
        self.assert_no_secret(run)
        again = self.run_playbook(playbook=playbook, inventory=inventory)
        self.assertEqual([again.recap[h]["changed"] for h in HOSTS], [0, 0, 0], again.describe())

    def test_spec_content_is_run_and_its_errors_are_named_spec_content(self):
        playbook = self.ws.write("inline.yml", """- hosts: brokers
  gather_facts: false
  tasks:
    - mosq_reconcile:
        spec_content: "{{ lookup('ansible.builtin.file', spec_file) }}"
        root: "{{ target_root }}"
        binary: "{{ binary }}"
        secrets:
          MQTT_SENSOR_PASSWORD: "{{ sensor_password }}"
          MQTT_CA_PASSPHRASE: "{{ ca_passphrase }}"
""")
        run = self.run_playbook(playbook=playbook, inventory=self.inventory(broken="broker3"))
        self.assertEqual(run.recap["broker1"]["changed"], 1, run.describe())
        self.assertEqual(run.recap["broker3"]["failed"], 1, run.describe())
        self.assertTrue(run.results["broker3"]["msg"].startswith(
            "spec_content:9:5: users[0].password: plaintext passwords are refused"), run.describe())
        # No temporary spec is left behind on the hosts.
        remote_tmp = self.ws.join("home", ".ansible", "remote")
        leftovers = [f for f in harness.regular_files(remote_tmp)] if os.path.isdir(remote_tmp) else []
        self.assertEqual([f for f in leftovers if f.endswith(".yaml")], [])


if __name__ == "__main__":
    unittest.main()
