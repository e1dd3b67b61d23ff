// Issue 11: the ACL file through the built binary on a temp tree: created
// with its mode and the config's acl_file line, converged on a second
// run, a hand edit shown rule by rule (text, --json, --diff) and repaired,
// a hand-written file with the same rules rewritten for format only.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/integration.h"

using namespace mosq::test;
using nlohmann::json;

namespace {

const std::string k_acl = "/etc/mosquitto/acl";
const std::string k_config = "/etc/mosquitto/conf.d/mosq-reconcile.conf";

std::string acl_spec(const std::string& sensor_rules, const std::string& unlisted = "remove") {
  return "version: 1\n"
         "broker:\n"
         "  config_file: " + k_config + "\n"
         "  password_file: /etc/mosquitto/mqttpass\n"
         "  acl_file: " + k_acl + "\n"
         "  unlisted_users: " + unlisted + "\n"
         "users:\n"
         "  - name: sensor-7\n"
         "    password_env: S7_PW\n"
         "    acl:\n" + sensor_rules +
         "acl:\n"
         "  patterns:\n"
         "    - { topic: \"devices/%u/#\", access: readwrite }\n";
}

const std::string k_rules =
    "      - { topic: \"sensors/7/#\", access: write }\n"
    "      - { topic: \"sensors/7/cmd\", access: read }\n";

struct AclTree : Tree {
  AclTree() {
    env = {{"S7_PW", "sensor-Pw-7777"}};
    write_spec(acl_spec(k_rules));
  }
};

}  // namespace

TEST_CASE("acl: apply creates the file and the config's acl_file line, then converges") {
  AclTree t;
  ProcessResult plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "+ ACL file " + k_acl + "\n"));
  CHECK(contains(plan.out, "~ acl (patterns) (not in the file): + readwrite devices/%u/#\n"));
  CHECK(contains(plan.out, "~ acl sensor-7 (not in the file): + write sensors/7/#, + read sensors/7/cmd\n"));
  t.apply_ok();
  CHECK(read_file(t.host(k_acl)) ==
        "# Managed by mosq-reconcile. Do not edit: the next run puts it back.\n"
        "\n# Every user (%u: user name, %c: client id)\n"
        "pattern readwrite devices/%u/#\n"
        "\nuser sensor-7\n"
        "topic write sensors/7/#\n"
        "topic read sensors/7/cmd\n");
  CHECK((mode_of(t.host(k_acl)) == 0640 || mode_of(t.host(k_acl)) == 0600));
  CHECK(contains(read_file(t.host(k_config)), "\nacl_file " + k_acl + "\n"));
  ProcessResult again = t.plan();
  INFO(describe(again));
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, "No changes."));
}

TEST_CASE("acl: a hand edit is drift, shown rule by rule in text, --json and --diff, and repaired") {
  AclTree t;
  t.apply_ok();
  std::ofstream(t.host(k_acl), std::ios::app) << "topic readwrite #\n";
  ProcessResult plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "~ ACL file " + k_acl + "\n      ~ acl sensor-7 (not in the spec): - readwrite #\n"));

  ProcessResult j = t.run({"--plan", "--json", "--diff"});
  INFO(describe(j));
  const json out = json::parse(j.out);
  json acl;
  for (const auto& c : out["changes"]) {
    if (c["resource"] == "acl_file") acl = c;
  }
  REQUIRE_FALSE(acl.is_null());
  CHECK(acl["actions"] == json({"update", "delete"}));
  CHECK(acl["rules"] == json::parse(R"([{"action":"delete","scope":"user","user":"sensor-7","access":"readwrite",
                                         "topic":"#","reason":"not in the spec","line":9}])"));
  bool diffed = false;
  for (const auto& d : out["file_diffs"]) {
    if (d["path"] != k_acl) continue;
    diffed = true;
    CHECK(contains(d["before"].get<std::string>(), "topic readwrite #\n"));
    CHECK_FALSE(contains(d["after"].get<std::string>(), "topic readwrite #"));
  }
  CHECK(diffed);
  ProcessResult diff = t.run({"--plan", "--diff"});
  CHECK(contains(diff.out, "-topic readwrite #\n"));

  t.apply_ok();
  CHECK_FALSE(contains(read_file(t.host(k_acl)), "topic readwrite #"));
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("acl: a hand-written file granting the same rules is rewritten for format only") {
  AclTree t;
  t.apply_ok();
  {
    std::ofstream out(t.host(k_acl), std::ios::trunc);
    out << "user sensor-7\ntopic read sensors/7/cmd\n# hand written\ntopic   write sensors/7/#\n"
           "pattern readwrite devices/%u/#\n";
  }
  ProcessResult plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "~ ACL file " + k_acl + ": rewritten for format only: the file already grants exactly "
                           "the spec's rules"));
  CHECK_FALSE(contains(plan.out, "acl sensor-7"));
  ProcessResult j = t.run({"--plan", "--json"});
  const json out = json::parse(j.out);
  bool seen = false;
  for (const auto& c : out["changes"]) {
    if (c["resource"] != "acl_file") continue;
    seen = true;
    CHECK(c["format_only"] == true);
    CHECK(c["rules"].empty());
    CHECK(c["actions"] == json({"update"}));
  }
  CHECK(seen);
  t.apply_ok();
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("acl: unlisted_users: keep keeps an unlisted user's rules and remove takes them away") {
  AclTree t;
  t.apply_ok();
  std::ofstream(t.host(k_acl), std::ios::app) << "\nuser handmade\ntopic read hand/#\n";
  std::ofstream(t.host("/etc/mosquitto/mqttpass"), std::ios::app)
      << "handmade:$6$c2FsdHNhbHRzYWx0$c+NGvGfsm1C8r6yvIpVCmf61SNl7RXBd4sPmljHjGixLW8PQZWosQWSa8zwFT0o4tl77izgIBSWvmuY44Z+"
         "sTQ==\n";
  SECTION("keep") {
    t.write_spec(acl_spec(k_rules, "keep"));
    ProcessResult plan = t.plan();
    INFO(describe(plan));
    CHECK(plan.exit_code == 0);  // appended as the renderer writes a kept user's block: in sync
    CHECK(contains(plan.out, "No changes."));
    t.apply_ok();
    CHECK(contains(read_file(t.host(k_acl)), "\nuser handmade\ntopic read hand/#\n"));
  }
  SECTION("remove: the user loses its rules with its password line") {
    ProcessResult plan = t.plan();
    INFO(describe(plan));
    CHECK(contains(plan.out, "- user handmade: not in the spec (unlisted_users: remove)"));
    CHECK(contains(plan.out, "~ acl handmade (not in the spec (unlisted_users: remove)): - read hand/#"));
    t.apply_ok();
    CHECK_FALSE(contains(read_file(t.host(k_acl)), "handmade"));
    CHECK_FALSE(contains(read_file(t.host("/etc/mosquitto/mqttpass")), "handmade"));
  }
}

TEST_CASE("acl: a spec whose rule the broker would misread is refused, located, and nothing is written") {
  AclTree t;
  t.write_spec(acl_spec("      - { topic: \"sensors/#/x\", access: write }\n"));
  const TreeSnapshot before = t.snapshot();
  ProcessResult r = t.apply();
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, ":11:18: users[0].acl[0].topic: not a topic filter Mosquitto 2.0 reads back as given: '#' "
                        "must be the last topic level"));
  CHECK(describe_differences(before, t.snapshot()) == "");
}
