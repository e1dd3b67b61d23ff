// Issue 2: --json output, the contract Ansible and CI build on.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/integration.h"
#include "support/plan_json.h"

using namespace mosq::test;
using nlohmann::json;

namespace {

const std::string k_pwfile = "/etc/mosquitto/mqttpass";
const std::string k_config = "/etc/mosquitto/conf.d/mosq-reconcile.conf";

struct JsonTree : Tree {
  JsonTree() {
    SpecYaml spec;
    spec.user_env("alice", "ALICE_PW").user_env("bob", "BOB_PW");
    write_spec(spec);
    env = {{"ALICE_PW", "alice-Pw-1111"}, {"BOB_PW", "bob-Pw-2222"}};
  }
};

json parse(const ProcessResult& r) {
  INFO(describe(r));
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  return j;
}

}  // namespace

TEST_CASE("json: plan has format_version, changed, changes with resource, action and reasons") {
  JsonTree t;
  auto r = t.run({"--plan", "--json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.empty());
  const json j = parse(r);
  CHECK(j.at("format_version") == "1.0");
  CHECK(j.at("changed") == true);
  REQUIRE(j.at("changes").is_array());
  REQUIRE(j.at("changes").size() == 2);
  for (const auto& c : j.at("changes")) {
    CHECK(c.at("resource").is_string());
    CHECK(c.at("action") == "create");
    CHECK(c.at("actions") == json::array({"create"}));
    CHECK(c.at("reasons") == json::array({"does not exist"}));
  }
  const json* pw = change_of(j, "password_file");
  REQUIRE(pw != nullptr);
  CHECK(pw->at("path") == k_pwfile);
  REQUIRE(pw->at("users").size() == 2);
  CHECK(pw->at("users")[0].at("user") == "alice");
  CHECK(pw->at("users")[0].at("action") == "create");
  const json* config = change_of(j, "broker_config");
  REQUIRE(config != nullptr);
  CHECK(config->at("path") == k_config);
  CHECK(j.at("broker").at("reload") == true);
  // A broker that may be running has none of the new listeners yet.
  CHECK(j.at("broker").at("restart_required") == true);
  CHECK(j.at("broker").at("restart_reasons").size() >= 1);
  CHECK(j.at("broker").at("restart_reasons")[0].get<std::string>().find(" added") != std::string::npos);
}

TEST_CASE("json: in sync, changed false, no changes, every resource listed as no-op") {
  JsonTree t;
  REQUIRE(t.apply().exit_code == 0);
  auto r = t.run({"--plan", "--json"});
  CHECK(r.exit_code == 0);
  const json j = parse(r);
  CHECK(j.at("changed") == false);
  CHECK(j.at("changes").empty());
  REQUIRE(j.at("resources").size() == 2);
  for (const auto& res : j.at("resources")) CHECK(res.at("action") == "no-op");
}

TEST_CASE("json: apply reports the plan and what was done") {
  JsonTree t;
  auto r = t.run({"--json"});
  CHECK(r.exit_code == 0);
  const json j = parse(r);
  CHECK(j.at("format_version") == "1.0");
  CHECK(j.at("changed") == true);
  REQUIRE(j.contains("applied"));
  const auto& done = j.at("applied").at("done");
  REQUIRE(done.is_array());
  CHECK(std::find(done.begin(), done.end(), "created password file " + k_pwfile) != done.end());
  CHECK(std::find(done.begin(), done.end(), "created broker config " + k_config) != done.end());
  CHECK(file_exists(t.host(k_pwfile)));

  auto second = t.run({"--json"});
  CHECK(second.exit_code == 0);
  const json j2 = parse(second);
  CHECK(j2.at("changed") == false);
  CHECK(j2.at("changes").empty());
}

TEST_CASE("json: a replace lists its actions as delete, create") {
  JsonTree t;
  REQUIRE(t.apply().exit_code == 0);
  // A listener-level edit: the config is replaced (restart required).
  write_file(t.host(k_config), read_file(t.host(k_config)) + "max_connections 5\n", 0644);
  auto r = t.run({"--plan", "--json"});
  CHECK(r.exit_code == 2);
  const json j = parse(r);
  const json* config = change_of(j, "broker_config");
  REQUIRE(config != nullptr);
  CHECK(config->at("action") == "replace");
  CHECK(config->at("actions") == json::array({"delete", "create"}));
  CHECK(j.at("broker").at("restart_required") == true);
}

TEST_CASE("json: a spec error is JSON too, with located diagnostics") {
  Tree t;
  t.write_spec(
      "version: 1\n"
      "broker:\n"
      "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
      "  password_file: /etc/mosquitto/mqttpass\n"
      "  alow_anonymous: false\n");
  for (const bool plan : {true, false}) {
    CAPTURE(plan);
    auto r = plan ? t.run({"--plan", "--json"}) : t.run({"--json"});
    CHECK(r.exit_code == 1);
    const json j = parse(r);
    CHECK(j.at("format_version") == "1.0");
    CHECK(j.at("failed") == true);
    CHECK(j.at("changed") == false);
    CHECK(contains(j.at("error").at("message").get<std::string>(), "alow_anonymous"));
    const auto& diags = j.at("error").at("diagnostics");
    REQUIRE(diags.size() >= 1);
    CHECK(diags[0].at("file") == t.spec_path());
    CHECK(diags[0].at("line") == 5);
    CHECK(diags[0].at("column") == 3);
    CHECK(diags[0].at("field") == "broker.alow_anonymous");
    CHECK(contains(diags[0].at("message").get<std::string>(), "did you mean 'allow_anonymous'?"));
    CHECK(t.snapshot().empty());
  }
}

TEST_CASE("json: a runtime error (missing variable) is JSON with the located message") {
  JsonTree t;
  auto r = t.run({"--plan", "--json"}, {{"-BOB_PW", ""}});
  CHECK(r.exit_code == 1);
  const json j = parse(r);
  CHECK(j.at("failed") == true);
  CHECK(j.at("changed") == false);
  const std::string message = j.at("error").at("message");
  CHECK(contains(message, t.spec_path() + ":"));
  CHECK(contains(message, "users[1].password_env"));
  CHECK(contains(message, "BOB_PW is not set"));
  CHECK(j.at("error").at("diagnostics").is_array());
  CHECK(t.snapshot().empty());
}
