// Issue 8: the shipped systemd unit, cron line and CI gates, run as
// written (binary and file paths pointed at a test tree), on a drifted tree
// and on a converged one.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support/integration.h"

using namespace mosq::test;

namespace {

std::string source(const std::string& relative) { return std::string(MOSQ_SOURCE_DIR) + "/" + relative; }

std::vector<std::string> lines_of(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// ExecStart of a unit as systemd expands it: "$NAME" splits the value into
// words, "${NAME}" is one word; Environment= lines give defaults that `env`
// overrides (as EnvironmentFile= would).
std::vector<std::string> exec_start(const std::string& unit, const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> vars;
  std::string command;
  for (const std::string& line : lines_of(unit)) {
    if (line.rfind("Environment=", 0) == 0) {
      const std::string assignment = line.substr(12);
      const auto eq = assignment.find('=');
      vars[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    } else if (line.rfind("ExecStart=", 0) == 0) {
      command = line.substr(10);
    }
  }
  for (const auto& [k, v] : env) vars[k] = v;
  REQUIRE_FALSE(command.empty());
  std::vector<std::string> argv;
  for (const std::string& word : words(command)) {
    if (word.rfind("${", 0) == 0 && word.back() == '}') {
      argv.push_back(vars.at(word.substr(2, word.size() - 3)));
    } else if (word.front() == '$') {
      for (const auto& w : words(vars.at(word.substr(1)))) argv.push_back(w);
    } else {
      argv.push_back(word);
    }
  }
  return argv;
}

const std::string k_spec =
    "version: 1\n"
    "broker:\n"
    "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
    "  password_file: /etc/mosquitto/mqttpass\n"
    "users:\n"
    "  - name: alice\n"
    "    password_env: ALICE_PW\n"
    "tls:\n"
    "  dir: /etc/mosquitto/certs\n"
    "  ca: { subject: { CN: Example CA }, key_type: ec-p256 }\n"
    "  server:\n"
    "    subject: { CN: broker.example }\n"
    "    subject_alt_names: [ \"DNS:broker.example\" ]\n"
    "    key_type: ec-p256\n";

}  // namespace

TEST_CASE("examples: the systemd unit's ExecStart, on a drifted tree and on a converged one") {
  Tree t;
  t.write_spec(k_spec);
  auto argv = exec_start(source("examples/systemd/mosq-reconcile.service"),
                         {{"MOSQ_RECONCILE_SPEC", t.spec_path()}, {"MOSQ_RECONCILE_ARGS", "--root " + t.root()}});
  REQUIRE(argv.front() == "/usr/bin/mosq-reconcile");
  argv.front() = MOSQ_BINARY;
  CHECK(argv == std::vector<std::string>{MOSQ_BINARY, "--quiet", "--lock-timeout", "300", "--root", t.root(),
                                         t.spec_path()});
  const std::map<std::string, std::string> secrets{{"ALICE_PW", "alice-Pw-1111"}};
  auto drifted = run_process(argv, secrets);
  INFO(describe(drifted));
  CHECK(drifted.exit_code == 0);
  CHECK(contains(drifted.out, "+ password file /etc/mosquitto/mqttpass: +alice\n"));
  CHECK(contains(drifted.out, "+ server certificate /etc/mosquitto/certs/server.crt: does not exist\n"));
  auto converged = run_process(argv, secrets);
  INFO(describe(converged));
  CHECK(converged.exit_code == 0);
  CHECK(converged.out.empty());  // the journal stays quiet
  CHECK(converged.err.empty());
  // A broken secret fails the unit (exit 1, on stderr).
  auto failed = run_process(argv, {{"-ALICE_PW", ""}});
  CHECK(failed.exit_code == 1);
  CHECK(contains(failed.err, "ALICE_PW"));
}

TEST_CASE("examples: the cron line, with its environment file") {
  Tree t;
  t.write_spec(k_spec);
  std::string entry;
  for (const std::string& line : lines_of(source("examples/cron/mosq-reconcile"))) {
    if (!line.empty() && line.front() != '#' && line.find('=') > line.find(' ')) entry = line;
  }
  // m h dom mon dow user command...
  const auto fields = words(entry);
  REQUIRE(fields.size() > 6);
  CHECK(fields[0] == "*/5");
  CHECK(fields[5] == "root");
  std::string command = entry.substr(entry.find("root ") + 5);
  const std::string env_file = t.work("environment");
  write_file(env_file, "ALICE_PW=alice-Pw-1111\n", 0600);
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = command.find(from);
    REQUIRE(at != std::string::npos);
    command.replace(at, from.size(), to);
  };
  replace("/etc/mosq-reconcile/environment", env_file);
  replace("/usr/bin/mosq-reconcile", MOSQ_BINARY);
  replace("/etc/mosq-reconcile/broker.yaml", "--root '" + t.root() + "' '" + t.spec_path() + "'");
  auto drifted = run_process({"/bin/sh", "-c", command}, {{"-ALICE_PW", ""}});
  INFO(command << "\n" << describe(drifted));
  CHECK(drifted.exit_code == 0);
  CHECK(contains(drifted.out, "+alice"));
  auto converged = run_process({"/bin/sh", "-c", command}, {{"-ALICE_PW", ""}});
  CHECK(converged.exit_code == 0);
  CHECK(converged.out.empty());  // no mail
}

TEST_CASE("examples: the CI gates run as GitHub Actions and GitLab CI write them") {
  const std::string gate = source("examples/ci/mosq-reconcile-gate.sh");
  const std::map<std::string, std::string> env{{"MOSQ_RECONCILE", MOSQ_BINARY}, {"ALICE_PW", "alice-Pw-1111"}};
  // The command lines the two CI files run, as written there.
  std::vector<std::string> commands;
  for (const char* file : {"examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"}) {
    for (const std::string& line : lines_of(source(file))) {
      const auto at = line.find("examples/ci/mosq-reconcile-gate.sh ");
      if (at != std::string::npos) commands.push_back(line.substr(at));
    }
  }
  REQUIRE(commands.size() == 4);
  for (std::string command : commands) {
    INFO(command);
    command.replace(0, std::string("examples/ci/mosq-reconcile-gate.sh").size(), "'" + gate + "'");
    const bool validate = command.find(" validate broker.yaml") != std::string::npos;
    if (validate) {
      command.replace(command.find("broker.yaml"), 11, "'" + source("examples/broker.yaml") + "'");
      auto ok = run_process({"/bin/sh", "-c", command}, env);
      INFO(describe(ok));
      CHECK(ok.exit_code == 0);
      std::string broken = command;
      broken.replace(broken.find(source("examples/broker.yaml")), source("examples/broker.yaml").size(),
                     source("tests/data/bad_specs/04-port-out-of-range.yaml"));
      CHECK(run_process({"/bin/sh", "-c", broken}, env).exit_code == 1);
      continue;
    }
    REQUIRE(command.find(" expiry /etc/mosq-reconcile/broker.yaml 30") != std::string::npos);
    Tree t;
    t.env = env;
    t.write_spec(k_spec);
    command.replace(command.find("/etc/mosq-reconcile/broker.yaml"), 31, "'" + t.spec_path() + "'");
    command += " --root '" + t.root() + "'";
    // Greenfield: changes pending.
    auto pending = run_process({"/bin/sh", "-c", command}, env);
    INFO(describe(pending));
    CHECK(pending.exit_code == 2);
    t.apply_ok();
    auto fine = run_process({"/bin/sh", "-c", command}, env);
    INFO(describe(fine));
    CHECK(fine.exit_code == 0);
    CHECK(contains(fine.out, "\"changed\": false"));
    // 900 days ahead the 825-day server certificate needs renewal.
    std::string later = command;
    later.replace(later.find(" 30 "), 4, " 900 ");
    auto renew = run_process({"/bin/sh", "-c", later}, env);
    INFO(describe(renew));
    CHECK(renew.exit_code == 2);
    CHECK(contains(renew.out, "\"server_certificate\""));
    CHECK(contains(renew.err, "a certificate needs renewal"));
  }
}
