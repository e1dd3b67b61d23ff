#pragma once

#include <cstdint>
#include <vector>

#include "observe/observed.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace mosq::plan {

// CA key, CA certificate, server key, server certificate, then each
// client's key and certificate, in that (apply) order. A new parent forces
// its children: new CA key -> CA certificate -> server and client certificates.
// A given CA (managed: false) has no key change and a certificate that is
// always a no-op (see given_ca_plan.h).
std::vector<Change> plan_pki(const spec::Spec& spec, const observe::Observed& observed,
                             std::int64_t now);

// A certificate as observed, for plans and JSON.
CertificateSummary summarize(const crypto::CertificateFacts& facts);

// "2026-12-07" (UTC).
std::string format_date(std::int64_t unix_seconds);

}  // namespace mosq::plan
