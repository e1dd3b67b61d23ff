// Issue 10: bounded work on any input. A FIFO, a device or a huge file
// where the tool expects a small regular file (the spec, a secret's source,
// the pid file, the state file, the password file) fails at once with the
// file named: never a hang, never a read until memory runs out.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>

#include "support/integration.h"

using namespace mosq::test;

namespace {

void make_sparse(const std::string& path, off_t size) {
  make_dirs(path.substr(0, path.find_last_of('/')));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, size) == 0);
  ::close(fd);
}

// Runs args and checks: exit 1 within a few seconds, the message in stderr.
void expect_refused(const Tree& t, const std::vector<std::string>& args, const std::string& message) {
  const auto start = std::chrono::steady_clock::now();
  ProcessResult r = t.run(args);
  const auto took = std::chrono::steady_clock::now() - start;
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, message));
  CHECK(took < std::chrono::seconds(20));
}

}  // namespace

TEST_CASE("bounded: a FIFO as a secret's source, pid file, state file or spec never blocks a run") {
  SECTION("a secret's source") {
    Tree t;
    SpecYaml spec;
    spec.user_file("bob", "/run/secrets/bob");
    t.write_spec(spec);
    make_fifo(t.host("/run/secrets/bob"));
    expect_refused(t, {"--plan"},
                   "users[0].password_file: cannot read " + t.host("/run/secrets/bob") +
                       ": is a FIFO (named pipe), not a regular file (user bob)");
  }
  SECTION("the pid file") {
    // Hostile input (observe::find_broker): unusable, so no SIGHUP, said so.
    Tree t;
    std::string yaml = SpecYaml().yaml();
    yaml.replace(yaml.find("  allow_anonymous"), 0, "  reload:\n    pid_file: /run/mosquitto.pid\n");
    t.write_spec(yaml);
    make_fifo(t.host("/run/mosquitto.pid"));
    const auto start = std::chrono::steady_clock::now();
    CHECK(t.plan().exit_code == 2);
    ProcessResult r = t.apply();
    INFO(describe(r));
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out + r.err,
                   "pid file " + t.host("/run/mosquitto.pid") + " is unusable: not a regular file"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  }
  SECTION("the state file") {
    Tree t;
    t.write_spec(SpecYaml());
    make_fifo(t.host("/var/lib/mosq-reconcile/state.json"));
    expect_refused(t, {"--plan"},
                   t.host("/var/lib/mosq-reconcile/state.json") +
                       ": cannot read the state file: is a FIFO (named pipe), not a regular file");
    expect_refused(t, {}, "cannot read the state file: is a FIFO");
  }
  SECTION("the spec") {
    Tree t;
    TempDir dir;
    make_fifo(dir / "broker.yaml");
    const auto start = std::chrono::steady_clock::now();
    ProcessResult r = run_tool({"--plan", "--root", t.root(), dir / "broker.yaml"});
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, dir / "broker.yaml" +
                              ": cannot read the spec: is a FIFO (named pipe), not a regular file"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  }
}

TEST_CASE("bounded: a device where a file is expected is refused, not read") {
  // The spec is an operator's input and may be a link: to /dev/zero here.
  Tree t;
  TempDir dir;
  REQUIRE(::symlink("/dev/zero", (dir / "broker.yaml").c_str()) == 0);
  ProcessResult r = run_tool({"--plan", "--root", t.root(), dir / "broker.yaml"});
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "cannot read the spec: is a character device, not a regular file"));

  if (::geteuid() != 0) {
    WARN("not root: no device node can be made inside the root; the secret case is not run");
    return;
  }
  // A secret's source that is /dev/zero's twin inside the root.
  SpecYaml spec;
  spec.user_file("bob", "/run/secrets/bob");
  t.write_spec(spec);
  make_dirs(t.host("/run/secrets"));
  REQUIRE(::mknod(t.host("/run/secrets/bob").c_str(), S_IFCHR | 0600, ::makedev(1, 5)) == 0);
  expect_refused(t, {"--plan"},
                 "cannot read " + t.host("/run/secrets/bob") +
                     ": is a character device, not a regular file (user bob)");
}

TEST_CASE("bounded: files larger than their cap are refused by size, unread") {
  SECTION("a 1 GiB password file") {
    Tree t;
    t.write_spec(SpecYaml().user_env("alice", "ALICE_PW"));
    t.env = {{"ALICE_PW", "alice-pw"}};
    make_sparse(t.host("/etc/mosquitto/mqttpass"), off_t{1} << 30);
    expect_refused(t, {"--plan"}, t.host("/etc/mosquitto/mqttpass") +
                                      ": cannot read: is larger than the 64 MiB mosq-reconcile "
                                      "reads of such a file; is it the right file?");
  }
  SECTION("a secret's source over 64 KiB") {
    Tree t;
    t.write_spec(SpecYaml().user_file("bob", "/run/secrets/bob"));
    make_sparse(t.host("/run/secrets/bob"), 65 * 1024);
    expect_refused(t, {"--plan"}, "is larger than the 64 KiB");
  }
  SECTION("a key over 1 MiB") {
    Tree t;
    SpecYaml spec;
    spec.tls = true;
    t.write_spec(spec);
    make_sparse(t.host("/etc/mosquitto/certs/ca.key"), 2 << 20);
    expect_refused(t, {"--plan"}, t.host("/etc/mosquitto/certs/ca.key") +
                                      ": cannot read: is larger than the 1 MiB");
  }
  SECTION("a spec over 16 MiB") {
    Tree t;
    TempDir dir;
    make_sparse(dir / "broker.yaml", 17 << 20);
    ProcessResult r = run_tool({"--plan", "--root", t.root(), dir / "broker.yaml"});
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "cannot read the spec: is larger than the 16 MiB"));
  }
}
