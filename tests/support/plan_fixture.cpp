#include "support/plan_fixture.h"

#include <stdexcept>

#include "broker/config_render.h"
#include "plan/file_policy.h"
#include "plan/planner.h"

namespace mosq::test {
namespace {

observe::ObservedFile file_at(const std::string& path, mode_t mode, uid_t uid = 0, gid_t gid = 0) {
  observe::ObservedFile file;
  file.path = path;
  file.info.kind = FileKind::regular;
  file.info.mode = mode;
  file.info.uid = uid;
  file.info.gid = gid;
  file.digest = "digest-of-" + path;
  return file;
}

crypto::CertificateFacts facts_for(const spec::CertificateSpec& c, bool is_ca,
                                   const spec::CertificateSpec* issuer) {
  crypto::CertificateFacts facts;
  facts.version = 3;
  facts.serial_hex = is_ca ? "0A" : "0B";
  facts.subject = c.subject;
  facts.issuer = issuer ? issuer->subject : c.subject;
  facts.subject_alt_names = c.subject_alt_names;
  facts.not_before = k_now - 10 * k_day;
  facts.not_after = k_now + static_cast<std::int64_t>(c.validity_days - 10) * k_day;
  facts.is_ca = is_ca;
  facts.has_key_cert_sign = is_ca;
  facts.server_auth = !is_ca;
  facts.client_auth = false;
  facts.key_description = "EC P-256";
  return facts;
}

observe::ObservedKey key_at(const std::string& path, crypto::KeyType type, mode_t mode, uid_t uid,
                            gid_t gid, bool encrypted) {
  observe::ObservedKey key;
  key.file = file_at(path, mode, uid, gid);
  key.status = crypto::KeyLoadStatus::ok;
  key.type = type;
  key.encrypted = encrypted;
  key.description = std::string(crypto::key_type_name(type));
  return key;
}

}  // namespace

spec::Spec example_spec() {
  spec::Spec s;
  s.source_file = "broker.yaml";
  s.broker.config_file = "/etc/mosquitto/conf.d/mosq-reconcile.conf";
  s.broker.password_file = "/etc/mosquitto/mqttpass";
  s.broker.owner = "mosquitto";
  s.broker.group = "mosquitto";
  s.broker.reload.pid_file = "/run/mosquitto/mosquitto.pid";
  spec::Listener tls_listener;
  tls_listener.port = 8883;
  tls_listener.bind_address = "0.0.0.0";
  spec::Listener plain;
  plain.port = 1883;
  plain.bind_address = "127.0.0.1";
  plain.tls = false;
  s.listeners = {tls_listener, plain};
  spec::User user1{"user1", spec::UserState::present,
                   spec::PasswordSource{spec::PasswordSourceKind::env, "MQTT_USER1_PASSWORD"}, {}};
  spec::User dashboard{"dashboard", spec::UserState::present,
                       spec::PasswordSource{spec::PasswordSourceKind::hash,
                                            crypto::format_password_hash(fake_hash(7))},
                       {}};
  spec::User olduser{"olduser", spec::UserState::absent, std::nullopt, {}};
  s.users = {user1, dashboard, olduser};
  spec::Tls tls;
  tls.dir = "/etc/mosquitto/certs";
  tls.ca.cert_path = "/etc/mosquitto/certs/ca.crt";
  tls.ca.key_path = "/etc/mosquitto/certs/ca.key";
  tls.ca.subject = {{"C", "JP"}, {"O", "FicusOnline"}, {"CN", "Example CA"}};
  tls.ca.validity_days = 3650;
  tls.ca.renew_before_days = 90;
  tls.ca.key_type = crypto::KeyType::ec_p256;
  tls.ca.key_type_given = true;
  tls.server.cert_path = "/etc/mosquitto/certs/server.crt";
  tls.server.key_path = "/etc/mosquitto/certs/server.key";
  tls.server.subject = {{"O", "FicusOnline"}, {"CN", "broker.local"}};
  tls.server.subject_alt_names = {"DNS:broker.local", "IP:127.0.0.1"};
  tls.server.validity_days = 825;
  tls.server.renew_before_days = 30;
  tls.server.key_type = crypto::KeyType::ec_p256;
  tls.server.key_type_given = true;
  s.tls = tls;
  return s;
}

crypto::PasswordHash fake_hash(unsigned char fill) {
  crypto::PasswordHash h;
  h.scheme = crypto::HashScheme::sha512_pbkdf2;
  h.iterations = 101;
  h.salt.assign(12, fill);
  h.hash.assign(64, static_cast<unsigned char>(fill + 1));
  return h;
}

broker::PasswordLine password_line(int number, const std::string& user,
                                   const crypto::PasswordHash& hash) {
  broker::PasswordLine line;
  line.number = number;
  line.user = user;
  line.hash = hash;
  line.raw = user + ":" + crypto::format_password_hash(hash);
  return line;
}

observe::Observed in_sync(const spec::Spec& spec) {
  observe::Observed o;
  o.ownership.owner_name = "mosquitto";
  o.ownership.group_name = "mosquitto";
  o.ownership.uid = 102;
  o.ownership.gid = 105;
  o.ownership.broker_groups = {105};
  o.ownership.can_chown = true;

  o.password_file.file = file_at(spec.broker.password_file, 0640, 102, 105);
  int number = 0;
  for (const auto& user : spec.users) {
    if (user.state != spec::UserState::present) continue;
    crypto::PasswordHash hash = fake_hash(static_cast<unsigned char>(10 + number));
    if (user.password->kind == spec::PasswordSourceKind::hash) {
      hash = *crypto::parse_password_hash(user.password->value, nullptr);
    }
    o.password_file.content.lines.push_back(password_line(++number, user.name, hash));
    o.password_file.verdicts[user.name] = observe::PasswordVerdict::matches;
  }
  o.config.file = file_at(spec.broker.config_file, 0644);
  o.config.content = broker::render_config(spec);

  if (spec.tls) {
    observe::ObservedPki pki;
    const auto& tls = *spec.tls;
    pki.ca_key = key_at(tls.ca.key_path, tls.ca.key_type, 0600, 0, 0, false);
    pki.ca_cert.file = file_at(tls.ca.cert_path, 0644);
    pki.ca_cert.parsed = true;
    pki.ca_cert.facts = facts_for(tls.ca, true, nullptr);
    pki.ca_cert.matches_key = true;
    pki.ca_cert.signed_by_ca = true;  // self-signed
    pki.ca_cert.certificates_in_file = 1;
    pki.ca_key_available = true;
    pki.server_key = key_at(tls.server.key_path, tls.server.key_type, 0640, 102, 105, false);
    pki.server_cert.file = file_at(tls.server.cert_path, 0644);
    pki.server_cert.parsed = true;
    pki.server_cert.facts = facts_for(tls.server, false, &tls.ca);
    pki.server_cert.matches_key = true;
    pki.server_cert.signed_by_ca = true;
    for (const auto& client : tls.clients) {
      pki.client_keys[client.name] =
          key_at(client.certificate.key_path, client.certificate.key_type, 0600, 0, 0, false);
      observe::ObservedCertificate cert;
      cert.file = file_at(client.certificate.cert_path, 0644);
      cert.parsed = true;
      cert.facts = facts_for(client.certificate, false, &tls.ca);
      cert.facts.server_auth = false;
      cert.facts.client_auth = true;
      cert.matches_key = true;
      cert.signed_by_ca = true;
      pki.client_certs[client.name] = cert;
    }
    o.pki = pki;
  }
  o.broker.pid_file_configured = spec.broker.reload.pid_file.has_value();
  o.broker.process.state = observe::BrokerState::running;
  o.broker.process.pid = 4242;
  o.broker.process.started_boot_seconds = 1000.0;
  return o;
}

plan::Plan plan_for(const spec::Spec& spec, const observe::Observed& observed, std::int64_t now) {
  return plan::make_plan(spec, observed, now);
}

const plan::Change& find_change(const plan::Plan& plan, plan::ResourceKind kind) {
  for (const auto& change : plan.changes) {
    if (change.kind() == kind) return change;
  }
  throw std::runtime_error("no change of that kind in the plan");
}

plan::Change change_for(const spec::Spec& spec, const observe::Observed& observed,
                        plan::ResourceKind kind, std::int64_t now) {
  return find_change(plan_for(spec, observed, now), kind);
}

bool has_reason(const plan::Change& change, const std::string& fragment) {
  for (const auto& reason : change.reasons) {
    if (reason.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace mosq::test
