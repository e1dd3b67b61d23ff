// Issue 3: files made by hand with the tutorial's openssl procedure are
// adopted: the CA is kept, the v1 SAN-less server certificate is reissued
// with the existing server key.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/integration.h"
#include "support/plan_json.h"

using namespace mosq::test;
using nlohmann::json;

namespace {

const std::string k_pass = "tutorial-Des3-pass";
const std::string k_subject = "/C=JP/ST=Tokyo/L=Tokyo/O=FicusOnline/OU=Development/CN=User-PC.local";
const std::string k_ca_dir = "/etc/mosquitto/ca_certificates";
const std::string k_certs = "/etc/mosquitto/certs";

void must(const ProcessResult& r) {
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
}

// The hand procedure, in a scratch directory; then the files are copied
// where the tutorial puts them.
void tutorial_procedure(const Tree& t, bool traditional_key) {
  const std::string ca_key = t.work("mqtt_ca.key");
  const std::string ca_crt = t.work("mqtt_ca.crt");
  const std::string srv_key = t.work("mqtt_srv.key");
  const std::string csr = t.work("mqtt_srv.csr");
  const std::string srv_crt = t.work("mqtt_srv.crt");
  std::vector<std::string> genrsa{"genrsa", "-des3", "-passout", "pass:" + k_pass, "-out", ca_key};
  if (traditional_key) genrsa.insert(genrsa.begin() + 1, "-traditional");
  genrsa.push_back("2048");
  must(openssl(genrsa));
  must(openssl({"req", "-new", "-x509", "-days", "3650", "-key", ca_key, "-passin", "pass:" + k_pass,
                "-out", ca_crt, "-subj", k_subject}));
  must(openssl({"genrsa", "-out", srv_key, "2048"}));
  // The tutorial answers the same questions for the server: same subject.
  must(openssl({"req", "-new", "-key", srv_key, "-out", csr, "-subj", k_subject}));
  must(openssl({"x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-passin",
                "pass:" + k_pass, "-CAcreateserial", "-out", srv_crt, "-days", "3650"}));

  write_file(t.host(k_ca_dir + "/mqtt_ca.crt"), read_file(ca_crt), 0644);
  write_file(t.host(k_certs + "/mqtt_ca.key"), read_file(ca_key), 0600);
  write_file(t.host(k_certs + "/mqtt_srv.key"), read_file(srv_key), 0600);
  write_file(t.host(k_certs + "/mqtt_srv.crt"), read_file(srv_crt), 0644);
}

std::string tutorial_spec() {
  return "version: 1\n"
         "broker:\n"
         "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
         "  password_file: /etc/mosquitto/mqttpass\n"
         "listeners:\n"
         "  - port: 8883\n"
         "    tls_version: tlsv1.2\n"
         "users: []\n"
         "tls:\n"
         "  dir: /etc/mosquitto/certs\n"
         "  ca:\n"
         "    cert: /etc/mosquitto/ca_certificates/mqtt_ca.crt\n"
         "    key: mqtt_ca.key\n"
         "    subject: { C: JP, ST: Tokyo, L: Tokyo, O: FicusOnline, OU: Development, CN: User-PC.local }\n"
         "    validity_days: 3650\n"
         "    renew_before_days: 90\n"
         "    key_type: rsa2048\n"
         "    passphrase_env: MQTT_CA_PASSPHRASE\n"
         "  server:\n"
         "    cert: mqtt_srv.crt\n"
         "    key: mqtt_srv.key\n"
         "    subject: { CN: User-PC.local, O: FicusOnline }\n"
         "    subject_alt_names: [ \"DNS:User-PC.local\", \"DNS:localhost\", \"IP:127.0.0.1\" ]\n"
         "    validity_days: 825\n"
         "    renew_before_days: 30\n"
         "    key_type: rsa2048\n";
}

}  // namespace

