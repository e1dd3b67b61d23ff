#!/usr/bin/python
# -*- coding: utf-8 -*-

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mosq_reconcile
short_description: Converge a Mosquitto broker's security setup to a declared spec
version_added: "0.1.0"
description:
  - Runs C(mosq-reconcile --json) on the managed host. The tool observes the broker's password file,
    keys, certificates and config snippet, plans the few changes the spec (C(broker.yaml)) needs and
    applies only those, atomically; a second run changes nothing.
  - In check mode the tool runs with C(--plan) and writes nothing; the task is C(changed) when changes
    are pending (the tool's exit status 2).
  - In diff mode the task returns the config and password file before and after (every password hash
    shown as C((sensitive value))), and certificate and key facts (subject, names, expiry, key type),
    never key bytes.
  - The tool's located error message (C(broker.yaml:12:3 tls.ca.key_env ...)) becomes the task's
    C(msg); nothing is written then.
  - Secrets (user passwords, a CA passphrase, a fleet CA's key) reach the tool only through its
    environment, never on a command line. Use I(secrets), which is C(no_log); the play's
    C(environment) keyword works too, but Ansible writes those values into the shell command it shows
    at C(-vvv).
author:
  - mosq-reconcile developers
requirements:
  - mosq-reconcile on the managed host (on C(PATH), or named by I(binary)).
options:
  spec:
    description:
      - Path of the spec on the managed host, e.g. a C(broker.yaml) pushed with M(ansible.builtin.template)
        or M(ansible.builtin.copy).
      - Exactly one of I(spec) and I(spec_content) is required.
    type: path
  spec_content:
    description:
      - The spec's YAML text. It is written to a temporary file (mode 0600) on the managed host for the
        run and removed after it. Error messages name it C(spec_content).
      - Exactly one of I(spec) and I(spec_content) is required.
    type: str
  root:
    description:
      - Treat this directory as C(/) for every path the spec names (C(--root)), e.g. for an image build.
        The config still names the paths as the broker sees them.
    type: path
  binary:
    description:
      - The mosq-reconcile program to run, a name looked up on C(PATH) or a path.
    type: str
    default: mosq-reconcile
  now:
    description:
      - Evaluate certificate expiry as of this ISO 8601 date or time (C(--now)), e.g. C(2027-01-31).
    type: str
  secrets:
    description:
      - Environment variables set for the tool only, by name, e.g. C(MQTT_CA_KEY) for a fleet CA's key
        (C(tls.ca.key_env)) or a user's C(password_env). Values are never logged or returned
        (C(no_log)), and never passed on a command line.
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Runs C(--plan); C(changed) says whether changes are pending.
  diff_mode:
    support: full
    description: Before and after of the config and the password file (hashes redacted), and
      certificate and key facts.
notes:
  - A fleet shares one CA. Make it once on the control node, keep its key in Ansible Vault, copy the
    certificate to each broker and give the key through I(secrets) with C(tls.ca.managed=false) and
    C(tls.ca.key_env) in the spec. The key is never written on the brokers.
  - Set C(pipelining=True) so the module's arguments, I(secrets) included, are not written to a
    temporary file on the managed host.
"""

EXAMPLES = r"""
- name: Converge the broker to the spec pushed from git
  mosq_reconcile.mosquitto.mosq_reconcile:
    spec: /etc/mosquitto/broker.yaml
    secrets:
      MQTT_CA_KEY: "{{ vault_fleet_ca_key }}"
      MQTT_USER1_PASSWORD: "{{ vault_user1_password }}"

- name: Will any certificate need renewal by next month? (writes nothing)
  mosq_reconcile.mosquitto.mosq_reconcile:
    spec: /etc/mosquitto/broker.yaml
    now: "2027-01-31"
  check_mode: true
  register: next_month

- name: Spec given inline, into an image being built
  mosq_reconcile.mosquitto.mosq_reconcile:
    spec_content: "{{ lookup('ansible.builtin.template', 'broker.yaml.j2') }}"
    root: /srv/image-root
    binary: /usr/local/bin/mosq-reconcile
"""

RETURN = r"""
changed:
  description: Changes were applied (check mode, pending).
  returned: always
  type: bool
changes:
  description: The changes, as the tool's C(--json) lists them (resource, type, path, action, actions,
    reasons, and per kind users, ACL rules and format_only, before/after certificate summaries, days_left,
    breaks_trust).
  returned: success
  type: list
  elements: dict
  sample:
    - resource: password_file
      type: password file
      path: /etc/mosquitto/mqttpass
      action: update
      actions: [update]
      reasons: ["+ user sensor-7"]
certificates:
  description: Every certificate the spec names, changed or not, with its expiry, for monitoring.
  returned: success
  type: list
  elements: dict
  contains:
    resource:
      description: C(ca_certificate), C(server_certificate) or C(client_certificate[NAME]).
      type: str
    path:
      description: The certificate's path as the broker sees it.
      type: str
    subject:
      description: Its subject (of the certificate to issue when it does not exist yet).
      type: str
    not_after:
      description: Its expiry date, C(YYYY-MM-DD) (UTC).
      type: str
    days_left:
      description: Whole days from I(now) (or today) to C(not_after); absent when it does not exist yet.
      type: int
    action:
      description: What the run does (did) to it, C(no-op) included.
      type: str
    managed:
      description: False for a given CA (C(tls.ca.managed=false)), which is never changed here.
      type: bool
  sample:
    - resource: server_certificate
      path: /etc/mosquitto/certs/server.crt
      subject: O=Example, CN=broker-1.example.com
      not_after: "2029-02-27"
      days_left: 823
      action: no-op
      managed: true
warnings:
  description: The tool's warnings (an expiring given CA, a directory the broker cannot enter, a
    pending restart), also shown as task warnings.
  returned: when there are any
  type: list
  elements: str
