// Issue 2/3: no password, hash, passphrase or private key in any output,
// text or JSON, success or error.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "support/integration.h"

using namespace mosq::test;

namespace {

const std::string k_alice_pw = "Zq7-alice-SECRET-pw";
const std::string k_alice_pw2 = "Zq7-alice-SECRET-pw-rotated";
const std::string k_bob_pw = "Zq7-bob-SECRET-pw";
const std::string k_passphrase = "Zq7-CA-PASSPHRASE-x";
// `mosquitto_passwd -b -c FILE carol dashboard-demo` (2.0.11).
const std::string k_carol_hash =
    "$7$101$c5x7Fkb0YguHeso1$P/vda219a2LPDZF69rFjIl2GAGE5uDs4t0MY7vv56ATaD5CPp3cvJH/SjwDMzkY8a1aLamBfLJVDjqNM38RKGA==";
const std::string k_pwfile = "/etc/mosquitto/mqttpass";

struct Run {
  std::string label;
  ProcessResult result;
};

// Splits "$7$101$salt$hash" into the pieces that must not appear either.
std::vector<std::string> hash_pieces(const std::string& hash) {
  std::vector<std::string> pieces{hash};
  std::istringstream in(hash);
  std::string part;
  while (std::getline(in, part, '$')) {
    if (part.size() >= 12) pieces.push_back(part);  // salt and digest, not "7" or "101"
  }
  return pieces;
}

// Base64 body lines of a PEM file (the key material itself).
std::vector<std::string> pem_body(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("-----", 0) != 0 && line.size() >= 32 && line.find(':') == std::string::npos) {
      lines.push_back(line.substr(0, 32));
    }
  }
  return lines;
}

void check_no_leak(const std::vector<Run>& runs, const std::vector<std::string>& secrets) {
  for (const Run& run : runs) {
    for (const std::string& secret : secrets) {
      CAPTURE(run.label, secret);
      INFO(describe(run.result));
      CHECK_FALSE(contains(run.result.out, secret));
      CHECK_FALSE(contains(run.result.err, secret));
    }
  }
}

}  // namespace

