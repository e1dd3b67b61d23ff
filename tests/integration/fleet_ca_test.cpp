// Issue 7: one CA for a fleet. The CA is made once elsewhere (openssl here,
// as on an Ansible control node); each broker is given its certificate
// (tls.ca.managed: false) and signs its own certificates with the key from
// key_env, which never reaches its disk, its output or a message.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "support/integration.h"
#include "support/plan_json.h"

using namespace mosq::test;
using nlohmann::json;

namespace {

const std::string k_ca_crt = "/etc/mosquitto/ca_certificates/fleet-ca.crt";
const std::string k_srv_crt = "/etc/mosquitto/certs/server.crt";
const std::string k_srv_key = "/etc/mosquitto/certs/server.key";
const std::string k_passphrase = "fleet-Ca-Passphrase-77";

// A CA made with the openssl command, outside any broker's tree.
struct FleetCa {
  explicit FleetCa(const std::string& subject = "/O=Example/CN=Example Fleet CA", int days = 3650) {
    auto r = openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                      "-keyout", key, "-subj", subject, "-days", std::to_string(days), "-out", cert});
    if (r.exit_code != 0) throw std::runtime_error("cannot make a test CA: " + describe(r));
  }
  std::string key_pem() const { return read_file(key); }
  // The key's PEM encrypted with k_passphrase (PKCS#8, AES-256).
  std::string encrypted_key_pem() const {
    auto r = openssl({"pkcs8", "-topk8", "-in", key, "-v2", "aes-256-cbc", "-passout", "pass:" + k_passphrase});
    if (r.exit_code != 0) throw std::runtime_error("cannot encrypt the test CA key: " + describe(r));
    return r.out;
  }
  // The base64 lines of the key PEM: none may appear anywhere.
  std::vector<std::string> key_body_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(key_pem());
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("-----", 0) != 0 && !line.empty()) lines.push_back(line);
    }
    return lines;
  }

  TempDir dir;
  std::string key = dir / "fleet-ca.key";
  std::string cert = dir / "fleet-ca.crt";
};

std::string fleet_spec(const std::string& ca_lines, const std::string& server_cn = "broker-1.example.test") {
  return "version: 1\n"
         "broker:\n"
         "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
         "  password_file: /etc/mosquitto/mqttpass\n"
         "listeners:\n"
         "  - port: 8883\n"
         "users:\n"
         "  - name: sensor-1\n"
         "    password_env: SENSOR_1_PW\n"
         "tls:\n"
         "  dir: /etc/mosquitto/certs\n"
         "  ca:\n"
         "    managed: false\n"
         "    cert: " + k_ca_crt + "\n" +
         ca_lines +
         "  server:\n"
         "    subject: { O: Example, CN: " + server_cn + " }\n"
         "    subject_alt_names: [ \"DNS:" + server_cn + "\", \"IP:127.0.0.1\" ]\n";
}

const std::string k_key_env = "    key_env: MQTT_CA_KEY\n";

// A broker's tree with the fleet CA's certificate given, as Ansible's copy
// would leave it.
struct FleetTree : Tree {
  explicit FleetTree(const FleetCa& ca, const std::string& ca_lines = k_key_env) {
    write_spec(fleet_spec(ca_lines));
    make_dirs(host("/etc/mosquitto/ca_certificates"));
    write_file(host(k_ca_crt), read_file(ca.cert), 0644);
    env["SENSOR_1_PW"] = "sensor-1-Pw-4242";
  }
  std::string ca() const { return host(k_ca_crt); }
};

void check_rejected(const Tree& t, const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                    const std::string& message) {
  const TreeSnapshot before = t.snapshot();
  auto r = t.run(args, env);
  INFO(describe(r));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, message));
  CHECK(describe_differences(before, t.snapshot()) == "");
}

void check_no_key_material(const FleetCa& ca, const std::string& text) {
  for (const std::string& line : ca.key_body_lines()) {
    INFO("a line of the CA key's PEM appeared");
    CHECK_FALSE(contains(text, line));
  }
}

}  // namespace

