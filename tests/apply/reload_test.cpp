// Telling the broker, through the Host seam: SIGHUP only to a process
// shown to be mosquitto, hooks with a minimal environment, and a word
// when no broker runs (issue 10 §4, §7).
#include "apply/reload.h"

#include <signal.h>

#include <catch2/catch.hpp>

#include "support/fake_host.h"
#include "support/plan_fixture.h"
#include "support/temp_dir.h"

using namespace mosq;
using namespace mosq::test;

namespace {

// A plan whose password file changed: the broker must reload.
plan::Plan reload_plan(const spec::Spec& spec) {
  observe::Observed observed = in_sync(spec);
  observed.password_file.content = {};
  observed.password_file.verdicts.clear();
  plan::Plan plan = plan_for(spec, observed);
  REQUIRE(plan.reload_needed);
  REQUIRE_FALSE(plan.restart_required());
  return plan;
}

spec::Spec spec_with_pid_file(const TempDir& dir) {
  spec::Spec spec = example_spec();
  spec.broker.reload = spec::Reload{};
  spec.broker.reload.pid_file = dir / "mosquitto.pid";
  return spec;
}

observe::EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("SIGHUP goes to the pid file's process only when it is mosquitto", "[apply][reload]") {
  TempDir dir;
  const spec::Spec spec = spec_with_pid_file(dir);
  const plan::Plan plan = reload_plan(spec);
  const auto env = env_of({});

  SECTION("mosquitto: signalled") {
    write_file(dir / "mosquitto.pid", "4242\n");
    FakeHost host;
    host.add_process(4242, "mosquitto");
    apply::ApplyReport report;
    apply::notify_broker(plan, spec, real_file_system(), host, Root(), env, report);
    REQUIRE(host.signals.size() == 1);
    CHECK(host.signals[0] == std::make_pair(pid_t{4242}, SIGHUP));
    CHECK(report.reloaded);
    CHECK(report.done.back() == "sent SIGHUP to the broker (pid 4242)");
  }
  SECTION("another process, a reused id, garbage or a wrapped-around id: never signalled, said why") {
    struct Case {
      std::string pid_text;
      std::string comm;
      double started_ago;
      std::string why;
    };
    for (const Case& c : {Case{"4242\n", "sshd", 100, "is 'sshd', not mosquitto"},
                          Case{"4242\n", "mosquitto", -60, "started after the pid file was written"},
                          Case{"4294967297\n", "mosquitto", 100, "process id 4294967297 is out of range"},
                          Case{"4294967296\n", "mosquitto", 100, "process id 4294967296 is out of range"},
                          Case{"12abc\n", "mosquitto", 100, "only digits"}}) {
      INFO(c.pid_text << " " << c.comm);
      write_file(dir / "mosquitto.pid", c.pid_text);
      FakeHost host;
      for (pid_t pid : {pid_t{0}, pid_t{1}, pid_t{12}, pid_t{4242}}) host.add_process(pid, c.comm, c.started_ago);
      apply::ApplyReport report;
      apply::notify_broker(plan, spec, real_file_system(), host, Root(), env, report);
      CHECK(host.signals.empty());
      CHECK_FALSE(report.reloaded);
      REQUIRE(report.warnings.size() == 1);
      CHECK(report.warnings[0].rfind("no SIGHUP sent: ", 0) == 0);
      CHECK(report.warnings[0].find(c.why) != std::string::npos);
    }
  }
  SECTION("no broker runs: nothing sent, and it says so") {
    FakeHost host;
    apply::ApplyReport report;
    apply::notify_broker(plan, spec, real_file_system(), host, Root(), env, report);
    CHECK(host.signals.empty());
    REQUIRE_FALSE(report.done.empty());
    CHECK(report.done.back().rfind("broker not running (no pid file ", 0) == 0);
    write_file(dir / "mosquitto.pid", "4242\n");  // stale
    apply::ApplyReport stale;
    apply::notify_broker(plan, spec, real_file_system(), host, Root(), env, stale);
    CHECK(host.signals.empty());
    CHECK(stale.done.back().find("is gone (stale pid file)") != std::string::npos);
  }
}

TEST_CASE("hooks run with a minimal environment: no secret variable reaches them", "[apply][reload]") {
  spec::Spec spec = example_spec();
  spec.broker.reload = spec::Reload{};
  spec.broker.reload.command = "systemctl reload mosquitto";
  spec.users[0].password = spec::PasswordSource{spec::PasswordSourceKind::env, "HOME"};  // a hostile choice
  const plan::Plan plan = reload_plan(spec);
  const auto env = env_of({{"PATH", "/usr/bin:/bin"},
                           {"HOME", "secret-password-in-HOME"},
                           {"LANG", "C.UTF-8"},
                           {"MQTT_USER1_PASSWORD", "pw-1"},
                           {"MQTT_CA_PASSPHRASE", "ca-pass"},
                           {"ANSIBLE_VAULT_PASSWORD", "vault"},
                           {"AWS_SECRET_ACCESS_KEY", "aws"}});
  FakeHost host;
  apply::ApplyReport report;
  apply::notify_broker(plan, spec, real_file_system(), host, Root(), env, report);
  REQUIRE(host.commands.size() == 1);
  CHECK(host.commands[0].command == "systemctl reload mosquitto");
  const std::map<std::string, std::string> expected{{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}};
  CHECK(host.commands[0].environment == expected);
  CHECK(report.reloaded);

  // Without PATH, a standard one.
  const auto bare = apply::hook_environment(spec, env_of({}));
  CHECK(bare.at("PATH") == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  CHECK(bare.size() == 1);
}

TEST_CASE("a failing reload command is an error naming it", "[apply][reload]") {
  spec::Spec spec = example_spec();
  spec.broker.reload = spec::Reload{};
  spec.broker.reload.command = "false";
  const plan::Plan plan = reload_plan(spec);
  FakeHost host;
  host.command_status = 3;
  apply::ApplyReport report;
  CHECK_THROWS_WITH(apply::notify_broker(plan, spec, real_file_system(), host, Root(), env_of({}), report),
                    "reload command 'false' failed (exit 3)");
}
