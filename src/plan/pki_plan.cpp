#include "plan/pki_plan.h"

#include <ctime>
#include <optional>

#include "crypto/subject_alt_name.h"
#include "plan/file_policy.h"
#include "plan/given_ca_plan.h"

namespace mosq::plan {
namespace {

constexpr std::int64_t k_day = 86400;

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

bool is_new(const Change& change) {
  return change.content_changes &&
         (change.action == Action::create || change.action == Action::replace);
}

Change plan_key(const Address& address, const spec::CertificateSpec& wanted,
                const observe::ObservedKey& key, const observe::Observed& observed,
                bool encrypt_at_rest) {
  Change change;
  change.address = address;
  KeyDetails& details = change.details.emplace<KeyDetails>();
  details.key_type = std::string(crypto::key_type_name(wanted.key_type));
  details.key_type_default = !wanted.key_type_given;
  // A user must see why it wants a key they never described.
  const std::string wanted_type = details.key_type + (details.key_type_default ? " (default)" : "");
  change.effect = address.kind == ResourceKind::server_key ? BrokerEffect::reload : BrokerEffect::none;
  if (!key.file.exists()) {
    change.reasons.push_back("does not exist");
    settle(change, Action::create, key.file, observed.ownership);
    return change;
  }
  if (key.status != crypto::KeyLoadStatus::ok) {
    change.reasons.push_back("not a readable private key" +
                             (key.detail.empty() ? std::string() : " (" + key.detail + ")"));
  } else if (key.type != wanted.key_type) {
    change.reasons.push_back("key is " + key.description + ", spec wants " + wanted_type);
  }
  Action action = Action::replace;
  if (change.reasons.empty() && encrypt_at_rest && !key.encrypted) {
    change.reasons.push_back("not encrypted at rest (passphrase_env is set): same key, re-encrypted");
    action = Action::update;
  }
  settle(change, action, key.file, observed.ownership);
  return change;
}

CertificateSummary desired_summary(const spec::CertificateSpec& wanted, std::int64_t now) {
  return {crypto::format_name(wanted.subject), wanted.subject_alt_names,
          now + static_cast<std::int64_t>(wanted.validity_days) * k_day, "",
          std::string(crypto::key_type_name(wanted.key_type))};
}

struct CertContext {
  Address address;
  const spec::CertificateSpec& wanted;
  const observe::ObservedCertificate& cert;
  const Change& key_change;
  const Change* ca_key_change;  // leaves only
  const spec::CertificateSpec* ca_spec;  // leaves only
};

void expiry_reasons(const crypto::CertificateFacts& facts, const spec::CertificateSpec& wanted,
                    std::int64_t now, std::vector<std::string>& reasons) {
  if (facts.not_after <= now) {
    reasons.push_back("expired on " + format_date(facts.not_after));
  } else if (facts.not_after - now <= static_cast<std::int64_t>(wanted.renew_before_days) * k_day) {
    reasons.push_back("expires " + format_date(facts.not_after) + ", inside renew_before_days " +
                      std::to_string(wanted.renew_before_days));
  } else if (facts.not_before > now) {
    reasons.push_back("not valid before " + format_date(facts.not_before));
  }
}

Change plan_certificate(const CertContext& c, const observe::Observed& observed,
                        std::int64_t now) {
  Change change;
  change.address = c.address;
  CertificateDetails& details = change.details.emplace<CertificateDetails>();
  details.after = desired_summary(c.wanted, now);
  const bool is_ca = c.address.kind == ResourceKind::ca_certificate;
  change.effect = c.address.kind == ResourceKind::server_certificate ? BrokerEffect::reload
                                                             : BrokerEffect::none;
  if (!c.cert.file.exists()) {
    change.reasons.push_back("does not exist");
    settle(change, Action::create, c.cert.file, observed.ownership);
    return change;
  }
  if (!c.cert.parsed) {
    change.reasons.push_back("not a certificate (" + c.cert.parse_error + ")");
    settle(change, Action::replace, c.cert.file, observed.ownership);
    return change;
  }
  const crypto::CertificateFacts& facts = c.cert.facts;
  details.before = summarize(facts);
  details.days_left = (facts.not_after - now) / k_day;
  auto& reasons = change.reasons;
  if (is_new(c.key_change)) {
    reasons.push_back("its key is new");
  } else if (!c.cert.matches_key) {
    reasons.push_back("does not match the key on disk");
  }
  if (!crypto::same_name(facts.subject, c.wanted.subject)) {
    reasons.push_back("subject " + crypto::format_name(facts.subject) + " -> " +
                      crypto::format_name(c.wanted.subject));
  }
  if (c.cert.extra_content) {
    reasons.push_back("the file holds more than this certificate (another certificate, an extra trust "
                      "anchor, or other text)");
  }
  if (is_ca) {
    // What every verifier asks of an issuing CA (RFC 5280 4.2.1.3, 4.2.1.9).
    if (!facts.is_ca) reasons.push_back("not a CA certificate (no basicConstraints CA:TRUE)");
    if (!facts.has_key_cert_sign) reasons.push_back("keyUsage lacks keyCertSign: it may not sign certificates");
    if (facts.version < 3) reasons.push_back("a v" + std::to_string(facts.version) + " certificate cannot be a CA");
    if (!c.cert.signed_by_ca) reasons.push_back("not self-signed: a root CA must verify under its own key");
  } else {
    if (c.ca_key_change && is_new(*c.ca_key_change)) {
      reasons.push_back("the CA key is new");
    } else if (!c.cert.signed_by_ca) {
      reasons.push_back("not signed by the current CA certificate");
    }
    if (c.ca_spec && crypto::same_name(facts.subject, c.ca_spec->subject)) {
      reasons.push_back("subject equals the CA's: OpenSSL 3 takes it for self-signed");
    }
    if (!crypto::same_subject_alt_names(facts.subject_alt_names, c.wanted.subject_alt_names)) {
      reasons.push_back("subjectAltName " + join(facts.subject_alt_names) + " -> " +
                        join(c.wanted.subject_alt_names));
    }
    if (facts.version < 3) {
      reasons.push_back("a v" + std::to_string(facts.version) +
                        " certificate (no extensions: clients cannot check the host name)");
    } else if (c.address.kind == ResourceKind::server_certificate && !facts.server_auth) {
      reasons.push_back("extendedKeyUsage lacks serverAuth");
    } else if (c.address.kind == ResourceKind::client_certificate && !facts.client_auth) {
      reasons.push_back("extendedKeyUsage lacks clientAuth");
    }
  }
  expiry_reasons(facts, c.wanted, now, reasons);
  settle(change, Action::replace, c.cert.file, observed.ownership);
  return change;
}

}  // namespace

CertificateSummary summarize(const crypto::CertificateFacts& facts) {
  return {crypto::format_name(facts.subject), facts.subject_alt_names, facts.not_after,
          facts.serial_hex, facts.key_description};
}

std::string format_date(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::vector<Change> plan_pki(const spec::Spec& spec, const observe::Observed& observed,
                             std::int64_t now) {
  std::vector<Change> changes;
  if (!spec.tls || !observed.pki) return changes;
  const spec::Tls& tls = *spec.tls;
  const observe::ObservedPki& pki = *observed.pki;

  // A given CA (managed: false) has no key here and its certificate is
  // never changed: its leaves are checked against it all the same.
  std::optional<Change> ca_key;
  if (tls.ca.managed) {
    ca_key = plan_key({ResourceKind::ca_key, ""}, tls.ca, pki.ca_key, observed,
                      tls.ca.passphrase_env.has_value());
    Change ca_cert = plan_certificate(
        {{ResourceKind::ca_certificate, ""}, tls.ca, pki.ca_cert, *ca_key, nullptr,
         nullptr},
        observed, now);
    // Clients keep verifying a renewed CA (same key, same subject); anything
    // else replaces the anchor they trust.
    if (pki.ca_cert.parsed && ca_cert.content_changes &&
        (is_new(*ca_key) || !pki.ca_cert.matches_key ||
         !crypto::same_name(pki.ca_cert.facts.subject, tls.ca.subject))) {
      ca_cert.as<CertificateDetails>().breaks_trust = true;
      ca_key->as<KeyDetails>().breaks_trust = is_new(*ca_key);
    }
    const bool verifies_clients = [&] {
      for (const auto& l : spec.listeners) {
        if (l.tls && l.require_certificate) return true;
      }
      return false;
    }();
    if (verifies_clients) ca_cert.effect = BrokerEffect::restart;
    changes.push_back(*ca_key);
    changes.push_back(std::move(ca_cert));
  } else {
    changes.push_back(plan_given_ca_certificate(pki.ca_cert, now));
  }
  const Change* ca_key_change = ca_key ? &*ca_key : nullptr;

  Change server_key = plan_key({ResourceKind::server_key, ""}, tls.server, pki.server_key,
                               observed, false);
  Change server_cert =
      plan_certificate({{ResourceKind::server_certificate, ""}, tls.server,
                        pki.server_cert, server_key, ca_key_change, &tls.ca},
                       observed, now);
  changes.push_back(std::move(server_key));
  changes.push_back(std::move(server_cert));

  for (const spec::ClientCertificateSpec& client : tls.clients) {
    Change key = plan_key({ResourceKind::client_key, client.name}, client.certificate,
                          pki.client_keys.at(client.name), observed, false);
    Change cert = plan_certificate(
        {{ResourceKind::client_certificate, client.name}, client.certificate,
         pki.client_certs.at(client.name), key, ca_key_change, &tls.ca},
        observed, now);
    changes.push_back(std::move(key));
    changes.push_back(std::move(cert));
  }
  return changes;
}

}  // namespace mosq::plan
