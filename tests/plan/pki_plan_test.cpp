// plan() for the CA, the server and client certificates and their keys.
#include <catch2/catch.hpp>

#include "plan/planner.h"
#include "support/plan_fixture.h"

using namespace mosq;
using namespace mosq::test;
using plan::Action;
using plan::ResourceKind;

namespace {

void make_missing(observe::ObservedFile& file) {
  file.info = FileInfo{};
  file.digest = "absent";
}

}  // namespace

TEST_CASE("greenfield: every key and certificate is created", "[plan][pki]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  auto& pki = *observed.pki;
  make_missing(pki.ca_key.file);
  make_missing(pki.ca_cert.file);
  make_missing(pki.server_key.file);
  make_missing(pki.server_cert.file);
  auto plan = plan_for(spec, observed);
  for (auto kind : {ResourceKind::ca_key, ResourceKind::ca_certificate, ResourceKind::server_key,
                    ResourceKind::server_certificate}) {
    CHECK(find_change(plan, kind).action == Action::create);
  }
  const auto& server = find_change(plan, ResourceKind::server_certificate);
  REQUIRE(server.as<mosq::plan::CertificateDetails>().after);
  CHECK(server.as<mosq::plan::CertificateDetails>().after->not_after == k_now + 825 * k_day);
  CHECK(find_change(plan, ResourceKind::server_key).policy.mode == 0640);
  CHECK(find_change(plan, ResourceKind::ca_key).policy.mode == 0600);
  CHECK_FALSE(find_change(plan, ResourceKind::ca_key).policy.gid.has_value());
}

TEST_CASE("CA key rules", "[plan][pki]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  auto& key = observed.pki->ca_key;
  SECTION("corrupt: replaced, and everything under it, flagged as breaking trust") {
    key.status = crypto::KeyLoadStatus::corrupt;
    key.type.reset();
    key.detail = "no start line";
    auto plan = plan_for(spec, observed);
    const auto& ca_key = find_change(plan, ResourceKind::ca_key);
    CHECK(ca_key.action == Action::replace);
    CHECK(ca_key.reasons == std::vector<std::string>{"not a readable private key (no start line)"});
    CHECK(mosq::plan::breaks_trust(ca_key));
    const auto& ca_cert = find_change(plan, ResourceKind::ca_certificate);
    CHECK(ca_cert.action == Action::replace);
    CHECK(has_reason(ca_cert, "its key is new"));
    CHECK(mosq::plan::breaks_trust(ca_cert));
    const auto& server = find_change(plan, ResourceKind::server_certificate);
    CHECK(server.action == Action::replace);
    CHECK(has_reason(server, "the CA key is new"));
    CHECK(find_change(plan, ResourceKind::server_key).action == Action::no_op);
    bool loud = false;
    for (const auto& w : plan.warnings) loud = loud || w.find("REPLACED, not renewed") != std::string::npos;
    CHECK(loud);
  }
  SECTION("wrong type or size: replaced") {
    key.type = crypto::KeyType::rsa2048;
    key.description = "RSA 2048";
    auto change = change_for(spec, observed, ResourceKind::ca_key);
    CHECK(change.action == Action::replace);
    CHECK(change.reasons == std::vector<std::string>{"key is RSA 2048, spec wants ec-p256"});
  }
  SECTION("a key type the spec never gave is marked as the default") {
    spec.tls->ca.key_type_given = false;
    key.type = crypto::KeyType::rsa2048;
    key.description = "RSA 2048";
    auto change = change_for(spec, observed, ResourceKind::ca_key);
    CHECK(change.reasons == std::vector<std::string>{"key is RSA 2048, spec wants ec-p256 (default)"});
    CHECK(change.as<mosq::plan::KeyDetails>().key_type_default);
  }
  SECTION("a type outside ours (RSA 1024) is replaced") {
    key.type.reset();
    key.description = "RSA 1024";
    auto change = change_for(spec, observed, ResourceKind::ca_key);
    CHECK(change.reasons == std::vector<std::string>{"key is RSA 1024, spec wants ec-p256"});
  }
  SECTION("passphrase_env set and the key stored in clear: same key re-encrypted") {
    spec.tls->ca.passphrase_env = "MQTT_CA_PASSPHRASE";
    auto plan = plan_for(spec, observed);
    const auto& change = find_change(plan, ResourceKind::ca_key);
    CHECK(change.action == Action::update);
    CHECK(change.content_changes);
    CHECK_FALSE(mosq::plan::breaks_trust(change));
    CHECK(find_change(plan, ResourceKind::ca_certificate).action == Action::no_op);
  }
}