TEST_CASE("fleet CA: the server certificate is issued under the given CA with the key from the environment") {
  FleetCa ca;
  FleetTree t(ca);
  TempDir tmp;  // the tool's TMPDIR: a key from the environment never goes through a file
  const std::map<std::string, std::string> with_key{{"MQTT_CA_KEY", ca.key_pem()}, {"TMPDIR", tmp.path()}};
  const std::string given_before = read_file(t.ca());

  auto first = t.run({}, with_key);
  INFO(describe(first));
  REQUIRE(first.exit_code == 0);
  CHECK(contains(first.out, "created server certificate " + k_srv_crt));

  auto verify = openssl_verify(t.ca(), t.host(k_srv_crt));
  INFO(describe(verify));
  CHECK(verify.exit_code == 0);
  // The given CA is untouched, byte for byte and mode.
  CHECK(read_file(t.ca()) == given_before);
  CHECK(mode_of(t.ca()) == 0644);
  // No file under the root holds the CA key (or any key of the CA's).
  const std::string ca_public = cert_public_key(ca.cert);
  for (const std::string& file : regular_files(t.snapshot())) {
    CAPTURE(file);
    const std::string content = read_file(t.root() + "/" + file);
    check_no_key_material(ca, content);
    if (contains(content, "PRIVATE KEY")) CHECK(key_public_key(t.root() + "/" + file) != ca_public);
  }
  CHECK(regular_files(snapshot_tree(tmp.path())).empty());
  check_no_key_material(ca, first.out + first.err);

  // Converged: with the key or without it (a cron --plan holds no key).
  CHECK(t.run({"--plan"}, with_key).exit_code == 0);
  auto later = t.plan();
  INFO(describe(later));
  CHECK(later.exit_code == 0);
  CHECK(contains(later.out, "No changes."));
}

TEST_CASE("fleet CA: --json shows the given CA as an unmanaged no-op with its expiry, and leaks no key") {
  FleetCa ca;
  FleetTree t(ca);
  const std::map<std::string, std::string> with_key{{"MQTT_CA_KEY", ca.key_pem()}};
  auto r = t.run({"--json", "--diff"}, with_key);
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  check_no_key_material(ca, r.out + r.err);
  const json plan = json::parse(r.out);
  CHECK(action_of(plan, "ca_key") == "(absent)");
  CHECK(action_of(plan, "ca_certificate") == "no-op");
  bool seen = false;
  for (const auto& cert : plan.at("certificates")) {
    if (cert.at("resource") != "ca_certificate") continue;
    seen = true;
    CHECK(cert.at("managed") == false);
    CHECK(cert.at("path") == k_ca_crt);
    CHECK(cert.at("subject") == "O=Example, CN=Example Fleet CA");
    CHECK(cert.at("days_left").get<int>() >= 3649);
    CHECK(cert.at("not_after").get<std::string>().size() == 10);
  }
  CHECK(seen);
  // --diff's structured form: the password file with its hash redacted.
  bool password_diff = false;
  for (const auto& d : plan.at("file_diffs")) {
    if (d.at("path") != "/etc/mosquitto/mqttpass") continue;
    password_diff = true;
    CHECK(d.at("exists") == false);
    CHECK(d.at("before") == "");
    CHECK(d.at("after") == "sensor-1:(sensitive value, new)\n");
  }
  CHECK(password_diff);
}

TEST_CASE("fleet CA: without the key, --plan shows exactly what must be issued, and apply names the variable and "
          "writes nothing") {
  FleetCa ca;
  FleetTree t(ca);
  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 2);
  CHECK(contains(plan.out, "+ server key " + k_srv_key));
  CHECK(contains(plan.out, "+ server certificate " + k_srv_crt + ": does not exist"));
  CHECK(contains(plan.out, "new: O=Example, CN=broker-1.example.test [DNS:broker-1.example.test, IP:127.0.0.1]"));
  CHECK(contains(plan.err, "Warning: the CA key is not at hand (environment variable MQTT_CA_KEY is not set): "
                           "apply cannot issue server_certificate until it is given"));

  const std::string message = t.spec_path() +
                              ":12:3: tls.ca.key_env: environment variable MQTT_CA_KEY is not set or empty: it "
                              "holds the CA key, needed to issue server_certificate " +
                              k_srv_crt + "; nothing was written";
  check_rejected(t, {}, {}, message);
  check_rejected(t, {}, {{"MQTT_CA_KEY", ""}}, message);

  // --json: the same, as a located diagnostic.
  auto j = t.run({"--json"});
  CHECK(j.exit_code == 1);
  const json error = json::parse(j.out);
  CHECK(error.at("failed") == true);
  REQUIRE(error.at("error").at("diagnostics").size() == 1);
  CHECK(error.at("error").at("diagnostics")[0].at("field") == "tls.ca.key_env");
  CHECK(error.at("error").at("diagnostics")[0].at("line") == 12);
}

