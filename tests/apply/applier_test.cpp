// apply through the filesystem seam: injected write faults, stale plans,
// and convergence after a failure. Driven in-process through cli::run.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/run.h"
#include "support/fake_host.h"
#include "support/faulty_file_system.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace mosq;
using namespace mosq::test;

namespace {

const char* k_spec = R"(version: 1
broker:
  config_file: /etc/mosquitto/conf.d/managed.conf
  password_file: /etc/mosquitto/passwd
listeners:
  - port: 8883
    tls_version: tlsv1.2
  - port: 1883
    bind_address: 127.0.0.1
    tls: false
users:
  - name: alice
    password_env: ALICE_PW
  - name: bob
    password_env: BOB_PW
tls:
  dir: /etc/mosquitto/certs
  ca:
    subject: { CN: Test CA }
    validity_days: 3650
    renew_before_days: 90
    key_type: ec-p256
  server:
    subject: { CN: localhost }
    subject_alt_names: [ "DNS:localhost" ]
    validity_days: 825
    renew_before_days: 30
    key_type: ec-p256
)";

// A TempDir holding broker.yaml (k_spec) and an empty root/ for --root.
struct SpecDir : TempDir {
  SpecDir() {
    write_file(*this / "broker.yaml", k_spec);
    make_dirs(*this / "root");
  }
};

struct Run {
  int code;
  std::string out;
  std::string err;
};

observe::EnvLookup env_with(std::string alice, std::string bob) {
  return [=](const std::string& name) -> std::optional<std::string> {
    if (name == "ALICE_PW") return alice;
    if (name == "BOB_PW") return bob;
    return std::nullopt;
  };
}

Run run_with(FileSystem& fs, const TempDir& dir, std::vector<std::string> extra,
             const observe::EnvLookup& env) {
  std::vector<std::string> args{"--root", dir / "root", dir / "broker.yaml"};
  args.insert(args.begin(), extra.begin(), extra.end());
  std::ostringstream out, err;
  int code = cli::run(args, fs, real_host(), env, out, err, false);
  return {code, out.str(), err.str()};
}

std::vector<std::string> temp_files(const std::string& dir) {
  std::vector<std::string> found;
  auto res = run_process({"find", dir, "-name", "*.tmp-*"});
  std::istringstream in(res.out);
  std::string line;
  while (std::getline(in, line)) found.push_back(line);
  return found;
}

}  // namespace

TEST_CASE("a write fault at any point leaves whole files and a re-run converges", "[apply][faults]") {
  // 6 resources are written on a greenfield apply, then the state file
  // (the key records: observe/tool_state.h); fail each write in turn.
  for (int fail_at = 1; fail_at <= 7; ++fail_at) {
    DYNAMIC_SECTION("write " << fail_at << " fails") {
      SpecDir dir;
      FaultyFileSystem faulty(fail_at);
      auto env = env_with("alice-pw", "bob-pw");
      Run failed = run_with(faulty, dir, {}, env);
      CHECK(failed.code == 1);
      CHECK(failed.err.find("No space left on device (injected)") != std::string::npos);
      CHECK(faulty.written().size() == static_cast<size_t>(fail_at - 1));
      CHECK(temp_files(dir.path()).empty());

      FaultyFileSystem healthy;
      Run again = run_with(healthy, dir, {}, env);
      INFO(again.out << again.err);
      CHECK(again.code == 0);
      CHECK(healthy.writes() == 7 - (fail_at - 1));

      FaultyFileSystem quiet;
      Run third = run_with(quiet, dir, {"--plan"}, env);
      CHECK(third.code == 0);
      CHECK(third.out.find("No changes.") != std::string::npos);
    }
  }
}

TEST_CASE("a no-op run writes nothing", "[apply]") {
  SpecDir dir;
  auto env = env_with("alice-pw", "bob-pw");
  FaultyFileSystem first;
  REQUIRE(run_with(first, dir, {}, env).code == 0);
  FaultyFileSystem second;
  Run r = run_with(second, dir, {}, env);
  CHECK(r.code == 0);
  CHECK(second.writes() == 0);
  CHECK(r.out.find("No changes.") != std::string::npos);
}

TEST_CASE("a file changed between plan and write is not overwritten", "[apply][stale]") {
  SpecDir dir;
  FaultyFileSystem first;
  REQUIRE(run_with(first, dir, {}, env_with("alice-pw", "bob-pw")).code == 0);

  // Bob's password changes; between observe (1st read of the password
  // file) and apply's re-check (2nd read), someone edits the file.
  const std::string pwfile = dir / "root/etc/mosquitto/passwd";
  FaultyFileSystem racing;
  int reads = 0;
  racing.before_read = [&](const std::string& path) {
    if (path == pwfile && ++reads == 2) {
      write_file(pwfile, read_file(pwfile) + "mallory:$7$101$AAAAAAAAAAAAAAAA$" +
                             std::string(86, 'A') + "==\n", 0640);
    }
  };
  Run r = run_with(racing, dir, {}, env_with("alice-pw", "bob-new-pw"));
  CHECK(r.code == 1);
  CHECK(r.err.find("changed since it was planned") != std::string::npos);
  CHECK(read_file(pwfile).find("mallory:") != std::string::npos);  // the edit survived
}

