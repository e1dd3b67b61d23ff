#!/usr/bin/python3
"""The module's contract with the tool, checked against a fake mosq-reconcile
that records how it was called (arguments, environment, the spec file it was
given) and answers what the test says. The module runs as Ansible runs it
(python3 mosq_reconcile.py ARGS_FILE), so each case is exact and fast."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

FAKE_TOOL = r"""#!/usr/bin/python3
import json, os, stat, sys
spec = sys.argv[-1]
info = os.stat(spec)
with open(spec, encoding="utf-8") as handle:
    content = handle.read()
record = {
    "argv": sys.argv[1:],
    "env": {k: v for k, v in os.environ.items() if k.startswith("MQTT_")},
    "spec_mode": stat.S_IMODE(info.st_mode),
    "spec_content": content,
}
with open(os.environ["FAKE_RECORD"], "w", encoding="utf-8") as handle:
    json.dump(record, handle)
# @SPEC@ in the answer stands for the spec path it was given.
sys.stdout.write(os.environ.get("FAKE_STDOUT", "").replace("@SPEC@", spec))
sys.stderr.write(os.environ.get("FAKE_STDERR", ""))
sys.exit(int(os.environ.get("FAKE_RC", "0")))
"""

SECRET_KEY = "-----BEGIN PRIVATE " + "KEY-----\nZmFrZS1rZXktYm9keS1TZWNyZXQtNDI=\n-----END PRIVATE " + "KEY-----\n"
SECRET_PASSWORD = "fake-Password-Contract-31"


def report(changed=False, changes=None, warnings=None, **extra):
    data = {"format_version": "1.0", "changed": changed, "changes": changes or [], "resources": [],
            "certificates": [{"resource": "server_certificate", "path": "/etc/mosquitto/certs/server.crt",
                              "subject": "CN=b1", "not_after": "2029-03-06", "days_left": 825,
                              "action": "no-op", "managed": True}],
            "breaks_trust": False, "warnings": warnings or [],
            "broker": {"reload": False, "restart_required": False, "restart_reasons": [], "restart_pending": []}}
    data.update(extra)
    return json.dumps(data)


class ModuleContractTest(unittest.TestCase):
    def setUp(self):
        harness.require_tools(self)
        self.ws = harness.Workspace()
        self.addCleanup(self.ws.cleanup)
        self.tool = self.ws.write("bin/fake-mosq-reconcile", FAKE_TOOL, 0o755)
        self.record_file = self.ws.join("record.json")
        self.tmpdir = self.ws.join("moduletmp")
        os.makedirs(self.tmpdir)
        self.spec = self.ws.write("broker.yaml", "version: 1\n")

    def run_module(self, args, rc=0, stdout=None, stderr="", check_mode=False, diff=False):
        module_args = {"binary": self.tool, "_ansible_check_mode": check_mode, "_ansible_diff": diff,
                       "_ansible_tmpdir": self.tmpdir, "_ansible_remote_tmp": self.tmpdir,
                       "_ansible_keep_remote_files": False}
        module_args.update(args)
        args_file = self.ws.write("args.json", json.dumps({"ANSIBLE_MODULE_ARGS": module_args}), 0o600)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "HOME": self.ws.home,
               "FAKE_RECORD": self.record_file, "FAKE_RC": str(rc),
               "FAKE_STDOUT": report() if stdout is None else stdout, "FAKE_STDERR": stderr}
        completed = subprocess.run([harness.PYTHON, harness.MODULE_FILE, args_file], env=env,
                                   capture_output=True, text=True, timeout=120)
        self.raw = completed.stdout + completed.stderr
        try:
            result = json.loads(completed.stdout)
        except ValueError:
            self.fail("the module printed no JSON: " + self.raw)
        self.record = None
        if os.path.exists(self.record_file):
            with open(self.record_file, encoding="utf-8") as handle:
                self.record = json.load(handle)
            os.unlink(self.record_file)
        return result

    def test_check_mode_runs_plan_and_pending_changes_are_changed_not_failed(self):
        result = self.run_module({"spec": self.spec}, rc=2, stdout=report(changed=True), check_mode=True)
        self.assertEqual(self.record["argv"], ["--json", "--plan", self.spec])
        self.assertTrue(result["changed"])
        self.assertFalse(result.get("failed", False))
        self.assertNotIn("rc", result)  # Ansible would take rc 2 for a failure
        result = self.run_module({"spec": self.spec}, rc=0, stdout=report(changed=False), check_mode=True)
        self.assertFalse(result["changed"])

    def test_apply_runs_without_plan_and_reports_changes_and_certificates(self):
        changes = [{"resource": "password_file", "type": "password file", "path": "/etc/mosquitto/mqttpass",
                    "action": "update", "actions": ["update"], "reasons": ["+ user sensor-7"],
                    "content_changes": True}]
        applied = {"done": ["updated password file /etc/mosquitto/mqttpass"], "warnings": [],
                   "reloaded": True, "restarted": False}
        result = self.run_module({"spec": self.spec, "root": "/srv/root", "now": "2027-01-31"},
                                 stdout=report(changed=True, changes=changes, applied=applied))
        self.assertEqual(self.record["argv"], ["--json", "--root", "/srv/root", "--now", "2027-01-31", self.spec])
        self.assertTrue(result["changed"])
        self.assertEqual(result["changes"], changes)
        self.assertEqual(result["applied"], applied)
        self.assertEqual(result["certificates"][0]["days_left"], 825)
        self.assertEqual(result["certificates"][0]["not_after"], "2029-03-06")

    def test_the_tools_warnings_are_the_tasks_warnings(self):
        result = self.run_module({"spec": self.spec}, stdout=report(
            warnings=["the given CA certificate /x/ca.crt expires 2027-01-01, inside renew_before_days 90"],
            applied={"done": [], "warnings": ["the broker must reload"], "reloaded": False, "restarted": False}))
        self.assertEqual(result["warnings"],
                         ["the given CA certificate /x/ca.crt expires 2027-01-01, inside renew_before_days 90",
                          "the broker must reload"])

    def test_secrets_reach_the_tool_only_through_its_environment_and_never_come_back(self):
        # The fake tool misbehaves on purpose: it echoes a secret on stderr and in its report.
        result = self.run_module({"spec": self.spec,
                                  "secrets": {"MQTT_CA_KEY": SECRET_KEY, "MQTT_USER1_PASSWORD": SECRET_PASSWORD}},
                                 stdout=report(warnings=["echo " + SECRET_PASSWORD]))
        self.assertEqual(self.record["env"]["MQTT_CA_KEY"], SECRET_KEY)
        self.assertEqual(self.record["env"]["MQTT_USER1_PASSWORD"], SECRET_PASSWORD)
        for arg in self.record["argv"]:
            self.assertNotIn(SECRET_PASSWORD, arg)
            self.assertNotIn("fake-key-body", arg)
        self.assertNotIn(SECRET_PASSWORD, self.raw)  # no_log masks even what the tool would leak
        self.assertNotIn("ZmFrZS1rZXktYm9keS1TZWNyZXQtNDI=", self.raw)
        self.assertEqual(result["invocation"]["module_args"]["secrets"],
                         {"MQTT_CA_KEY": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
                          "MQTT_USER1_PASSWORD": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"})

    def test_a_secret_name_that_is_no_variable_name_fails_before_the_tool_runs(self):
        result = self.run_module({"spec": self.spec, "secrets": {"MQTT-CA-KEY": "x"}})
        self.assertTrue(result["failed"])
        self.assertEqual(result["msg"], "secrets: 'MQTT-CA-KEY' is not an environment variable name")
        self.assertIsNone(self.record)

    def test_spec_content_goes_through_a_0600_temporary_file_that_is_removed(self):
        content = "version: 1\n# from spec_content\n"
        result = self.run_module({"spec_content": content}, stdout=report())
        self.assertFalse(result.get("failed", False), self.raw)
        self.assertEqual(self.record["spec_content"], content)
        self.assertEqual(self.record["spec_mode"], 0o600)
        spec_path = self.record["argv"][-1]
        self.assertTrue(spec_path.startswith(self.tmpdir + "/"))
        self.assertFalse(os.path.exists(spec_path))
        self.assertEqual(os.listdir(self.tmpdir), [])

    def test_spec_content_is_removed_on_failure_too_and_named_in_the_message(self):
        error = {"format_version": "1.0", "changed": False, "failed": True, "error": {
            "message": "@SPEC@:3:5: users[0].password: plaintext passwords are refused",
            "diagnostics": [{"file": "@SPEC@", "line": 3, "column": 5, "field": "users[0].password",
                             "message": "plaintext passwords are refused"}]}}
        result = self.run_module({"spec_content": "version: 1\n"}, rc=1, stdout=json.dumps(error))
        self.assertTrue(result["failed"])
        self.assertEqual(result["msg"], "spec_content:3:5: users[0].password: plaintext passwords are refused")
        self.assertEqual(result["diagnostics"][0]["file"], "spec_content")
        self.assertNotIn(self.record["argv"][-1], self.raw)
        self.assertEqual(os.listdir(self.tmpdir), [])

    def test_the_tools_located_error_is_the_tasks_msg(self):
        message = self.spec + ":12:3: tls.ca.key_env: environment variable MQTT_CA_KEY is not set or empty"
        error = {"format_version": "1.0", "changed": False, "failed": True, "error": {
            "message": message,
            "diagnostics": [{"file": self.spec, "line": 12, "column": 3, "field": "tls.ca.key_env",
                             "message": "environment variable MQTT_CA_KEY is not set or empty"}]}}
        result = self.run_module({"spec": self.spec}, rc=1, stdout=json.dumps(error))
        self.assertTrue(result["failed"])
        self.assertEqual(result["msg"], message)
        self.assertEqual(result["rc"], 1)
        self.assertEqual(result["diagnostics"][0]["field"], "tls.ca.key_env")

    def test_an_apply_that_stopped_part_way_fails_and_says_what_it_wrote(self):
        applied = {"done": ["created server key /etc/mosquitto/certs/server.key"], "warnings": [],
                   "reloaded": False, "restarted": False}
        stopped = json.loads(report(changed=True, applied=applied))
        stopped.update({"failed": True, "error": {"message": "/etc/mosquitto/certs/server.crt: cannot write: "
                                                             "No space left on device", "diagnostics": []}})
        result = self.run_module({"spec": self.spec}, rc=1, stdout=json.dumps(stopped))
        self.assertTrue(result["failed"])
        self.assertTrue(result["changed"])
        self.assertEqual(result["applied"], applied)
        self.assertEqual(result["msg"], "/etc/mosquitto/certs/server.crt: cannot write: No space left on device")
        refused = self.run_module({"spec": self.spec}, rc=1, stdout=json.dumps(
            {"format_version": "1.0", "changed": False, "failed": True,
             "error": {"message": "x", "diagnostics": []}}))
        self.assertFalse(refused["changed"])
        self.assertNotIn("applied", refused)

    def test_output_that_is_not_the_json_report_fails_with_the_tools_stderr(self):
        result = self.run_module({"spec": self.spec}, rc=1, stdout="", stderr="mosq-reconcile: error: boom\n")
        self.assertTrue(result["failed"])
        self.assertEqual(result["msg"], "mosq-reconcile exited 1 without its JSON report: mosq-reconcile: error: boom")

    def test_exit_2_outside_check_mode_is_a_failure(self):
        result = self.run_module({"spec": self.spec}, rc=2, stdout=report(changed=True))
        self.assertTrue(result["failed"])
        self.assertEqual(result["msg"], "mosq-reconcile exited 2 unexpectedly")

    def test_a_binary_that_is_not_there(self):
        result = self.run_module({"spec": self.spec, "binary": "mosq-reconcile-not-installed-here"})
        self.assertTrue(result["failed"])
        self.assertEqual(result["msg"], "mosq-reconcile-not-installed-here was not found on this host's PATH; "
                                        "install it or set binary")
        result = self.run_module({"spec": self.spec, "binary": self.ws.join("bin", "missing")})
        self.assertEqual(result["msg"], self.ws.join("bin", "missing") + " is not an executable file on this host")

    def test_spec_and_spec_content_exactly_one(self):
        both = self.run_module({"spec": self.spec, "spec_content": "version: 1\n"})
        self.assertTrue(both["failed"])
        self.assertIn("mutually exclusive", both["msg"])
        neither = self.run_module({})
        self.assertTrue(neither["failed"])
        self.assertIn("one of the following is required: spec, spec_content", neither["msg"])

    def test_diff_mode_is_before_and_after_with_facts_never_key_bytes(self):
        changes = [
            {"resource": "server_key", "type": "server key", "path": "/etc/mosquitto/certs/server.key",
             "action": "replace", "reasons": ["key is RSA 2048, spec wants ec-p256"], "content_changes": True,
             "key_type": "ec-p256"},
            {"resource": "server_certificate", "type": "server certificate", "path": "/etc/mosquitto/certs/server.crt",
             "action": "replace", "reasons": ["its key is new"], "content_changes": True,
             "before": {"subject": "CN=b1", "subject_alt_names": ["DNS:b1"], "not_after": "2027-01-01",
                        "serial": "0A"},
             "after": {"subject": "CN=b1", "subject_alt_names": ["DNS:b1"], "not_after": "2029-03-06",
                       "key": "ec-p256"}},
            {"resource": "server_key", "type": "server key", "path": "/x", "action": "update",
             "reasons": ["mode 0644 -> 0640"], "content_changes": False}]
        file_diffs = [{"path": "/etc/mosquitto/mqttpass", "exists": True, "before": "u:(sensitive value)\n",
                       "after": "u:(sensitive value, new)\n"}]
        result = self.run_module({"spec": self.spec}, rc=2, check_mode=True, diff=True,
                                 stdout=report(changed=True, changes=changes, file_diffs=file_diffs))
        self.assertEqual(self.record["argv"], ["--json", "--plan", "--diff", self.spec])
        self.assertEqual(result["diff"], [
            {"before_header": "/etc/mosquitto/mqttpass", "after_header": "/etc/mosquitto/mqttpass",
             "before": "u:(sensitive value)\n", "after": "u:(sensitive value, new)\n"},
            {"before_header": "/etc/mosquitto/certs/server.key", "after_header": "/etc/mosquitto/certs/server.key",
             "before": "a server key (replaced: key is RSA 2048, spec wants ec-p256)\n",
             "after": "a new ec-p256 key\n"},
            {"before_header": "/etc/mosquitto/certs/server.crt", "after_header": "/etc/mosquitto/certs/server.crt",
             "before": "subject: CN=b1\nsubject_alt_names: DNS:b1\nnot_after: 2027-01-01\nserial: 0A\n",
             "after": "subject: CN=b1\nsubject_alt_names: DNS:b1\nnot_after: 2029-03-06\nkey: ec-p256\n"},
        ])
        no_diff = self.run_module({"spec": self.spec}, rc=2, check_mode=True, stdout=report(changed=True))
        self.assertNotIn("diff", no_diff)
        self.assertNotIn("--diff", self.record["argv"])


if __name__ == "__main__":
    unittest.main()
