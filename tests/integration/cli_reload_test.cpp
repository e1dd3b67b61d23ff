// Issue 2: after a change the broker must see, apply signals the process in
// broker.reload.pid_file; a listener change asks for a restart instead and
// records it until the broker has restarted or stopped.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "support/integration.h"

using namespace mosq::test;

namespace {

// A stand-in broker: `sleep 60` in a child process, killed and reaped at
// the end. Run through a link named mosquitto, its comm is "mosquitto",
// so the tool takes it for the broker; with named_mosquitto false it is a
// plain "sleep" that the tool must never signal.
class FakeBroker {
 public:
  explicit FakeBroker(bool ignore_sighup, bool named_mosquitto = true) {
    const std::string program = named_mosquitto ? m_dir / "mosquitto" : std::string("/bin/sleep");
    if (named_mosquitto) REQUIRE(::symlink("/bin/sleep", program.c_str()) == 0);
    m_pid = ::fork();
    if (m_pid == 0) {
      if (ignore_sighup) ::signal(SIGHUP, SIG_IGN);  // survives exec
      ::execl(program.c_str(), "mosquitto", "60", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    REQUIRE(m_pid > 0);
  }
  ~FakeBroker() { stop(); }
  pid_t pid() const { return m_pid; }
  // The signal that ended it, 0 while it runs (waits up to a second for one).
  int ended_by_signal() {
    for (int i = 0; i < 50 && m_status_known == false; ++i) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_status_known = true;
        m_signal = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return m_status_known ? m_signal : 0;
  }
  void stop() {
    if (m_status_known) return;
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_status_known = true;
    m_signal = SIGKILL;
  }

 private:
  TempDir m_dir;
  pid_t m_pid = -1;
  bool m_status_known = false;
  int m_signal = 0;
};

std::string spec_with_pid_file(int port) {
  return "version: 1\n"
         "broker:\n"
         "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
         "  password_file: /etc/mosquitto/mqttpass\n"
         "  reload:\n"
         "    pid_file: /run/mosquitto/mosquitto.pid\n"
         "listeners:\n"
         "  - port: " + std::to_string(port) + "\n"
         "    bind_address: 127.0.0.1\n"
         "    tls: false\n"
         "users:\n"
         "  - name: alice\n"
         "    password_env: ALICE_PW\n";
}

}  // namespace

TEST_CASE("reload: apply sends SIGHUP only when something the broker reads changed") {
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(spec_with_pid_file(1883));
  REQUIRE(t.apply().exit_code == 0);

  FakeBroker broker(false);  // dies of SIGHUP, so a signal is visible
  write_file(t.host("/run/mosquitto/mosquitto.pid"), std::to_string(broker.pid()) + "\n");

  // In sync, and a plan: no signal.
  CHECK(t.apply().exit_code == 0);
  CHECK(t.plan({{"ALICE_PW", "alice-Rotated-2222"}}).exit_code == 2);
  CHECK(broker.ended_by_signal() == 0);

  // A password change: SIGHUP.
  auto r = t.apply({{"ALICE_PW", "alice-Rotated-2222"}});
  INFO(describe(r));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "sent SIGHUP to the broker (pid " + std::to_string(broker.pid()) + ")"));
  CHECK(broker.ended_by_signal() == SIGHUP);

  // The broker is gone (its pid file stays): apply still succeeds, signals nothing.
  auto gone = t.apply({{"ALICE_PW", "alice-Again-3333"}});
  INFO(describe(gone));
  CHECK(gone.exit_code == 0);
  CHECK(contains(gone.out, "updated password file"));
  CHECK_FALSE(contains(gone.out, "sent SIGHUP"));
}

TEST_CASE("reload: a listener change records a pending restart until the broker stops") {
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(spec_with_pid_file(1883));
  REQUIRE(t.apply().exit_code == 0);
  FakeBroker broker(true);  // ignores SIGHUP, like a broker that reloads
  write_file(t.host("/run/mosquitto/mosquitto.pid"), std::to_string(broker.pid()) + "\n");

  t.write_spec(spec_with_pid_file(1884));
  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "restart required: listener 1884 127.0.0.1 added"));

  auto apply = t.apply();
  INFO(describe(apply));
  CHECK(apply.exit_code == 0);
  CHECK(contains(apply.err, "restart required and broker.reload.restart_command is unset"));
  CHECK(file_exists(t.host("/var/lib/mosq-reconcile/state.json")));

  // Files are in sync, but the running broker has not seen the listener.
  auto pending = t.plan();
  INFO(describe(pending));
  CHECK(pending.exit_code == 2);
  CHECK(contains(pending.out, "restart still pending: listener 1884 127.0.0.1 added"));
  auto json = t.run({"--plan", "--json"});
  CHECK(json.exit_code == 2);
  CHECK(contains(json.out, "\"restart_pending\""));
  CHECK(contains(json.out, "listener 1884 127.0.0.1 added"));

  broker.stop();
  auto stopped = t.plan();
  INFO(describe(stopped));
  CHECK(stopped.exit_code == 0);
}

TEST_CASE("reload: a pid file naming another process, or an id that wraps around, is never signalled") {
  Tree t;
  t.env["ALICE_PW"] = "alice-Pw-1111";
  t.write_spec(spec_with_pid_file(1883));
  REQUIRE(t.apply().exit_code == 0);
  const std::string pid_file = t.host("/run/mosquitto/mosquitto.pid");
  int round = 0;

  SECTION("a live process that is not mosquitto") {
    FakeBroker other(false, /*named_mosquitto=*/false);  // dies of SIGHUP
    write_file(pid_file, std::to_string(other.pid()) + "\n");
    auto r = t.apply({{"ALICE_PW", "alice-Rotated-" + std::to_string(++round)}});
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "updated password file"));
    CHECK(contains(r.err, "no SIGHUP sent: pid " + std::to_string(other.pid())));
    CHECK(contains(r.err, "is 'sleep', not mosquitto"));
    CHECK(other.ended_by_signal() == 0);  // still alive
  }
  SECTION("ids past pid_t that once became 1 or 0 (this process group)") {
    for (const char* text : {"4294967297\n", "4294967296\n", "12abc\n", "0\n", "-1\n"}) {
      INFO(text);
      write_file(pid_file, text);
      auto r = t.apply({{"ALICE_PW", "alice-Rotated-" + std::to_string(++round)}});
      INFO(describe(r));
      CHECK(r.exit_code == 0);  // the tool was not killed by its own signal
      CHECK(contains(r.out, "updated password file"));
      CHECK(contains(r.err, "no SIGHUP sent: pid file " + pid_file + " is unusable"));
    }
  }
  SECTION("no pid file: it says no reload was needed") {
    auto r = t.apply({{"ALICE_PW", "alice-Rotated-" + std::to_string(++round)}});
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "broker not running (no pid file " + pid_file + "): no reload needed"));
  }
}