TEST_CASE("fleet CA: the given CA certificate must exist and be one CA certificate") {
  FleetCa ca;
  FleetTree t(ca);
  const std::map<std::string, std::string> with_key{{"MQTT_CA_KEY", ca.key_pem()}};
  SECTION("missing") {
    ::unlink(t.ca().c_str());
    const std::string message = t.spec_path() + ":12:3: tls.ca.cert: " + t.ca() +
                                " does not exist: a given CA (managed: false) is never made here; put its "
                                "certificate there first (e.g. with Ansible's copy) and run again";
    check_rejected(t, {}, with_key, message);
    check_rejected(t, {"--plan"}, {}, message);
  }
  SECTION("not a certificate") {
    write_file(t.ca(), "garbage\n", 0644);
    check_rejected(t, {}, with_key, "tls.ca.cert: " + t.ca() + " is not a certificate (");
  }
  SECTION("a CA that may not sign certificates (keyUsage without keyCertSign)") {
    TempDir dir;
    auto r = openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                      dir / "k.pem", "-subj", "/CN=No Sign CA", "-days", "30", "-addext",
                      "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature", "-out",
                      t.ca()});
    REQUIRE(r.exit_code == 0);
    check_rejected(t, {"--plan"}, {},
                   "tls.ca.cert: " + t.ca() + " may not sign certificates (its keyUsage lacks keyCertSign)");
  }
  SECTION("a bundle: not yet") {
    FleetCa other("/CN=Other CA");
    write_file(t.ca(), read_file(ca.cert) + read_file(other.cert), 0644);
    check_rejected(t, {}, with_key, t.ca() + " holds 2 certificates; a given CA is one certificate");
  }
}

TEST_CASE("fleet CA: a server certificate copied where the CA belongs is refused") {
  FleetCa ca;
  FleetTree issued(ca);
  auto r = issued.run({}, {{"MQTT_CA_KEY", ca.key_pem()}});
  REQUIRE(r.exit_code == 0);
  FleetTree t(ca);
  write_file(t.ca(), read_file(issued.host(k_srv_crt)), 0644);
  check_rejected(t, {"--plan"}, {}, "tls.ca.cert: " + t.ca() + " is not a CA certificate (no basicConstraints CA:TRUE)");
}

TEST_CASE("fleet CA: a key_env key that does not match the CA, or is no key, is an error that shows no key") {
  FleetCa ca;
  FleetCa impostor("/O=Example/CN=Impostor CA");
  FleetTree t(ca);
  SECTION("another CA's key") {
    const std::string message = "tls.ca.key_env: the CA key in environment variable MQTT_CA_KEY does not match "
                                "the CA certificate " +
                                t.ca() + " (their public keys differ); nothing was changed";
    check_rejected(t, {}, {{"MQTT_CA_KEY", impostor.key_pem()}}, message);
    check_rejected(t, {"--plan"}, {{"MQTT_CA_KEY", impostor.key_pem()}}, message);
    auto r = t.run({"--json"}, {{"MQTT_CA_KEY", impostor.key_pem()}});
    check_no_key_material(impostor, r.out + r.err);
  }
  SECTION("not a key at all") {
    const std::string garbage = "this-is-not-a-key-Secret-Marker-5150";
    auto r = t.run({}, {{"MQTT_CA_KEY", garbage}});
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "tls.ca.key_env: environment variable MQTT_CA_KEY does not hold a private key OpenSSL "
                          "can read ("));
    CHECK_FALSE(contains(r.out + r.err, "Secret-Marker-5150"));
    CHECK_FALSE(file_exists(t.host(k_srv_crt)));
  }
}

TEST_CASE("fleet CA: an encrypted key in key_env opens with passphrase_env") {
  FleetCa ca;
  FleetTree t(ca, k_key_env + "    passphrase_env: MQTT_CA_PASSPHRASE\n");
  const std::string pem = ca.encrypted_key_pem();
  REQUIRE(contains(pem, "ENCRYPTED"));
  SECTION("right passphrase") {
    auto r = t.run({}, {{"MQTT_CA_KEY", pem}, {"MQTT_CA_PASSPHRASE", k_passphrase}});
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    CHECK(openssl_verify(t.ca(), t.host(k_srv_crt)).exit_code == 0);
    CHECK_FALSE(contains(r.out + r.err, k_passphrase));
  }
  SECTION("wrong passphrase") {
    check_rejected(t, {}, {{"MQTT_CA_KEY", pem}, {"MQTT_CA_PASSPHRASE", "not-it"}},
                   "tls.ca.passphrase_env: the passphrase in MQTT_CA_PASSPHRASE does not decrypt the CA key in "
                   "environment variable MQTT_CA_KEY; nothing was changed");
  }
  SECTION("passphrase not set") {
    check_rejected(t, {}, {{"MQTT_CA_KEY", pem}},
                   "tls.ca.passphrase_env: environment variable MQTT_CA_PASSPHRASE is not set (it holds the "
                   "passphrase of the CA key in environment variable MQTT_CA_KEY)");
  }
  SECTION("neither: a run with nothing to issue needs neither") {
    auto r = t.run({}, {{"MQTT_CA_KEY", pem}, {"MQTT_CA_PASSPHRASE", k_passphrase}});
    REQUIRE(r.exit_code == 0);
    auto plan = t.plan();
    INFO(describe(plan));
    CHECK(plan.exit_code == 0);
  }
}

