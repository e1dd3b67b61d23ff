// Issue 10: temp files a crashed run left beside the files it writes (a
// private key's or the password hashes' copy) are removed by the next
// apply: only names that are exactly the tool's own temp pattern for a
// managed file, only regular files, never through a link; --plan only
// reports them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "support/integration.h"

using namespace mosq::test;

TEST_CASE("stale temp files of managed paths are reported by --plan and removed by apply") {
  Tree t;
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW");
  spec.tls = true;
  t.write_spec(spec);
  t.env = {{"ALICE_PW", "alice-pw"}};
  t.apply_ok();

  // What a run killed between writing and renaming leaves behind.
  const std::vector<std::string> stale{
      "/etc/mosquitto/certs/.ca.key.tmp-123456789",
      "/etc/mosquitto/.mqttpass.tmp-42",
      "/etc/mosquitto/conf.d/.mosq-reconcile.conf.tmp-7",
  };
  for (const auto& path : stale) write_file(t.host(path), "half-written secret\n", 0600);
  // And what must stay: other names, a directory, a link and its target.
  TempDir outside;
  const std::string victim = outside.write("victim", "not ours\n", 0600);
  const std::vector<std::string> kept{
      "/etc/mosquitto/certs/.ca.key.tmp-12x",
      "/etc/mosquitto/certs/.ca.key.tmp-",
      "/etc/mosquitto/certs/.other.key.tmp-5",
      "/etc/mosquitto/certs/ca.key.tmp-5",
  };
  for (const auto& path : kept) write_file(t.host(path), "someone's\n", 0600);
  make_dirs(t.host("/etc/mosquitto/certs/.ca.crt.tmp-99"));
  REQUIRE(::symlink(victim.c_str(), t.host("/etc/mosquitto/certs/.server.key.tmp-8").c_str()) == 0);

  ProcessResult plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  for (const auto& path : stale) {
    CHECK(contains(plan.out, "- stale temp file " + path + ": left by an interrupted run"));
    CHECK(file_exists(t.host(path)));  // --plan removes nothing
  }
  CHECK(contains(plan.out, "No changes. 3 stale temp files to remove."));
  CHECK_FALSE(contains(plan.out, ".tmp-12x"));
  CHECK_FALSE(contains(plan.out, ".server.key.tmp-8"));

  ProcessResult json = t.run({"--plan", "--json"});
  INFO(describe(json));
  auto j = nlohmann::json::parse(json.out);
  CHECK(j.at("changed") == true);
  CHECK(j.at("stale_temp_files") == nlohmann::json(std::vector<std::string>{
                                        stale[2], stale[1], stale[0]}));

  ProcessResult apply = t.apply();
  INFO(describe(apply));
  CHECK(apply.exit_code == 0);
  for (const auto& path : stale) {
    CHECK(contains(apply.out, "removed stale temp file " + path));
    CHECK_FALSE(file_exists(t.host(path)));
  }
  for (const auto& path : kept) CHECK(read_file(t.host(path)) == "someone's\n");
  CHECK(file_exists(t.host("/etc/mosquitto/certs/.ca.crt.tmp-99")));
  struct stat st {};
  CHECK(::lstat(t.host("/etc/mosquitto/certs/.server.key.tmp-8").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK(read_file(victim) == "not ours\n");

  ProcessResult again = t.plan();
  INFO(describe(again));
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, "No changes."));
}

TEST_CASE("a stale temp file of the state file is removed too") {
  Tree t;
  t.write_spec(SpecYaml().user_env("alice", "ALICE_PW"));
  t.env = {{"ALICE_PW", "alice-pw"}};
  t.apply_ok();
  write_file(t.host("/var/lib/mosq-reconcile/.state.json.tmp-31"), "{}", 0644);
  ProcessResult plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "stale temp file /var/lib/mosq-reconcile/.state.json.tmp-31"));
  t.apply_ok();
  CHECK_FALSE(file_exists(t.host("/var/lib/mosq-reconcile/.state.json.tmp-31")));
}

TEST_CASE("a given CA's files (managed: false) are not the tool's: temp-like names beside them stay") {
  TempDir ca_dir;
  const std::string ca_key = ca_dir / "ca.key";
  const std::string ca_crt = ca_dir / "ca.crt";
  auto made = openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                       "-keyout", ca_key, "-subj", "/O=Example/CN=Example Fleet CA", "-days", "3650",
                       "-out", ca_crt});
  REQUIRE(made.exit_code == 0);
  Tree t;
  t.write_spec(
      "version: 1\n"
      "broker:\n"
      "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
      "  password_file: /etc/mosquitto/mqttpass\n"
      "listeners:\n"
      "  - port: 8883\n"
      "users: []\n"
      "tls:\n"
      "  dir: /etc/mosquitto/certs\n"
      "  ca:\n"
      "    managed: false\n"
      "    cert: /etc/mosquitto/ca_certificates/fleet-ca.crt\n"
      "    key_env: MQTT_CA_KEY\n"
      "  server:\n"
      "    subject: { O: Example, CN: broker-1.example.test }\n"
      "    subject_alt_names: [ \"DNS:broker-1.example.test\" ]\n");
  write_file(t.host("/etc/mosquitto/ca_certificates/fleet-ca.crt"), read_file(ca_crt), 0644);
  t.env = {{"MQTT_CA_KEY", read_file(ca_key)}};
  t.apply_ok();
  const std::string beside_ca = "/etc/mosquitto/ca_certificates/.fleet-ca.crt.tmp-5";
  write_file(t.host(beside_ca), "Ansible's, say\n", 0644);
  write_file(t.host("/etc/mosquitto/certs/.server.key.tmp-6"), "half a key\n", 0600);
  ProcessResult plan = t.plan();
  INFO(describe(plan));
  CHECK(contains(plan.out, "stale temp file /etc/mosquitto/certs/.server.key.tmp-6"));
  CHECK_FALSE(contains(plan.out, beside_ca));
  t.apply_ok();
  CHECK(read_file(t.host(beside_ca)) == "Ansible's, say\n");
  CHECK_FALSE(file_exists(t.host("/etc/mosquitto/certs/.server.key.tmp-6")));
}
