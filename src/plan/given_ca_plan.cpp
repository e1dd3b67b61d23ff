#include "plan/given_ca_plan.h"

#include "plan/pki_plan.h"

namespace mosq::plan {
namespace {

constexpr std::int64_t k_day = 86400;

}  // namespace

Change plan_given_ca_certificate(const observe::ObservedCertificate& cert, std::int64_t now) {
  Change change;
  change.address = {ResourceKind::ca_certificate, ""};
  change.path = cert.file.path;
  change.observed_digest = cert.file.digest;
  CertificateDetails& details = change.details.emplace<CertificateDetails>();
  details.managed = false;
  details.before = summarize(cert.facts);
  details.days_left = (cert.facts.not_after - now) / k_day;
  return change;
}

std::vector<std::string> given_ca_warnings(const spec::Spec& spec, const observe::Observed& observed,
                                           std::int64_t now) {
  std::vector<std::string> warnings;
  if (!spec.tls || spec.tls->ca.managed || !observed.pki) return warnings;
  const spec::CertificateSpec& ca = spec.tls->ca;
  const observe::ObservedPki& pki = *observed.pki;
  const std::int64_t not_after = pki.ca_cert.facts.not_after;
  const std::string given = "the given CA certificate " + ca.cert_path;
  const std::string elsewhere =
      " (managed: false): renew it where it was made and copy it to every broker";
  if (not_after <= now) {
    warnings.push_back(given + " expired on " + format_date(not_after) +
                       ": nothing it signed verifies" + elsewhere);
  } else if (not_after - now <= static_cast<std::int64_t>(ca.renew_before_days) * k_day) {
    warnings.push_back(given + " expires " + format_date(not_after) + ", inside renew_before_days " +
                       std::to_string(ca.renew_before_days) + elsewhere);
  }
  return warnings;
}

std::optional<std::string> ca_key_missing_warning(const observe::Observed& observed,
                                                  const std::vector<Change>& changes) {
  if (!observed.pki || observed.pki->ca_key_available) return std::nullopt;
  std::string waiting;
  for (const Change& change : changes) {
    // A CA key made this run signs what follows it.
    if (change.kind() == ResourceKind::ca_key && change.content_changes) return std::nullopt;
    if (is_signed_by_ca(change.kind()) && change.content_changes) {
      waiting += (waiting.empty() ? "" : ", ") + change.name();
    }
  }
  if (waiting.empty()) return std::nullopt;
  return "the CA key is not at hand (" + observed.pki->ca_key_missing + "): apply cannot issue " +
         waiting + " until it is given";
}

}  // namespace mosq::plan
