// Issue 10 at the command line: output errors, the lock timeout, hostile
// spec values, expired-on-issue certificates.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "support/integration.h"
#include "util/file_system.h"

using namespace mosq::test;

namespace {

const std::string k_plain_spec =
    "version: 1\n"
    "broker:\n"
    "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
    "  password_file: /etc/mosquitto/mqttpass\n"
    "users:\n"
    "  - name: alice\n"
    "    password_env: ALICE_PW\n";

}  // namespace

TEST_CASE("safety: output that cannot be written is an error (--json > /dev/full)") {
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(k_plain_spec);
  for (const std::string flags : {"--plan --json", "--plan", "--json"}) {
    INFO(flags);
    auto r = run_process({"/bin/sh", "-c",
                          std::string(MOSQ_BINARY) + " " + flags + " --root '" + t.root() + "' '" + t.spec_path() +
                              "' > /dev/full"},
                         t.env);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "mosq-reconcile: error: cannot write the output"));
  }
}

TEST_CASE("safety: apply waits --lock-timeout for another run, then fails naming its pid") {
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(k_plain_spec);
  auto held = mosq::real_file_system().lock(mosq::Root(t.root()).apply_lock(), std::chrono::milliseconds(0));
  const auto start = std::chrono::steady_clock::now();
  auto r = t.run({"--lock-timeout", "1"});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "another mosq-reconcile run holds the lock (pid " + std::to_string(::getpid()) + ")"));
  CHECK(contains(r.err, "within 1 s (--lock-timeout)"));
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::seconds(1));
  CHECK_FALSE(file_exists(t.host("/etc/mosquitto/mqttpass")));
  // --plan takes no lock.
  CHECK(t.plan().exit_code == 2);
  held.reset();
  t.apply_ok({"--lock-timeout", "1"});
  CHECK(t.run({"--lock-timeout", "-1"}).exit_code == 1);
}

TEST_CASE("safety: a spec value with a line break is refused by --validate and writes nothing") {
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(
      "version: 1\n"
      "broker:\n"
      "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
      "  password_file: \"/etc/mosquitto/mqttpass\\nallow_anonymous true\"\n");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--validate"}, {"--plan"}, {}}) {
    auto r = t.run(args);
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "broker.yaml:4:18: broker.password_file: a control character (U+000A, a line break)"));
  }
  CHECK(regular_files(t.snapshot()).empty());
}

TEST_CASE("safety: an apply that would issue already-expired certificates is refused, --plan may look") {
  Tree t;
  t.write_spec(
      "version: 1\n"
      "broker:\n"
      "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
      "  password_file: /etc/mosquitto/mqttpass\n"
      "tls:\n"
      "  dir: /etc/mosquitto/certs\n"
      "  ca: { subject: { CN: Test CA }, key_type: ec-p256 }\n"
      "  server:\n"
      "    subject: { CN: broker.test }\n"
      "    subject_alt_names: [ \"DNS:localhost\" ]\n"
      "    key_type: ec-p256\n");
  CHECK(t.run({"--plan", "--now", "2020-01-01"}).exit_code == 2);
  auto r = t.run({"--now", "2020-01-01"});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "would be issued already expired (valid until 2022-04-0"));  // the server, 825 days
  CHECK(regular_files(t.snapshot()).empty());
}

TEST_CASE("unattended: --quiet prints nothing in sync, a line per change otherwise, and --detailed-exitcode") {
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(k_plain_spec);
  auto first = t.run({"--quiet", "--detailed-exitcode"});
  INFO(describe(first));
  CHECK(first.exit_code == 2);  // changed
  CHECK(first.out ==
        "+ password file /etc/mosquitto/mqttpass: +alice\n"
        "+ broker config /etc/mosquitto/conf.d/mosq-reconcile.conf: does not exist\n");
  auto again = t.run({"--quiet", "--detailed-exitcode"});
  INFO(describe(again));
  CHECK(again.exit_code == 0);  // in sync
  CHECK(again.out.empty());
  CHECK(again.err.empty());
  // Without the flag, apply is 0 either way.
  CHECK(t.run({"--quiet"}, {{"ALICE_PW", "alice-Rotated-2"}}).exit_code == 0);
  // A no-op apply still has "applied" in JSON.
  auto json = t.run({"--json"}, {{"ALICE_PW", "alice-Rotated-2"}});
  INFO(describe(json));
  CHECK(json.exit_code == 0);
  CHECK(contains(json.out, "\"applied\": {"));
  CHECK(contains(json.out, "\"done\": []"));
}

TEST_CASE("hashes: new $7$ lines use the version's default iterations, or broker.hash_iterations") {
  for (const auto& [extra, prefix] : std::vector<std::pair<std::string, std::string>>{
           {"", "alice:$7$101$"},
           {"  mosquitto_version: \"2.1\"\n", "alice:$7$1000$"},
           {"  hash_iterations: 5000\n", "alice:$7$5000$"}}) {
    Tree t;
    t.env["ALICE_PW"] = "alice-Pw-1111";
    std::string spec = k_plain_spec;
    spec.insert(spec.find("users:"), extra);
    t.write_spec(spec);
    t.apply_ok();
    INFO(spec);
    CHECK(read_file(t.host("/etc/mosquitto/mqttpass")).rfind(prefix, 0) == 0);
    CHECK(t.plan().exit_code == 0);  // the line verifies: kept
  }
}

TEST_CASE("safety: an OpenSSL configuration that loads no usable provider fails before anything is written") {
  // Before: "SHA-256 failed", from the first file digest.
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(k_plain_spec);
  const std::string conf = t.work("openssl.cnf");
  mosq::test::write_file(conf,
                         "openssl_conf = init\n[init]\nproviders = providers\n"
                         "[providers]\nno_such_provider = no_such_provider_section\n"
                         "[no_such_provider_section]\nactivate = 1\n");
  const TreeSnapshot before = t.snapshot();
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"--plan"}, {"--plan", "--json"}}) {
    auto r = t.run(args, {{"OPENSSL_CONF", conf}});
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err + r.out, "cannot start OpenSSL: it has no SHA-256 digest"));
    CHECK(contains(r.err + r.out, "OPENSSL_CONF"));
  }
  CHECK(describe_differences(before, t.snapshot()) == "");
  // --validate reads the spec only: it does not start OpenSSL.
  auto validated = t.run({"--validate"}, {{"OPENSSL_CONF", conf}});
  INFO(describe(validated));
  CHECK(validated.exit_code == 0);
  // The same tree with the system's configuration applies.
  t.apply_ok();
}
