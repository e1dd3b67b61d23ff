// Adopting a hand-made setup through the CLI: the broker's own config is
// read (never written); what collides with the managed snippet stops the
// run, located, with nothing written.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/integration.h"

using namespace mosq::test;

namespace {

struct AdoptionTree : Tree {
  AdoptionTree() {
    spec.user_env("alice", "ALICE_PW");
    write_spec(spec);
    env["ALICE_PW"] = "alice-Pw-1111";
    write_file(host("/etc/mosquitto/mosquitto.conf"),
               "pid_file /run/mosquitto/mosquitto.pid\n"
               "include_dir /etc/mosquitto/conf.d\n"
               "password_file /etc/mosquitto/passwd\n",
               0644);
  }
  SpecYaml spec;
};

}  // namespace

TEST_CASE("adoption: a colliding line in mosquitto.conf is a located diagnostic in --json, nothing written") {
  AdoptionTree t;
  const TreeSnapshot before = t.snapshot();
  auto r = t.run({"--json"});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  const auto out = nlohmann::json::parse(r.out);
  CHECK(out.at("failed") == true);
  const auto& diagnostics = out.at("error").at("diagnostics");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].at("file") == "/etc/mosquitto/mosquitto.conf");
  CHECK(diagnostics[0].at("line") == 3);
  CHECK(diagnostics[0].at("message").get<std::string>().find("delete this line") != std::string::npos);
  CHECK(describe_differences(before, t.snapshot()) == "");

  // Deleted by the operator: the run goes ahead and never touches the file.
  const std::string fixed = "pid_file /run/mosquitto/mosquitto.pid\ninclude_dir /etc/mosquitto/conf.d\n";
  write_file(t.host("/etc/mosquitto/mosquitto.conf"), fixed, 0644);
  t.apply_ok();
  CHECK(read_file(t.host("/etc/mosquitto/mosquitto.conf")) == fixed);
  CHECK(t.plan().exit_code == 0);
}

TEST_CASE("adoption: an include_dir file that is not a regular file is an error naming it, never a hang") {
  AdoptionTree t;
  write_file(t.host("/etc/mosquitto/mosquitto.conf"), "include_dir /etc/mosquitto/conf.d\n", 0644);
  make_fifo(t.host("/etc/mosquitto/conf.d/fifo.conf"));
  const TreeSnapshot before = t.snapshot();
  auto r = t.plan();
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, t.host("/etc/mosquitto/conf.d/fifo.conf") + ": cannot read the broker's config"));
  CHECK(describe_differences(before, t.snapshot()) == "");
}

TEST_CASE("adoption: a managed snippet outside the main config's include_dir is a warning") {
  AdoptionTree t;
  write_file(t.host("/etc/mosquitto/mosquitto.conf"), "pid_file /run/mosquitto/mosquitto.pid\n", 0644);
  auto r = t.plan();
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "Warning: the broker does not read /etc/mosquitto/conf.d/mosq-reconcile.conf: "
                        "/etc/mosquitto/mosquitto.conf has no `include_dir /etc/mosquitto/conf.d`"));
}
