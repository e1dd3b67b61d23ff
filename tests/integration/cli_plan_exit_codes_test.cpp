// Issue 2: the CLI contract: --plan exit codes 0/2/1, apply exit codes,
// --validate, --help/--version, --diff.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/integration.h"

using namespace mosq::test;

namespace {

const std::string k_pwfile = "/etc/mosquitto/mqttpass";
const std::string k_config = "/etc/mosquitto/conf.d/mosq-reconcile.conf";

struct SimpleTree : Tree {
  SimpleTree() {
    SpecYaml spec;
    spec.user_env("alice", "ALICE_PW").user_env("bob", "BOB_PW");
    write_spec(spec);
    env = {{"ALICE_PW", "alice-Pw-1111"}, {"BOB_PW", "bob-Pw-2222"}};
  }
};

}  // namespace

TEST_CASE("plan: exits 2 on a greenfield root and writes nothing") {
  SimpleTree t;
  const TreeSnapshot before = t.snapshot();
  REQUIRE(before.empty());
  auto r = t.plan();
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "+ password file " + k_pwfile));
  CHECK(contains(r.out, "+ broker config " + k_config));
  CHECK(contains(r.out, "Plan: 2 to add, 0 to change, 0 to replace, 0 to remove (users: +2 ~0 -0)."));
  CHECK(describe_differences(before, t.snapshot()) == "");
}

TEST_CASE("plan: exits 0 in sync, 2 with drift, 1 on error, and apply exits 0 or 1") {
  SimpleTree t;
  auto first = t.apply();
  INFO(describe(first));
  REQUIRE(first.exit_code == 0);
  auto again = t.apply();
  CHECK(again.exit_code == 0);  // done, nothing changed

  auto in_sync = t.plan();
  INFO(describe(in_sync));
  CHECK(in_sync.exit_code == 0);
  CHECK(contains(in_sync.out, "No changes."));

  auto drift = t.plan({{"BOB_PW", "bob-Other-3333"}});
  INFO(describe(drift));
  CHECK(drift.exit_code == 2);
  CHECK(contains(drift.out, "~ user bob: password changed"));
  CHECK(contains(drift.out, "Plan: 0 to add, 1 to change, 0 to replace, 0 to remove (users: +0 ~1 -0)."));

  const TreeSnapshot before = t.snapshot();
  auto error = t.plan({{"-BOB_PW", ""}});
  INFO(describe(error));
  CHECK(error.exit_code == 1);
  CHECK(contains(error.err, "BOB_PW"));
  auto apply_error = t.apply({{"-BOB_PW", ""}});
  INFO(describe(apply_error));
  CHECK(apply_error.exit_code == 1);
  CHECK(contains(apply_error.err, "BOB_PW"));
  CHECK(describe_differences(before, t.snapshot()) == "");
}

TEST_CASE("validate: checks only the spec: no env, no root, no secret files needed") {
  Tree t;
  SpecYaml spec;
  spec.user_env("alice", "UNSET_VARIABLE_FOR_VALIDATE").user_file("bob", "/no/such/secret");
  spec.tls = true;
  spec.ca_passphrase_env = "UNSET_PASSPHRASE_FOR_VALIDATE";
  t.write_spec(spec);

  auto r = run_tool({"--validate", "--root", "/nonexistent/mosq-root", t.spec_path()},
                    {{"-UNSET_VARIABLE_FOR_VALIDATE", ""}, {"-UNSET_PASSPHRASE_FOR_VALIDATE", ""}});
  INFO(describe(r));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, t.spec_path() + ": valid"));

  auto j = run_tool({"--validate", "--json", t.spec_path()});
  INFO(describe(j));
  CHECK(j.exit_code == 0);
  auto parsed = nlohmann::json::parse(j.out);
  CHECK(parsed["valid"] == true);
  CHECK(parsed["format_version"] == "1.0");

  // On a real root it still writes nothing.
  auto on_root = t.run({"--validate"});
  CHECK(on_root.exit_code == 0);
  CHECK(t.snapshot().empty());
}

