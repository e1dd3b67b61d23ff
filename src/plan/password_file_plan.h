#pragma once

#include "observe/observed.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace mosq::plan {

// The password file's change with one UserChange per line-level edit.
Change plan_password_file(const spec::Spec& spec, const observe::Observed& observed);

}  // namespace mosq::plan

#include <functional>

namespace mosq::plan {

// The password file after `change`: kept lines byte for byte, updated users
// in place, removed and repaired lines dropped, added users appended in
// spec order. line_for(user) gives the new line for an added/updated user.
std::string next_password_file(const broker::PasswordFileContent& current, const Change& change,
                               const std::function<std::string(const std::string& user)>& line_for);

}  // namespace mosq::plan