TEST_CASE("CA certificate rules", "[plan][pki]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  auto& cert = observed.pki->ca_cert;
  SECTION("garbage in place of the certificate: replaced, not a crash") {
    cert.parsed = false;
    cert.parse_error = "no certificate found";
    auto change = change_for(spec, observed, ResourceKind::ca_certificate);
    CHECK(change.action == Action::replace);
    CHECK(change.reasons == std::vector<std::string>{"not a certificate (no certificate found)"});
  }
  SECTION("does not match the CA key") {
    cert.matches_key = false;
    auto change = change_for(spec, observed, ResourceKind::ca_certificate);
    CHECK(has_reason(change, "does not match the key on disk"));
    CHECK(mosq::plan::breaks_trust(change));
  }
  SECTION("subject differs") {
    spec.tls->ca.subject.push_back({"OU", "Ops"});
    auto change = change_for(spec, observed, ResourceKind::ca_certificate);
    CHECK(change.reasons ==
          std::vector<std::string>{"subject C=JP, O=FicusOnline, CN=Example CA -> C=JP, "
                                   "O=FicusOnline, OU=Ops, CN=Example CA"});
  }
  SECTION("subject in another attribute order is the same subject") {
    std::reverse(cert.facts.subject.begin(), cert.facts.subject.end());
    CHECK(change_for(spec, observed, ResourceKind::ca_certificate).action == Action::no_op);
  }
  SECTION("not a CA") {
    cert.facts.is_ca = false;
    auto change = change_for(spec, observed, ResourceKind::ca_certificate);
    CHECK(has_reason(change, "not a CA certificate"));
  }
  SECTION("inside the renew window: renewed with the same key, trust kept, server untouched") {
    cert.facts.not_after = k_now + 30 * k_day;
    auto plan = plan_for(spec, observed);
    auto change = find_change(plan, ResourceKind::ca_certificate);
    CHECK(change.action == Action::replace);
    CHECK(has_reason(change, "inside renew_before_days 90"));
    CHECK_FALSE(mosq::plan::breaks_trust(change));
    CHECK(find_change(plan, ResourceKind::ca_key).action == Action::no_op);
    CHECK(find_change(plan, ResourceKind::server_certificate).action == Action::no_op);
    CHECK_FALSE(plan.restart_required());  // no listener verifies client certificates
  }
  SECTION("a new CA certificate needs a restart when a listener verifies clients") {
    spec.listeners[0].require_certificate = true;
    observed.config.content = "";  // keep the config change from hiding the reason
    cert.facts.not_after = k_now + 30 * k_day;
    auto plan = plan_for(spec, observed);
    bool cafile_reason = false;
    for (const auto& r : plan.restart_reasons) {
      cafile_reason = cafile_reason || r == "CA certificate changed (cafile is not re-read on SIGHUP)";
    }
    CHECK(cafile_reason);
  }
}