TEST_CASE("validate: rejects a bad spec with exit 1 and a located message") {
  Tree t;
  t.write_spec("version: 1\nbroker:\n  config_file: /etc/x.conf\n  password_file: /etc/p\n"
               "users:\n  - name: a\n    password: plain\n");
  auto r = run_tool({"--validate", t.spec_path()});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, t.spec_path() + ":7:5: users[0].password: plaintext passwords are refused"));
  CHECK(r.out.empty());
}

TEST_CASE("help and version exit 0, an unknown option exits 1") {
  auto help = run_tool({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "Usage: mosq-reconcile"));
  CHECK(contains(help.out, "--plan"));
  auto version = run_tool({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("mosq-reconcile ", 0) == 0);
  auto bad = run_tool({"--frobnicate", "spec.yaml"});
  INFO(describe(bad));
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.err, "frobnicate"));
  auto none = run_tool({});
  CHECK(none.exit_code == 1);
  CHECK(contains(none.err, "no spec file"));
}

TEST_CASE("diff: shows the config diff and a redacted password file diff") {
  SimpleTree t;

  SECTION("greenfield: both files diffed from /dev/null") {
    auto r = t.run({"--plan", "--diff"});
    INFO(describe(r));
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, "--- /dev/null\n+++ " + k_pwfile + "\n"));
    CHECK(contains(r.out, "+alice:(sensitive value, new)\n"));
    CHECK(contains(r.out, "+bob:(sensitive value, new)\n"));
    CHECK(contains(r.out, "--- /dev/null\n+++ " + k_config + "\n"));
    CHECK(contains(r.out, "+allow_anonymous false\n"));
    CHECK_FALSE(contains(r.out, "$7$"));
  }

  SECTION("after drift: only what differs") {
    REQUIRE(t.apply().exit_code == 0);
    std::string pw = read_file(t.host(k_pwfile));
    const std::string alice_line = "alice:" + hash_of(pw, "alice") + "\n";
    write_file(t.host(k_pwfile), alice_line + "eve:$7$101$AAAAAAAAAAAAAAAA$bm90LWEtaGFzaA==\n", 0640);
    std::string config = read_file(t.host(k_config));
    config.replace(config.find("per_listener_settings false"), 27, "per_listener_settings true");
    write_file(t.host(k_config), config, 0644);

    auto r = t.run({"--plan", "--diff"});
    INFO(describe(r));
    CHECK(r.exit_code == 2);
    CHECK(contains(r.out, "--- " + k_pwfile + "\n+++ " + k_pwfile + "\n"));
    CHECK(contains(r.out, "\n alice:(sensitive value)\n"));
    CHECK(contains(r.out, "\n-eve:(sensitive value)\n"));
    CHECK(contains(r.out, "\n+bob:(sensitive value, new)\n"));
    CHECK(contains(r.out, "--- " + k_config + "\n+++ " + k_config + "\n"));
    CHECK(contains(r.out, "\n-per_listener_settings true\n+per_listener_settings false\n"));
    CHECK_FALSE(contains(r.out, "$7$"));
    CHECK_FALSE(contains(r.out, "bm90LWEtaGFzaA"));

    auto json = t.run({"--plan", "--json", "--diff"});
    INFO(describe(json));
    CHECK(json.exit_code == 2);
    auto j = nlohmann::json::parse(json.out);
    REQUIRE(j.contains("diff"));
    CHECK(contains(j["diff"].get<std::string>(), "-per_listener_settings true"));
    CHECK(contains(j["diff"].get<std::string>(), "+bob:(sensitive value, new)"));
  }

  SECTION("in sync: no diff at all") {
    REQUIRE(t.apply().exit_code == 0);
    auto r = t.run({"--plan", "--diff"});
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK_FALSE(contains(r.out, "---"));
    CHECK_FALSE(contains(r.out, "+++"));
  }
}
