// tls.ca.managed and key_env: a CA given to this host (one CA for a fleet).
#include "spec/ca_source.h"

#include <catch2/catch.hpp>

#include "spec/loader.h"

namespace mosq::spec {
namespace {

const std::string k_head =
    "version: 1\n"
    "broker:\n"
    "  config_file: /etc/mosquitto/conf.d/mosq-reconcile.conf\n"
    "  password_file: /etc/mosquitto/mqttpass\n"
    "tls:\n"
    "  dir: /etc/mosquitto/certs\n"
    "  ca:\n";
const std::string k_server =
    "  server:\n"
    "    subject: { O: Example, CN: mqtt.example.com }\n"
    "    subject_alt_names: [ \"DNS:mqtt.example.com\" ]\n";

Spec load(const std::string& ca_lines) { return load_spec("broker.yaml", k_head + ca_lines + k_server); }

std::string load_error(const std::string& ca_lines) {
  try {
    load(ca_lines);
  } catch (const SpecError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a CA is managed by default, with its key file in tls.dir", "[spec][fleet]") {
  const Spec spec = load("    subject: { CN: Example CA }\n");
  CHECK(spec.tls->ca.managed);
  CHECK_FALSE(spec.tls->ca.key_env);
  CHECK(spec.tls->ca.key_path == "/etc/mosquitto/certs/ca.key");
}

TEST_CASE("a given CA with key_env: no key file, no subject, the certificate path as written", "[spec][fleet]") {
  const Spec spec = load(
      "    managed: false\n"
      "    cert: /etc/mosquitto/ca_certificates/fleet-ca.crt\n"
      "    key_env: MQTT_CA_KEY\n"
      "    renew_before_days: 180\n");
  const CertificateSpec& ca = spec.tls->ca;
  CHECK_FALSE(ca.managed);
  CHECK(ca.key_env == std::optional<std::string>("MQTT_CA_KEY"));
  CHECK(ca.key_path.empty());
  CHECK(ca.cert_path == "/etc/mosquitto/ca_certificates/fleet-ca.crt");
  CHECK(ca.subject.empty());
  CHECK(ca.renew_before_days == 180);
  CHECK(ca.mark.line == 7);
}

TEST_CASE("a given CA with a key file (and passphrase): read from there", "[spec][fleet]") {
  const Spec spec = load(
      "    managed: false\n"
      "    key: fleet-ca.key\n"
      "    passphrase_env: MQTT_CA_PASSPHRASE\n");
  const CertificateSpec& ca = spec.tls->ca;
  CHECK_FALSE(ca.managed);
  CHECK_FALSE(ca.key_env);
  CHECK(ca.key_path == "/etc/mosquitto/certs/fleet-ca.key");
  CHECK(ca.cert_path == "/etc/mosquitto/certs/ca.crt");
  CHECK(ca.passphrase_env == std::optional<std::string>("MQTT_CA_PASSPHRASE"));
}

TEST_CASE("what a given CA cannot have, and what it needs, each located", "[spec][fleet]") {
  CHECK(load_error("    managed: false\n    key_env: K\n    subject: { CN: X }\n") ==
        "broker.yaml:10:5: tls.ca.subject: a given CA (managed: false) is never issued here: its subject, "
        "validity and key come from its certificate; remove subject");
  CHECK(load_error("    managed: false\n") ==
        "broker.yaml:7:3: tls.ca: a given CA (managed: false) needs its key to issue certificates: set key_env "
        "(the variable that holds the key's PEM text, e.g. from Ansible Vault) or key (a file)");
  CHECK(load_error("    managed: false\n    key: ca.key\n    key_env: K\n") ==
        "broker.yaml:10:5: tls.ca.key_env: give the CA key as key_env or as key, not both");
  CHECK(load_error("    subject: { CN: X }\n    key_env: K\n") ==
        "broker.yaml:9:5: tls.ca.key_env: key_env is for a given CA (managed: false); a managed CA makes its "
        "own key and keeps it in tls.ca.key: set managed: false or remove key_env");
  // An unreadable managed: one message, not a cascade of guesses.
  CHECK(load_error("    managed: nope\n    key_env: K\n") ==
        "broker.yaml:8:14: tls.ca.managed: expected a boolean (true or false), got a string");
}

TEST_CASE("a given CA's renew window is not compared with a validity it does not have", "[spec][fleet]") {
  // 4000 > the managed default validity (3650): refused for a managed CA only.
  CHECK_NOTHROW(load("    managed: false\n    key_env: K\n    renew_before_days: 4000\n"));
  CHECK(load_error("    subject: { CN: X }\n    renew_before_days: 4000\n") != "");
}

}  // namespace mosq::spec