TEST_CASE("the renew threshold, one day before, on and after", "[plan][pki][now]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  const std::int64_t not_after = observed.pki->server_cert.facts.not_after;
  const std::int64_t threshold = not_after - 30 * k_day;  // renew_before_days 30
  auto action_at = [&](std::int64_t now) {
    return change_for(spec, observed, ResourceKind::server_certificate, now).action;
  };
  CHECK(action_at(threshold - k_day) == Action::no_op);
  CHECK(action_at(threshold) == Action::replace);
  CHECK(action_at(threshold + k_day) == Action::replace);
  auto change = change_for(spec, observed, ResourceKind::server_certificate, not_after + 1);
  CHECK(has_reason(change, "expired on"));
  CHECK(change.as<mosq::plan::CertificateDetails>().days_left == 0);
}

TEST_CASE("ten years ahead, both the CA and the server certificate renew", "[plan][pki][now]") {
  auto spec = example_spec();
  auto plan = plan_for(spec, in_sync(spec), k_now + 3650 * k_day);
  CHECK(find_change(plan, ResourceKind::ca_certificate).action == Action::replace);
  CHECK(find_change(plan, ResourceKind::server_certificate).action == Action::replace);
  CHECK(find_change(plan, ResourceKind::ca_key).action == Action::no_op);
}

TEST_CASE("server certificate rules", "[plan][pki]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  auto& cert = observed.pki->server_cert;
  SECTION("key replaced by hand") {
    cert.matches_key = false;
    auto change = change_for(spec, observed, ResourceKind::server_certificate);
    CHECK(change.reasons == std::vector<std::string>{"does not match the key on disk"});
  }
  SECTION("a new server key forces a new certificate") {
    make_missing(observed.pki->server_key.file);
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::server_key).action == Action::create);
    CHECK(has_reason(find_change(plan, ResourceKind::server_certificate), "its key is new"));
  }
  SECTION("SANs differ, order-insensitively") {
    std::reverse(cert.facts.subject_alt_names.begin(), cert.facts.subject_alt_names.end());
    CHECK(change_for(spec, observed, ResourceKind::server_certificate).action == Action::no_op);
    spec.tls->server.subject_alt_names.push_back("IP:::1");
    auto change = change_for(spec, observed, ResourceKind::server_certificate);
    CHECK(change.reasons ==
          std::vector<std::string>{"subjectAltName [IP:127.0.0.1, DNS:broker.local] -> "
                                   "[DNS:broker.local, IP:127.0.0.1, IP:::1]"});
  }
  SECTION("subject differs") {
    spec.tls->server.subject = {{"CN", "other.local"}};
    CHECK(has_reason(change_for(spec, observed, ResourceKind::server_certificate),
                     "subject O=FicusOnline, CN=broker.local -> CN=other.local"));
  }
  SECTION("not signed by the current CA (signature, not just the name)") {
    cert.signed_by_ca = false;
    CHECK(change_for(spec, observed, ResourceKind::server_certificate).reasons ==
          std::vector<std::string>{"not signed by the current CA certificate"});
  }
  SECTION("a CA created from nothing leaves the old server certificate unsigned by it") {
    make_missing(observed.pki->ca_cert.file);
    cert.signed_by_ca = false;
    auto plan = plan_for(spec, observed);
    CHECK(find_change(plan, ResourceKind::ca_certificate).action == Action::create);
    CHECK(find_change(plan, ResourceKind::server_certificate).action == Action::replace);
  }
  SECTION("the tutorial's certificate: v1, no SAN, subject equal to the CA's") {
    cert.facts.version = 1;
    cert.facts.subject_alt_names.clear();
    cert.facts.subject = spec.tls->ca.subject;
    cert.facts.server_auth = true;
    auto change = change_for(spec, observed, ResourceKind::server_certificate);
    CHECK(change.action == Action::replace);
    CHECK(has_reason(change, "subject equals the CA's: OpenSSL 3 takes it for self-signed"));
    CHECK(has_reason(change, "a v1 certificate (no extensions"));
    CHECK(has_reason(change, "subjectAltName [] -> [DNS:broker.local, IP:127.0.0.1]"));
    CHECK(change_for(spec, observed, ResourceKind::server_key).action == Action::no_op);
  }
  SECTION("a v3 certificate without serverAuth") {
    cert.facts.server_auth = false;
    CHECK(change_for(spec, observed, ResourceKind::server_certificate).reasons ==
          std::vector<std::string>{"extendedKeyUsage lacks serverAuth"});
  }
  SECTION("a certificate change needs only a reload") {
    cert.signed_by_ca = false;
    auto plan = plan_for(spec, observed);
    CHECK(plan.reload_needed);
    CHECK_FALSE(plan.restart_required());
  }
  SECTION("validity_days alone does not reissue a valid certificate") {
    spec.tls->server.validity_days = 400;
    CHECK(change_for(spec, observed, ResourceKind::server_certificate).action == Action::no_op);
  }
}