TEST_CASE("changed passwords are re-hashed in place, others kept byte for byte", "[apply]") {
  SpecDir dir;
  FaultyFileSystem fs;
  REQUIRE(run_with(fs, dir, {}, env_with("alice-pw", "bob-pw")).code == 0);
  const std::string pwfile = dir / "root/etc/mosquitto/passwd";
  std::string before = read_file(pwfile);
  auto alice_line = before.substr(0, before.find('\n'));
  Run r = run_with(fs, dir, {}, env_with("alice-pw", "bob-new"));
  REQUIRE(r.code == 0);
  CHECK(r.out.find("~ user bob: password changed") != std::string::npos);
  std::string after = read_file(pwfile);
  CHECK(after.substr(0, after.find('\n')) == alice_line);
  CHECK(after != before);
  CHECK(after.find("bob:$7$101$") != std::string::npos);
}

TEST_CASE("a failure half way reports exactly what was written, and JSON says changed", "[apply][faults]") {
  SpecDir dir;
  auto env = env_with("alice-pw", "bob-pw");
  FaultyFileSystem faulty(3);  // CA key and CA certificate written, then the disk is full
  Run failed = run_with(faulty, dir, {"--json"}, env);
  INFO(failed.out << failed.err);
  CHECK(failed.code == 1);
  const auto json = nlohmann::json::parse(failed.out);
  CHECK(json.at("changed") == true);
  CHECK(json.at("failed") == true);
  CHECK(json.at("error").at("message").get<std::string>().find("No space left on device (injected)") !=
        std::string::npos);
  const auto& done = json.at("applied").at("done");
  REQUIRE(done.size() == 2);
  CHECK(done[0].get<std::string>().rfind("created CA key ", 0) == 0);
  CHECK(done[1].get<std::string>().rfind("created CA certificate ", 0) == 0);

  // Text: the same two lines, then how far it got.
  SpecDir text_dir;
  FaultyFileSystem faulty_text(3);
  Run text = run_with(faulty_text, text_dir, {}, env);
  CHECK(text.code == 1);
  CHECK(text.out.find("  created CA key ") != std::string::npos);
  CHECK(text.out.find("  created CA certificate ") != std::string::npos);
  CHECK(text.out.find("Apply stopped after 2 of the planned changes (listed above).") != std::string::npos);
  CHECK(text.err.find("No space left on device (injected)") != std::string::npos);

  // Nothing written at all: changed false.
  SpecDir none_dir;
  FaultyFileSystem first_fails(1);
  Run none = run_with(first_fails, none_dir, {"--json"}, env);
  CHECK(none.code == 1);
  CHECK(nlohmann::json::parse(none.out).at("changed") == false);
}

TEST_CASE("after a failure half way the broker is still told to reload what was written", "[apply][faults]") {
  SpecDir dir;
  std::string spec = k_spec;
  spec.replace(spec.find("listeners:"), 0, "  reload:\n    pid_file: /run/mosquitto.pid\n");
  write_file(dir / "broker.yaml", spec);
  write_file(dir / "root/run/mosquitto.pid", "4242\n");
  FakeHost host;
  host.add_process(4242, "mosquitto");
  FaultyFileSystem faulty(6);  // everything but the config (written last)
  std::ostringstream out, err;
  const int code = cli::run({"--root", dir / "root", dir / "broker.yaml"}, faulty, host,
                            env_with("alice-pw", "bob-pw"), out, err, false);
  INFO(out.str() << err.str());
  CHECK(code == 1);
  REQUIRE(host.signals.size() == 1);  // the password file and server certificate are live
  CHECK(host.signals[0].first == 4242);
  CHECK(out.str().find("sent SIGHUP to the broker (pid 4242)") != std::string::npos);
  CHECK(out.str().find("Apply stopped after 5 of the planned changes") != std::string::npos);
}

// 300 new users at 101 iterations (30,300 in all): hashed on the pool while
// the rest is prepared. Each line lands in spec order and verifies.
TEST_CASE("many new users are hashed on the pool, in spec order, and each line verifies", "[apply][parallel]") {
  constexpr int k_users = 300;
  std::string spec =
      "version: 1\nbroker:\n  config_file: /etc/mosquitto/conf.d/managed.conf\n"
      "  password_file: /etc/mosquitto/passwd\nlisteners:\n  - port: 1883\n    tls: false\nusers:\n";
  for (int i = 0; i < k_users; ++i) {
    spec += "  - name: u" + std::to_string(i) + "\n    password_env: P" + std::to_string(i) + "\n";
  }
  TempDir dir;
  write_file(dir / "broker.yaml", spec);
  make_dirs(dir / "root");
  const observe::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name.size() < 2 || name[0] != 'P') return std::nullopt;
    return "pw-" + name.substr(1);
  };
  FaultyFileSystem fs;
  REQUIRE(run_with(fs, dir, {}, env).code == 0);
  std::istringstream lines(read_file(dir / "root/etc/mosquitto/passwd"));
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    CHECK(line.rfind("u" + std::to_string(count) + ":$7$101$", 0) == 0);
  }
  CHECK(count == k_users);
  // Every password verifies against its new line: the plan finds nothing to do.
  const Run plan = run_with(fs, dir, {"--plan"}, env);
  CHECK(plan.code == 0);
  CHECK(plan.out.find("No changes.") != std::string::npos);
  // One password changed: one line differs.
  const observe::EnvLookup changed = [&env](const std::string& name) -> std::optional<std::string> {
    return name == "P123" ? std::optional<std::string>("other") : env(name);
  };
  const Run again = run_with(fs, dir, {"--plan"}, changed);
  CHECK(again.code == 2);
  CHECK(again.out.find("~ user u123: password changed") != std::string::npos);
  CHECK(again.out.find("~ user u122") == std::string::npos);
}
