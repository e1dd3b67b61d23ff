// plan() with a given CA (tls.ca.managed: false): one CA for a fleet, its
// certificate copied to each broker, its key from the environment.
#include <catch2/catch.hpp>

#include "plan/planner.h"
#include "support/plan_fixture.h"

using namespace mosq;
using namespace mosq::test;
using plan::Action;
using plan::ResourceKind;

namespace {

const crypto::DistinguishedName k_fleet_ca{{"O", "Example"}, {"CN", "Fleet CA"}};

spec::Spec given_ca_spec() {
  spec::Spec spec = example_spec();
  spec::CertificateSpec& ca = spec.tls->ca;
  ca.managed = false;
  ca.key_env = "MQTT_CA_KEY";
  ca.key_path.clear();
  ca.subject.clear();
  ca.cert_path = "/etc/mosquitto/ca_certificates/fleet-ca.crt";
  return spec;
}

// A converged broker under the given CA, its key at hand.
observe::Observed given_ca_in_sync(const spec::Spec& spec) {
  observe::Observed observed = in_sync(spec);
  observe::ObservedPki& pki = *observed.pki;
  pki.ca_key = observe::ObservedKey{};
  pki.ca_cert.facts.subject = k_fleet_ca;
  pki.ca_cert.facts.issuer = k_fleet_ca;
  pki.server_cert.facts.issuer = k_fleet_ca;
  return observed;
}

bool has_warning(const plan::Plan& plan, const std::string& fragment) {
  for (const auto& w : plan.warnings) {
    if (w.find(fragment) != std::string::npos) return true;
  }
  return false;
}

bool has_kind(const plan::Plan& plan, ResourceKind kind) {
  for (const auto& c : plan.changes) {
    if (c.kind() == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("given CA in sync: no CA key resource, the CA certificate shown as an unmanaged no-op",
          "[plan][fleet]") {
  const auto spec = given_ca_spec();
  const auto plan = plan_for(spec, given_ca_in_sync(spec));
  CHECK_FALSE(plan.has_changes());
  CHECK_FALSE(has_kind(plan, ResourceKind::ca_key));
  const auto& ca = find_change(plan, ResourceKind::ca_certificate);
  CHECK(ca.action == Action::no_op);
  CHECK_FALSE(ca.as<mosq::plan::CertificateDetails>().managed);
  CHECK(ca.path == "/etc/mosquitto/ca_certificates/fleet-ca.crt");
  REQUIRE(ca.as<mosq::plan::CertificateDetails>().before);
  CHECK(ca.as<mosq::plan::CertificateDetails>().before->subject == "O=Example, CN=Fleet CA");
  REQUIRE(ca.as<mosq::plan::CertificateDetails>().days_left);
  CHECK(*ca.as<mosq::plan::CertificateDetails>().days_left == 3640);
  CHECK(plan.warnings.empty());
}

TEST_CASE("a given CA certificate is never changed, whatever its state", "[plan][fleet]") {
  const auto spec = given_ca_spec();
  auto observed = given_ca_in_sync(spec);
  auto& cert = observed.pki->ca_cert;
  SECTION("expired") { cert.facts.not_after = k_now - 3 * k_day; }
  SECTION("inside the renew window") { cert.facts.not_after = k_now + 5 * k_day; }
  SECTION("wrong mode") { cert.file.info.mode = 0600; }
  SECTION("not matching a key") { cert.matches_key = false; }
  const auto ca = change_for(spec, observed, ResourceKind::ca_certificate);
  CHECK(ca.action == Action::no_op);
  CHECK_FALSE(ca.content_changes);
  CHECK(ca.reasons.empty());
}

TEST_CASE("an expiring or expired given CA is a warning naming the date", "[plan][fleet]") {
  auto spec = given_ca_spec();
  spec.tls->ca.renew_before_days = 90;
  auto observed = given_ca_in_sync(spec);
  auto& not_after = observed.pki->ca_cert.facts.not_after;
  SECTION("inside renew_before_days") {
    not_after = k_now + 30 * k_day;  // 2026-12-18
    const auto plan = plan_for(spec, observed);
    CHECK(plan.warnings == std::vector<std::string>{
                               "the given CA certificate /etc/mosquitto/ca_certificates/fleet-ca.crt expires "
                               "2026-12-18, inside renew_before_days 90 (managed: false): renew it where it was "
                               "made and copy it to every broker"});
    CHECK_FALSE(plan.has_changes());
  }
  SECTION("expired") {
    not_after = k_now - k_day;
    const auto plan = plan_for(spec, observed);
    CHECK(has_warning(plan, "expired on 2026-11-17: nothing it signed verifies"));
  }
  SECTION("outside the window: quiet") {
    not_after = k_now + 91 * k_day;
    CHECK(plan_for(spec, observed).warnings.empty());
  }
}

TEST_CASE("leaves under a given CA: reissued when not signed by it, with no CA key change forcing them",
          "[plan][fleet]") {
  const auto spec = given_ca_spec();
  auto observed = given_ca_in_sync(spec);
  SECTION("signed by another CA (e.g. the broker's old own CA)") {
    observed.pki->server_cert.signed_by_ca = false;
    const auto server = change_for(spec, observed, ResourceKind::server_certificate);
    CHECK(server.action == Action::replace);
    CHECK(server.reasons == std::vector<std::string>{"not signed by the current CA certificate"});
  }
  SECTION("missing") {
    observed.pki->server_cert.file.info = FileInfo{};
    observed.pki->server_cert.file.digest = "absent";
    const auto server = change_for(spec, observed, ResourceKind::server_certificate);
    CHECK(server.action == Action::create);
    REQUIRE(server.as<mosq::plan::CertificateDetails>().after);
    CHECK(server.as<mosq::plan::CertificateDetails>().after->subject == "O=FicusOnline, CN=broker.local");
  }
}

TEST_CASE("certificates to issue while the CA key is not at hand: planned all the same, and a warning",
          "[plan][fleet]") {
  auto spec = given_ca_spec();
  spec::ClientCertificateSpec client;
  client.name = "sensor-1";
  client.certificate = spec.tls->server;
  client.certificate.subject = {{"CN", "sensor-1"}};
  client.certificate.cert_path = "/etc/mosquitto/certs/sensor-1.crt";
  client.certificate.key_path = "/etc/mosquitto/certs/sensor-1.key";
  spec.tls->clients.push_back(client);
  auto observed = given_ca_in_sync(spec);
  observed.pki->client_certs["sensor-1"].facts.issuer = k_fleet_ca;
  observed.pki->ca_key_available = false;
  observed.pki->ca_key_missing = "environment variable MQTT_CA_KEY is not set";
  SECTION("nothing to issue: no warning, no change") {
    const auto plan = plan_for(spec, observed);
    CHECK_FALSE(plan.has_changes());
    CHECK(plan.warnings.empty());
  }
  SECTION("two to issue: both planned, both named") {
    observed.pki->server_cert.facts.not_after = k_now + 2 * k_day;
    observed.pki->client_certs["sensor-1"].signed_by_ca = false;
    const auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::server_certificate).action == Action::replace);
    CHECK(find_change(plan, ResourceKind::client_certificate).action == Action::replace);
    CHECK(plan.warnings ==
          std::vector<std::string>{"the CA key is not at hand (environment variable MQTT_CA_KEY is not set): "
                                   "apply cannot issue server_certificate, client_certificate[sensor-1] until "
                                   "it is given"});
  }
  SECTION("from a key file that is missing") {
    spec.tls->ca.key_env.reset();
    spec.tls->ca.key_path = "/root/fleet-ca.key";
    observed.pki->ca_key_missing = "/root/fleet-ca.key does not exist";
    observed.pki->server_cert.signed_by_ca = false;
    CHECK(has_warning(plan_for(spec, observed),
                      "the CA key is not at hand (/root/fleet-ca.key does not exist): apply cannot issue "
                      "server_certificate until it is given"));
  }
}

TEST_CASE("a managed CA is unaffected: no warning about a key it makes itself", "[plan][fleet]") {
  const auto spec = example_spec();
  auto observed = in_sync(spec);
  observed.pki->ca_key_available = false;  // corrupt: replaced, so a new key signs
  observed.pki->ca_key.status = crypto::KeyLoadStatus::corrupt;
  observed.pki->ca_key_missing = "/etc/mosquitto/certs/ca.key does not exist";
  observed.pki->server_cert.signed_by_ca = false;
  const auto plan = plan_for(spec, observed);
  CHECK(find_change(plan, ResourceKind::ca_key).action == Action::replace);
  CAPTURE(plan.warnings);
  CHECK_FALSE(has_warning(plan, "not at hand"));
  CHECK(find_change(plan, ResourceKind::ca_certificate).as<mosq::plan::CertificateDetails>().managed);
}

TEST_CASE("a managed CA key whose passphrase is not given: what must be signed is planned, with a warning",
          "[plan]") {
  const auto spec = example_spec();
  auto observed = in_sync(spec);
  // Vouched for by the state file's record: known, usable for planning only.
  observed.pki->ca_key_available = false;
  observed.pki->ca_key_missing = "environment variable MQTT_CA_PASSPHRASE is not set; it holds the CA key's passphrase";
  SECTION("nothing to sign: no change, no warning") {
    const auto plan = plan_for(spec, observed);
    CHECK_FALSE(plan.has_changes());
    CHECK(plan.warnings.empty());
  }
  SECTION("a server certificate to renew: planned, and the warning names the variable") {
    observed.pki->server_cert.facts.not_after = k_now + 2 * k_day;
    const auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::server_certificate).action == Action::replace);
    CHECK(find_change(plan, ResourceKind::ca_key).action == Action::no_op);
    CHECK(plan.warnings == std::vector<std::string>{
                               "the CA key is not at hand (environment variable MQTT_CA_PASSPHRASE is not set"
                               "; it holds the CA key's passphrase): apply cannot issue server_certificate until it is "
                               "given"});
  }
}
