// plan(Spec, Observed, now) -> Plan. Pure: no I/O, no clock, no randomness,
// so every drift rule is a unit test over hand-built states.
#pragma once

#include <cstdint>

#include "observe/observed.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace mosq::plan {

Plan make_plan(const spec::Spec& spec, const observe::Observed& observed, std::int64_t now);

}  // namespace mosq::plan
