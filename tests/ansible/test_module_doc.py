#!/usr/bin/python3
"""The module's DOCUMENTATION, EXAMPLES and RETURN follow Ansible's
conventions: ansible-doc shows it without error (through ANSIBLE_LIBRARY
and as the collection's FQCN), and the documented options are exactly the
module's argument_spec, with the same types and defaults."""
import ast
import json
import os
import subprocess
import sys
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

FQCN = "mosq_reconcile.mosquitto.mosq_reconcile"


def module_constants():
    """DOCUMENTATION, EXAMPLES and RETURN, read as ansible-doc reads them (no import)."""
    with open(harness.MODULE_FILE, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
                constants[node.targets[0].id] = node.value.value
    return constants


def argument_spec():
    """The module's AnsibleModule(...) arguments, captured by running main() against a stand-in."""
    captured = {}

    class Captured(Exception):
        pass

    class StandIn:
        def __init__(self, **kwargs):
            captured.update(kwargs)
            raise Captured()

    namespace = {"__name__": "mosq_reconcile_doc_test"}
    with open(harness.MODULE_FILE, encoding="utf-8") as handle:
        exec(compile(handle.read(), harness.MODULE_FILE, "exec"), namespace)  # noqa: S102 - our own file
    namespace["AnsibleModule"] = StandIn
    try:
        namespace["main"]()
    except Captured:
        pass
    return captured


class ModuleDocTest(unittest.TestCase):
    def setUp(self):
        harness.require_tools(self)
        self.ws = harness.Workspace()
        self.addCleanup(self.ws.cleanup)

    def ansible_doc(self, *args, env=None):
        return subprocess.run(["ansible-doc"] + list(args), env=self.ws.environment(env), capture_output=True,
                              text=True, timeout=120)

    def test_ansible_doc_shows_the_module_through_ansible_library(self):
        shown = self.ansible_doc("mosq_reconcile", env={"ANSIBLE_LIBRARY": harness.MODULES})
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertEqual(shown.stderr, "")  # ansible-doc exits 0 even when it cannot parse a module
        self.assertIn("> MOSQ_RECONCILE", shown.stdout)
        for option in ("spec_content", "secrets", "binary", "root", "now"):
            self.assertIn("- " + option, shown.stdout)
        self.assertIn("RETURN VALUES", shown.stdout)
        self.assertIn("EXAMPLES", shown.stdout)

    def test_ansible_doc_json_through_the_collection(self):
        shown = self.ansible_doc("--json", FQCN, env={"ANSIBLE_COLLECTIONS_PATH": harness.COLLECTIONS})
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertEqual(shown.stderr, "")
        doc = json.loads(shown.stdout)[FQCN]
        self.assertEqual(doc["doc"]["module"], "mosq_reconcile")
        self.assertEqual(doc["doc"]["attributes"]["check_mode"]["support"], "full")
        self.assertEqual(doc["doc"]["attributes"]["diff_mode"]["support"], "full")
        for key in ("changed", "changes", "certificates", "warnings"):
            self.assertIn(key, doc["return"])
        listed = self.ansible_doc("-l", "mosq_reconcile.mosquitto",
                                  env={"ANSIBLE_COLLECTIONS_PATH": harness.COLLECTIONS})
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn(FQCN, listed.stdout)

    def test_the_collection_builds_and_installs_as_galaxy_would(self):
        collection = os.path.join(harness.COLLECTIONS, "ansible_collections", "mosq_reconcile", "mosquitto")
        built = subprocess.run(["ansible-galaxy", "collection", "build", "--output-path", self.ws.join("dist"),
                                collection], env=self.ws.environment(), capture_output=True, text=True, timeout=120)
        self.assertEqual(built.returncode, 0, built.stdout + built.stderr)
        tarball = self.ws.join("dist", "mosq_reconcile-mosquitto-0.1.0.tar.gz")
        self.assertTrue(os.path.exists(tarball), built.stdout)
        installed = subprocess.run(["ansible-galaxy", "collection", "install", "-p", self.ws.join("installed"),
                                    tarball], env=self.ws.environment(), capture_output=True, text=True, timeout=120)
        self.assertEqual(installed.returncode, 0, installed.stdout + installed.stderr)
        shown = self.ansible_doc(FQCN, env={"ANSIBLE_COLLECTIONS_PATH": self.ws.join("installed")})
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertEqual(shown.stderr, "")
        self.assertIn("> MOSQ_RECONCILE.MOSQUITTO.MOSQ_RECONCILE", shown.stdout.upper())

    def test_documented_options_are_the_argument_spec(self):
        documented = yaml.safe_load(module_constants()["DOCUMENTATION"])["options"]
        spec = argument_spec()["argument_spec"]
        self.assertEqual(sorted(documented), sorted(spec))
        for name, option in spec.items():
            with self.subTest(option=name):
                self.assertEqual(documented[name]["type"], option["type"])
                self.assertEqual(documented[name].get("default"), option.get("default"))
                self.assertEqual(documented[name].get("required", False), option.get("required", False))
                self.assertTrue(documented[name]["description"])
        self.assertTrue(spec["secrets"]["no_log"])
        self.assertTrue(argument_spec()["supports_check_mode"])

    def test_examples_and_return_are_yaml_and_examples_use_documented_options(self):
        constants = module_constants()
        options = set(yaml.safe_load(constants["DOCUMENTATION"])["options"])
        examples = yaml.safe_load(constants["EXAMPLES"])
        self.assertGreaterEqual(len(examples), 2)
        for task in examples:
            self.assertIn("name", task)
            self.assertIn(FQCN, task)
            self.assertLessEqual(set(task[FQCN]), options)
        returned = yaml.safe_load(constants["RETURN"])
        for name, value in returned.items():
            with self.subTest(returned=name):
                self.assertIn("description", value)
                self.assertIn("returned", value)
                self.assertIn("type", value)


if __name__ == "__main__":
    unittest.main()