breaks_trust:
  description: A change replaces the CA that clients trust (not a renewal).
  returned: success
  type: bool
broker:
  description: What the running broker must do (C(reload), C(restart_required), C(restart_reasons),
    C(restart_pending)).
  returned: success
  type: dict
applied:
  description: What apply did (C(done), C(warnings), C(reloaded), C(restarted)); absent in check mode
    or when nothing changed.
  returned: when changes were applied
  type: dict
diagnostics:
  description: On failure, the tool's located diagnostics (file, line, column, field, message).
  returned: failure
  type: list
  elements: dict
rc:
  description: The tool's exit status (1 for an error it reports).
  returned: failure
  type: int
"""

import json
import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KEY_KINDS = ("CA key", "server key", "client key")
CERTIFICATE_KINDS = ("CA certificate", "server certificate", "client certificate")


def secret_environment(module):
    """The secrets option as environment variables, checked."""
    env = {}
    for name, value in (module.params["secrets"] or {}).items():
        if not ENV_NAME.match(name):
            module.fail_json(msg="secrets: %r is not an environment variable name" % name)
        if value is None or isinstance(value, (dict, list, bool)):
            module.fail_json(msg="secrets: the value of %s must be a string" % name)
        env[name] = to_text(value)
    return env


def find_binary(module):
    binary = module.params["binary"]
    if "/" not in binary:
        found = module.get_bin_path(binary)
        if not found:
            module.fail_json(msg="%s was not found on this host's PATH; install it or set binary" % binary)
        return found
    if not os.access(binary, os.X_OK):
        module.fail_json(msg="%s is not an executable file on this host" % binary)
    return binary


def certificate_facts(summary):
    lines = ["subject: %s" % summary.get("subject", "")]
    if summary.get("subject_alt_names"):
        lines.append("subject_alt_names: %s" % ", ".join(summary["subject_alt_names"]))
    if summary.get("not_after"):
        lines.append("not_after: %s" % summary["not_after"])
    if summary.get("serial"):
        lines.append("serial: %s" % summary["serial"])
    if summary.get("key"):
        lines.append("key: %s" % summary["key"])
    return "\n".join(lines) + "\n"


def ansible_diff(report):
    """Ansible's diff: before/after of each changed file; facts, never bytes, for keys."""
    diffs = []
    for d in report.get("file_diffs", []):
        diffs.append({
            "before_header": d["path"] if d.get("exists") else "/dev/null",
            "after_header": d["path"],
            "before": d["before"],
            "after": d["after"],
        })
    for change in report.get("changes", []):
        if not change.get("content_changes"):
            continue
        kind = change.get("type")
        if kind in CERTIFICATE_KINDS:
            before = certificate_facts(change["before"]) if "before" in change else ""
            after = certificate_facts(change["after"]) if "after" in change else ""
        elif kind in KEY_KINDS:
            before = "" if change["action"] == "create" else "a %s (replaced: %s)\n" % (
                kind, "; ".join(change.get("reasons", [])))
            after = "a new %s key\n" % change.get("key_type", "")
            if change["action"] == "update":
                after = "the same key, %s\n" % "; ".join(change.get("reasons", []))
        else:
            continue
        diffs.append({"before_header": change["path"] if before else "/dev/null",
                      "after_header": change["path"], "before": before, "after": after})
    return diffs


