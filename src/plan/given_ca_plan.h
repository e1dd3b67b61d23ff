// The plan for a CA made elsewhere (tls.ca.managed: false): its certificate
// is shown (expiry, days left) and never changed; what it cannot do is said
// as warnings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "observe/observed.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace mosq::plan {

// Always a no-op, with the certificate's facts for monitoring.
Change plan_given_ca_certificate(const observe::ObservedCertificate& cert, std::int64_t now);

// An expired or expiring given CA (inside tls.ca.renew_before_days), named
// with its date. Empty for a managed CA.
std::vector<std::string> given_ca_warnings(const spec::Spec& spec, const observe::Observed& observed,
                                           std::int64_t now);

// Certificates to sign while the CA key is not at hand (a given CA's key
// variable unset, a managed key's passphrase not given): apply will refuse
// them, so the plan says which and why.
std::optional<std::string> ca_key_missing_warning(const observe::Observed& observed,
                                                  const std::vector<Change>& changes);

}  // namespace mosq::plan