TEST_CASE("fleet CA: the key from a file on the host (encrypted) is read, never changed") {
  FleetCa ca;
  const std::string key_file = "/root/fleet-ca.key";
  FleetTree t(ca, "    key: " + key_file + "\n    passphrase_env: MQTT_CA_PASSPHRASE\n");
  make_dirs(t.host("/root"));
  write_file(t.host(key_file), ca.encrypted_key_pem(), 0640);
  const EntryState key_before = t.snapshot().at("root/fleet-ca.key");
  auto r = t.run({}, {{"MQTT_CA_PASSPHRASE", k_passphrase}});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(openssl_verify(t.ca(), t.host(k_srv_crt)).exit_code == 0);
  const EntryState key_after = t.snapshot().at("root/fleet-ca.key");
  CHECK(key_after.sha256 == key_before.sha256);
  CHECK(key_after.mode == 0640);
  CHECK(key_after.ctime_ns == key_before.ctime_ns);

  // Gone (moved back to the vault): nothing to issue, nothing to say.
  ::unlink(t.host(key_file).c_str());
  CHECK(t.plan({{"MQTT_CA_PASSPHRASE", k_passphrase}}).exit_code == 0);
  // A renewal due without it: planned, and apply names the file.
  const std::string later = iso_time(unix_now() + 820 * 86400);
  auto late = t.run({"--plan", "--now", later});
  CHECK(late.exit_code == 2);
  CHECK(contains(late.err, "the CA key is not at hand (" + key_file + " does not exist)"));
  check_rejected(t, {"--now", later}, {{"MQTT_CA_PASSPHRASE", k_passphrase}},
                 "tls.ca.key: " + t.host(key_file) + " does not exist: it holds the CA key, needed to issue "
                 "server_certificate " + k_srv_crt + "; nothing was written");
}

TEST_CASE("fleet CA: joining the fleet reissues the server certificate under the fleet CA") {
  // The broker had its own CA (managed); the spec now gives the fleet's.
  SpecYaml own;
  own.tls = true;
  own.user_env("sensor-1", "SENSOR_1_PW");
  own.server.subject = "{ O: Example, CN: broker-1.example.test }";
  own.server.sans = {"DNS:broker-1.example.test", "IP:127.0.0.1"};
  FleetCa ca;
  FleetTree t(ca);
  t.write_spec(own);
  t.apply_ok();
  const std::string old_ca = t.host("/etc/mosquitto/certs/ca.crt");
  REQUIRE(openssl_verify(old_ca, t.host(k_srv_crt)).exit_code == 0);

  t.write_spec(fleet_spec(k_key_env));
  auto plan = t.run({"--plan", "--json"}, {{"MQTT_CA_KEY", ca.key_pem()}});
  REQUIRE(plan.exit_code == 2);
  const json j = json::parse(plan.out);
  REQUIRE(change_of(j, "server_certificate") != nullptr);
  CHECK(change_of(j, "server_certificate")->at("reasons") ==
        json::array({"not signed by the current CA certificate"}));
  CHECK(j.at("breaks_trust") == false);  // the fleet CA is not replaced here
  auto r = t.run({}, {{"MQTT_CA_KEY", ca.key_pem()}});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(openssl_verify(t.ca(), t.host(k_srv_crt)).exit_code == 0);
  CHECK(openssl_verify(old_ca, t.host(k_srv_crt)).exit_code != 0);
  CHECK(contains(read_file(t.host("/etc/mosquitto/conf.d/mosq-reconcile.conf")), "cafile " + k_ca_crt));
}

TEST_CASE("fleet CA: an expiring given CA is a warning naming its date, and stays as it is") {
  FleetCa ca("/O=Example/CN=Short-lived Fleet CA", 30);
  FleetTree t(ca);
  auto r = t.run({}, {{"MQTT_CA_KEY", ca.key_pem()}});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  auto plan = t.plan();
  INFO(describe(plan));
  CHECK(plan.exit_code == 0);  // a warning does not change the exit status
  const std::string date = iso_time(cert_not_after(t.ca())).substr(0, 10);
  CHECK(contains(plan.err, "Warning: the given CA certificate " + k_ca_crt + " expires " + date +
                               ", inside renew_before_days 90 (managed: false): renew it where it was made and "
                               "copy it to every broker"));
  const json j = json::parse(t.run({"--plan", "--json"}).out);
  CHECK(action_of(j, "ca_certificate") == "no-op");
  CHECK(j.at("warnings").size() == 1);
}

TEST_CASE("fleet CA: a server subject equal to the given CA's is refused before anything is issued") {
  FleetCa ca("/O=Example/CN=broker-1.example.test");
  FleetTree t(ca);
  check_rejected(t, {}, {{"MQTT_CA_KEY", ca.key_pem()}},
                 "tls.server.subject: the subject equals the given CA's (O=Example, CN=broker-1.example.test)");
}