TEST_CASE("pki adoption: the tutorial's openssl files keep their CA, the server cert is reissued with its key") {
  const bool traditional = GENERATE(false, true);  // PKCS#8 or legacy "Proc-Type: 4,ENCRYPTED" DES3
  CAPTURE(traditional);
  Tree t;
  t.env["MQTT_CA_PASSPHRASE"] = k_pass;
  t.write_spec(tutorial_spec());
  tutorial_procedure(t, traditional);

  const std::string ca_crt = t.host(k_ca_dir + "/mqtt_ca.crt");
  const std::string ca_key = t.host(k_certs + "/mqtt_ca.key");
  const std::string srv_key = t.host(k_certs + "/mqtt_srv.key");
  const std::string srv_crt = t.host(k_certs + "/mqtt_srv.crt");
  if (traditional) REQUIRE(contains(read_file(ca_key), "Proc-Type: 4,ENCRYPTED"));
  REQUIRE(contains(x509_text(srv_crt), "Version: 1 (0x0)"));
  REQUIRE_FALSE(contains(x509_text(srv_crt), "Subject Alternative Name"));
  // What the tutorial leaves behind fails verification on OpenSSL 3.
  auto before_verify = openssl_verify(ca_crt, srv_crt);
  CHECK(before_verify.exit_code != 0);
  CHECK(contains(before_verify.out + before_verify.err, "self-signed"));

  const std::string ca_key_bytes = read_file(ca_key);
  const std::string ca_crt_bytes = read_file(ca_crt);
  const std::string srv_key_bytes = read_file(srv_key);
  const std::string srv_public = key_public_key(srv_key);

  auto plan_text = t.plan();
  INFO(describe(plan_text));
  REQUIRE(plan_text.exit_code == 2);
  auto plan_json = t.run({"--plan", "--json"});
  INFO(describe(plan_json));
  REQUIRE(plan_json.exit_code == 2);
  const json plan = json::parse(plan_json.out);
  CHECK(action_of(plan, "ca_key") == "no-op");
  CHECK(action_of(plan, "ca_certificate") == "no-op");
  // The server key stays; at most its mode/owner is corrected (0600 root -> 0640 broker group).
  const std::string key_action = action_of(plan, "server_key");
  CHECK((key_action == "no-op" || key_action == "update"));
  if (const json* key_change = change_of(plan, "server_key")) {
    CHECK(key_change->at("content_changes") == false);
  }
  CHECK(action_of(plan, "server_certificate") == "replace");
  const json* cert_change = change_of(plan, "server_certificate");
  REQUIRE(cert_change != nullptr);
  const std::string reasons = cert_change->at("reasons").dump();
  CHECK(contains(reasons, "subject equals the CA's"));
  CHECK(contains(reasons, "v1 certificate"));
  CHECK(contains(reasons, "subjectAltName"));
  CHECK(plan.at("breaks_trust") == false);

  t.apply_ok();

  CHECK(read_file(ca_key) == ca_key_bytes);
  CHECK(read_file(ca_crt) == ca_crt_bytes);
  CHECK(read_file(srv_key) == srv_key_bytes);
  CHECK(cert_public_key(srv_crt) == srv_public);
  const std::string text = x509_text(srv_crt);
  INFO(text);
  CHECK(contains(text, "Version: 3 (0x2)"));
  // Attributes in the canonical order (C, ST, L, O, OU, CN); DNS names lower-cased.
  CHECK(contains(text, "Subject: O = FicusOnline, CN = User-PC.local"));
  CHECK(contains(text, "Issuer: C = JP, ST = Tokyo, L = Tokyo, O = FicusOnline, OU = Development, CN = User-PC.local"));
  CHECK(contains(text, "DNS:user-pc.local, DNS:localhost, IP Address:127.0.0.1"));
  CHECK(contains(text, "TLS Web Server Authentication"));
  auto verify = openssl_verify(ca_crt, srv_crt);
  INFO(describe(verify));
  CHECK(verify.exit_code == 0);

  const std::string config = read_file(t.host("/etc/mosquitto/conf.d/mosq-reconcile.conf"));
  CHECK(contains(config, "\ncafile /etc/mosquitto/ca_certificates/mqtt_ca.crt\n"));
  CHECK(contains(config, "\ncertfile /etc/mosquitto/certs/mqtt_srv.crt\n"));
  CHECK(contains(config, "\nkeyfile /etc/mosquitto/certs/mqtt_srv.key\n"));

  auto again = t.plan();
  INFO(describe(again));
  CHECK(again.exit_code == 0);
}

TEST_CASE("pki adoption: a hand-made CA whose subject differs from the spec is replaced, loudly") {
  Tree t;
  t.env["MQTT_CA_PASSPHRASE"] = k_pass;
  std::string spec = tutorial_spec();
  const std::string from = "CN: User-PC.local }\n    validity_days: 3650";
  const auto pos = spec.find(from);
  REQUIRE(pos != std::string::npos);
  spec.replace(pos, from.size(), "CN: FicusOnline Root CA }\n    validity_days: 3650");
  t.write_spec(spec);
  tutorial_procedure(t, false);
  const std::string ca_key_bytes = read_file(t.host(k_certs + "/mqtt_ca.key"));

  auto r = t.run({"--plan", "--json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 2);
  const json plan = json::parse(r.out);
  CHECK(action_of(plan, "ca_key") == "no-op");
  CHECK(action_of(plan, "ca_certificate") == "replace");
  CHECK(plan.at("breaks_trust") == true);
  const json* ca = change_of(plan, "ca_certificate");
  REQUIRE(ca != nullptr);
  CHECK(ca->value("breaks_trust", false) == true);

  // Unattended, a new trust anchor is refused: exit 1, the plan shown,
  // the way out named, nothing written.
  const auto before = t.snapshot();
  auto refused = t.run({});
  INFO(describe(refused));
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.out, "CA certificate"));
  CHECK(contains(refused.err, "this plan replaces the CA that clients trust"));
  CHECK(contains(refused.err, "--allow-trust-break"));
  CHECK(describe_differences(before, t.snapshot()) == "");

  t.apply_ok({"--allow-trust-break"});
  CHECK(read_file(t.host(k_certs + "/mqtt_ca.key")) == ca_key_bytes);
  CHECK(contains(x509_text(t.host(k_ca_dir + "/mqtt_ca.crt")), "CN = FicusOnline Root CA"));
  auto verify = openssl_verify(t.host(k_ca_dir + "/mqtt_ca.crt"), t.host(k_certs + "/mqtt_srv.crt"));
  INFO(describe(verify));
  CHECK(verify.exit_code == 0);
  CHECK(t.plan().exit_code == 0);
}