TEST_CASE("secrets: no password, hash, passphrase or private key in any output") {
  Tree t;
  SpecYaml spec;
  spec.user_env("alice", "ALICE_PW").user_file("bob", "/run/secrets/bob").user_hash("carol", k_carol_hash);
  spec.tls = true;
  spec.ca.key_type = "ec-p256";
  spec.ca_passphrase_env = "CA_PASSPHRASE";
  spec.clients = {{"sensor-1", "ec-p256"}};
  t.write_spec(spec);
  write_file(t.host("/run/secrets/bob"), k_bob_pw + "\n", 0600);
  t.env = {{"ALICE_PW", k_alice_pw}, {"CA_PASSPHRASE", k_passphrase}};

  std::vector<Run> runs;
  auto record = [&](const std::string& label, std::vector<std::string> args,
                    std::map<std::string, std::string> env = {}) {
    runs.push_back({label, t.run(std::move(args), env)});
    return runs.back().result;
  };

  // Greenfield: every renderer.
  CHECK(record("plan", {"--plan"}).exit_code == 2);
  CHECK(record("plan --json", {"--plan", "--json"}).exit_code == 2);
  CHECK(record("plan --diff", {"--plan", "--diff"}).exit_code == 2);
  CHECK(record("plan --json --diff", {"--plan", "--json", "--diff"}).exit_code == 2);
  CHECK(record("apply --diff", {"--diff"}).exit_code == 0);
  CHECK(record("apply again --json", {"--json"}).exit_code == 0);

  // A rotated password: update paths.
  const std::map<std::string, std::string> rotated{{"ALICE_PW", k_alice_pw2}};
  CHECK(record("rotated plan --diff", {"--plan", "--diff"}, rotated).exit_code == 2);
  CHECK(record("rotated plan --json --diff", {"--plan", "--json", "--diff"}, rotated).exit_code == 2);
  const std::string before_rotation = read_file(t.host(k_pwfile));
  CHECK(record("rotated apply --json --diff", {"--json", "--diff"}, rotated).exit_code == 0);

  // A damaged password file: a pasted plaintext line and a garbage hash.
  const std::string pasted = "Zq7-pasted-PLAINTEXT-line";
  const std::string garbage_hash = "Zq7-mallory-NOT-A-HASH";
  const std::string after_rotation = read_file(t.host(k_pwfile));
  write_file(t.host(k_pwfile), after_rotation + pasted + "\nalice2:" + garbage_hash + "\nbob:" +
                                   garbage_hash + "x\n", 0640);
  CHECK(record("damaged plan", {"--plan"}, rotated).exit_code == 2);
  CHECK(record("damaged plan --json --diff", {"--plan", "--json", "--diff"}, rotated).exit_code == 2);
  CHECK(record("damaged plan --diff", {"--plan", "--diff"}, rotated).exit_code == 2);
  CHECK(record("damaged apply --diff", {"--diff"}, rotated).exit_code == 0);

  // Error paths. A wrong passphrase fails a run that signs (the CA key is
  // decrypted only then): the server certificate removed makes one due.
  ::unlink(t.host("/etc/mosquitto/certs/server.crt").c_str());
  CHECK(record("wrong passphrase", {"--plan"}, {{"CA_PASSPHRASE", "Zq7-wrong-PASSPHRASE"}}).exit_code == 1);
  CHECK(record("wrong passphrase --json", {"--json"}, {{"CA_PASSPHRASE", "Zq7-wrong-PASSPHRASE"}}).exit_code == 1);
  CHECK(record("missing password --json", {"--plan", "--json"}, {{"-ALICE_PW", ""}}).exit_code == 1);

  // Plaintext or a password in the wrong field, in the spec itself.
  const std::string spec_plaintext = "Zq7-plaintext-IN-SPEC";
  const std::string not_a_hash = "Zq7-password-in-hash-field";
  Tree bad;
  bad.write_spec("version: 1\nbroker:\n  config_file: /etc/m.conf\n  password_file: /etc/p\n"
                 "users:\n  - name: u1\n    password: " + spec_plaintext +
                 "\n  - name: u2\n    password_hash: " + not_a_hash + "\n");
  runs.push_back({"bad spec", bad.run({"--plan"})});
  CHECK(runs.back().result.exit_code == 1);
  runs.push_back({"bad spec --json", bad.run({"--plan", "--json"})});
  CHECK(runs.back().result.exit_code == 1);
  runs.push_back({"bad spec --validate", bad.run({"--validate"})});
  CHECK(runs.back().result.exit_code == 1);

  // Gather what must never be printed.
  std::vector<std::string> secrets{k_alice_pw, k_alice_pw2, k_bob_pw, k_passphrase,
                                   "Zq7-wrong-PASSPHRASE", pasted, garbage_hash, spec_plaintext,
                                   not_a_hash, "PRIVATE KEY", "$7$101$"};
  for (const std::string& content : {before_rotation, after_rotation, read_file(t.host(k_pwfile))}) {
    for (const std::string& user : users_in(content)) {
      for (const auto& piece : hash_pieces(hash_of(content, user))) secrets.push_back(piece);
    }
  }
  for (const auto& piece : hash_pieces(k_carol_hash)) secrets.push_back(piece);
  for (const std::string key : {"/etc/mosquitto/certs/ca.key", "/etc/mosquitto/certs/server.key",
                                "/etc/mosquitto/certs/sensor-1.key"}) {
    REQUIRE(file_exists(t.host(key)));
    for (const auto& line : pem_body(t.host(key))) secrets.push_back(line);
  }
  REQUIRE(secrets.size() > 20);
  check_no_leak(runs, secrets);

  // The runs did say something: the checks above are not vacuous.
  CHECK(contains(runs[0].result.out, "+ user alice"));
  CHECK(contains(runs[2].result.out, "alice:(sensitive value, new)"));
}