def run(module, spec_path, spec_label):
    args = [find_binary(module), "--json"]
    if module.check_mode:
        args.append("--plan")
    if module._diff:
        args.append("--diff")
    if module.params["root"]:
        args += ["--root", module.params["root"]]
    if module.params["now"]:
        args += ["--now", module.params["now"]]
    args.append(spec_path)
    rc, out, err = module.run_command(args, environ_update=secret_environment(module), check_rc=False)

    def named(text):
        # A temporary spec file is called what the user wrote: spec_content.
        return text.replace(spec_path, spec_label) if spec_label != spec_path else text

    try:
        report = json.loads(out)
    except ValueError:
        module.fail_json(msg="mosq-reconcile exited %d without its JSON report: %s" % (rc, named(err.strip())),
                         rc=rc, stderr=named(err))
    if rc == 1 or report.get("failed"):
        error = report.get("error", {})
        diagnostics = error.get("diagnostics", [])
        for d in diagnostics:
            d["file"] = named(d.get("file", ""))
        failure = dict(msg=named(error.get("message", "mosq-reconcile failed (exit %d)" % rc)),
                       diagnostics=diagnostics, rc=rc,
                       # An apply that stopped part way says what it wrote before.
                       changed=bool(report.get("changed")) and not module.check_mode)
        if report.get("applied"):
            failure["applied"] = report["applied"]
        module.fail_json(**failure)
    if rc not in (0, 2) or (rc == 2 and not module.check_mode):
        module.fail_json(msg="mosq-reconcile exited %d unexpectedly" % rc, rc=rc, stderr=named(err))

    for warning in report.get("warnings", []):
        module.warn(warning)
    if report.get("applied"):
        for warning in report["applied"].get("warnings", []):
            module.warn(warning)
    result = dict(
        changed=bool(report.get("changed")) if not module.check_mode else rc == 2,
        changes=report.get("changes", []),
        certificates=report.get("certificates", []),
        breaks_trust=report.get("breaks_trust", False),
        broker=report.get("broker", {}),
    )  # no rc: Ansible takes a non-zero rc (2, changes pending) for a failure
    if report.get("applied"):
        result["applied"] = report["applied"]
    if module._diff:
        result["diff"] = ansible_diff(report)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            spec=dict(type="path"),
            spec_content=dict(type="str"),
            root=dict(type="path"),
            binary=dict(type="str", default="mosq-reconcile"),
            now=dict(type="str"),
            secrets=dict(type="dict", default={}, no_log=True),
        ),
        mutually_exclusive=[("spec", "spec_content")],
        required_one_of=[("spec", "spec_content")],
        supports_check_mode=True,
    )
    if module.params["spec"] is not None:
        run(module, module.params["spec"], module.params["spec"])
        return
    fd, path = tempfile.mkstemp(prefix="mosq-reconcile-", suffix=".yaml", dir=module.tmpdir)
    try:
        with os.fdopen(fd, "w") as spec_file:  # mkstemp made it 0600
            spec_file.write(module.params["spec_content"])
        run(module, path, "spec_content")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