TEST_CASE("client certificates follow the same lifecycle", "[plan][pki]") {
  auto spec = example_spec();
  spec::ClientCertificateSpec client;
  client.name = "sensor-7";
  client.certificate.cert_path = "/etc/mosquitto/certs/sensor-7.crt";
  client.certificate.key_path = "/etc/mosquitto/certs/sensor-7.key";
  client.certificate.subject = {{"CN", "sensor-7"}};
  client.certificate.validity_days = 365;
  client.certificate.renew_before_days = 30;
  spec.tls->clients.push_back(client);
  auto observed = in_sync(spec);
  CHECK_FALSE(plan_for(spec, observed).has_changes());
  observed.pki->client_certs["sensor-7"].facts.client_auth = false;
  auto plan = plan_for(spec, observed);
  const auto& change = find_change(plan, ResourceKind::client_certificate);
  CHECK(change.name() == "client_certificate[sensor-7]");
  CHECK(change.reasons == std::vector<std::string>{"extendedKeyUsage lacks clientAuth"});
  CHECK(change.effect == plan::BrokerEffect::none);
}

TEST_CASE("a CA certificate must have every property of an issuing root CA", "[plan][pki]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  auto& facts = observed.pki->ca_cert.facts;
  REQUIRE(find_change(plan_for(spec, observed), ResourceKind::ca_certificate).action == Action::no_op);
  SECTION("keyUsage without keyCertSign") {
    facts.has_key_cert_sign = false;
    const auto ca = change_for(spec, observed, ResourceKind::ca_certificate);
    CHECK(ca.action == Action::replace);
    CHECK(ca.reasons == std::vector<std::string>{"keyUsage lacks keyCertSign: it may not sign certificates"});
  }
  SECTION("not CA:TRUE") {
    facts.is_ca = false;
    CHECK(has_reason(change_for(spec, observed, ResourceKind::ca_certificate),
                     "not a CA certificate (no basicConstraints CA:TRUE)"));
  }
  SECTION("a v1 certificate") {
    facts.version = 1;
    CHECK(has_reason(change_for(spec, observed, ResourceKind::ca_certificate), "a v1 certificate cannot be a CA"));
  }
  SECTION("issued by another CA, not self-signed") {
    observed.pki->ca_cert.signed_by_ca = false;
    CHECK(has_reason(change_for(spec, observed, ResourceKind::ca_certificate),
                     "not self-signed: a root CA must verify under its own key"));
  }
}

TEST_CASE("a certificate file holding more than its certificate is drift", "[plan][pki]") {
  auto spec = example_spec();
  auto observed = in_sync(spec);
  observed.pki->ca_cert.extra_content = true;
  observed.pki->server_cert.extra_content = true;
  auto plan = plan_for(spec, observed);
  for (auto kind : {ResourceKind::ca_certificate, ResourceKind::server_certificate}) {
    const auto& change = find_change(plan, kind);
    CHECK(change.action == Action::replace);
    CHECK(has_reason(change, "the file holds more than this certificate"));
  }
  // Same key, same subject: a renewal clients keep trusting, not a break.
  CHECK_FALSE(mosq::plan::breaks_trust(find_change(plan, ResourceKind::ca_certificate)));
}
