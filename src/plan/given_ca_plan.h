// The plan for a CA made elsewhere (tls.ca.managed: false): its certificate
// is shown (expiry, days left) and never changed; what it cannot do is said
// as warnings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "observe/observed.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace mosq::plan {

// Always a no-op, with the certificate's facts for monitoring.
Change plan_given_ca_certificate(const observe::ObservedCertificate& cert, std::int64_t now);

// An expired or expiring given CA (inside tls.ca.renew_before_days), named
// with its date; certificates to issue while the CA key is not at hand
// (apply will refuse them). Empty for a managed CA.
std::vector<std::string> given_ca_warnings(const spec::Spec& spec, const observe::Observed& observed,
                                           const std::vector<Change>& changes, std::int64_t now);

}  // namespace mosq::plan
