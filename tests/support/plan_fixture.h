// Hand-built Spec and Observed states for planner tests: a spec, and the
// observation of a disk that is exactly in sync with it. Tests change one
// thing and assert the plan.
#pragma once

#include <cstdint>
#include <string>

#include "observe/observed.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace mosq::test {

constexpr std::int64_t k_now = 1795000000;  // 2026-11-18
constexpr std::int64_t k_day = 86400;

spec::Spec example_spec();  // users user1 (env), dashboard (hash), olduser (absent); TLS + plain listener
observe::Observed in_sync(const spec::Spec& spec);  // as observe() would see a converged disk

// A well-formed $7$ hash (12-byte salt) that is not any real password's.
crypto::PasswordHash fake_hash(unsigned char fill = 1);
broker::PasswordLine password_line(int number, const std::string& user, const crypto::PasswordHash& hash);

// plan::make_plan(spec, observed, now).
plan::Plan plan_for(const spec::Spec& spec, const observe::Observed& observed,
                    std::int64_t now = k_now);

const plan::Change& find_change(const plan::Plan& plan, plan::ResourceKind kind);
// find_change(plan_for(spec, observed, now), kind), copied out of the temporary plan.
plan::Change change_for(const spec::Spec& spec, const observe::Observed& observed,
                        plan::ResourceKind kind, std::int64_t now = k_now);
bool has_reason(const plan::Change& change, const std::string& fragment);

}  // namespace mosq::test
