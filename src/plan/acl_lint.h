// Warnings about ACL rules that are valid but almost certainly not meant:
// shown with the plan, never changing its exit code.
#pragma once

#include <string>
#include <vector>

#include "spec/spec.h"

namespace mosq::plan {

// With broker.acl_file set: readwrite on '#' for a named user, a pattern
// without %u or %c (it applies to every user alike), a grant a deny of the
// same list makes useless (denies are checked first), a present user with
// no rule and no pattern (it can do nothing), anonymous rules while
// allow_anonymous is false (they never apply), a user whose name holds '+'
// or '#' while patterns exist (the broker grants it no pattern).
std::vector<std::string> acl_warnings(const spec::Spec& spec);

// Whether every topic `grant` matches is matched by `deny` too (levels
// compared: '#' covers the rest, '+' one level; "%u"/"%c" are literal
// here, as both rules are in the same list).
bool filter_covers(const std::string& deny, const std::string& grant);

}  // namespace mosq::plan
