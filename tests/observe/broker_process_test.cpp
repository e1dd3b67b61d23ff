// The pid file is hostile input: strict parsing, and a process is the
// broker only when it is mosquitto and older than its pid file (issue 10 §4).
#include "observe/broker_process.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support/fake_host.h"
#include "support/temp_dir.h"

using namespace mosq;
using namespace mosq::observe;
using mosq::test::FakeHost;
using mosq::test::TempDir;
using mosq::test::write_file;

TEST_CASE("parse_pid takes digits only, within pid_t, above 1", "[observe][pid]") {
  CHECK(parse_pid("4242") == 4242);
  CHECK(parse_pid("4242\n") == 4242);
  CHECK(parse_pid("2147483647\n") == 2147483647);
  std::string why;
  for (const char* bad : {"", "\n", "0", "1", "-5", "12abc", "12 ", " 12", "+12", "4294967297", "4294967296",
                          "2147483648", "99999999999999999999", "12\n\n", "0x10", "१२"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(parse_pid(bad, &why));
    CHECK_FALSE(why.empty());
  }
  parse_pid("4294967297", &why);
  CHECK(why == "process id 4294967297 is out of range");
  parse_pid("42949672970", &why);
  CHECK(why == "it is not a process id (too long)");
  parse_pid("2147483648", &why);
  CHECK(why == "process id 2147483648 is out of range");
  parse_pid("1", &why);
  CHECK(why == "process id 1 cannot be the broker's");
  parse_pid("12abc", &why);
  CHECK(why == "it is not a process id (only digits and one newline may be there)");
}

TEST_CASE("find_broker: only a live mosquitto older than its pid file is the broker", "[observe][pid]") {
  TempDir dir;
  const std::string pid_file = dir / "mosquitto.pid";
  FakeHost host;
  const FileSystem& fs = real_file_system();

  CHECK(find_broker(HostPath::as_given(pid_file), fs, host).state == BrokerState::no_pid_file);

  write_file(pid_file, "4242\n");
  BrokerProcess found = find_broker(HostPath::as_given(pid_file), fs, host);
  CHECK(found.state == BrokerState::not_running);
  CHECK(found.detail == "pid 4242 from " + pid_file + " is gone (stale pid file)");

  host.add_process(4242, "sleep");
  found = find_broker(HostPath::as_given(pid_file), fs, host);
  CHECK(found.state == BrokerState::not_the_broker);
  CHECK(found.detail == "pid 4242 from " + pid_file + " is 'sleep', not mosquitto");

  host.add_process(4242, "mosquitto");
  found = find_broker(HostPath::as_given(pid_file), fs, host);
  CHECK(found.state == BrokerState::running);
  CHECK(found.pid == 4242);
  CHECK(found.started_boot_seconds == Approx(host.boot - 100.0));

  // Run from a path whose comm was cut or renamed: the exe decides.
  host.add_process(4242, "mosq-wrapper", 100.0, "/usr/sbin/mosquitto");
  CHECK(find_broker(HostPath::as_given(pid_file), fs, host).state == BrokerState::running);

  // The id now belongs to a process started after the file was written.
  host.add_process(4242, "mosquitto", -30.0);  // started 30 s from "now"
  found = find_broker(HostPath::as_given(pid_file), fs, host);
  CHECK(found.state == BrokerState::not_the_broker);
  CHECK(found.detail.find("started after the pid file was written") != std::string::npos);

  // A zombie is gone.
  host.add_process(4242, "mosquitto");
  host.processes[4242].zombie = true;
  CHECK(find_broker(HostPath::as_given(pid_file), fs, host).state == BrokerState::not_running);
}

TEST_CASE("find_broker: a pid file that is not one is unusable, never read unbounded", "[observe][pid]") {
  TempDir dir;
  FakeHost host;
  host.add_process(1, "systemd");
  host.add_process(12, "mosquitto");
  const FileSystem& fs = real_file_system();
  struct Case {
    std::string text;
    std::string why;
  };
  for (const Case& c : {Case{"4294967297\n", "out of range"}, Case{"4294967296", "out of range"},
                        Case{"12abc\n", "only digits"}, Case{"1\n", "cannot be the broker's"},
                        Case{std::string(100, '7'), "too big for a pid file"}}) {
    const std::string pid_file = dir / "p.pid";
    write_file(pid_file, c.text);
    const BrokerProcess found = find_broker(HostPath::as_given(pid_file), fs, host);
    INFO(c.text);
    CHECK(found.state == BrokerState::unusable);
    CHECK(found.detail.find(c.why) != std::string::npos);
  }
  const std::string fifo = dir / "fifo.pid";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const BrokerProcess found = find_broker(HostPath::as_given(fifo), fs, host);  // must not block
  CHECK(found.state == BrokerState::unusable);
  CHECK(found.detail.find("not a regular file") != std::string::npos);
}
