// The ACL file's change, rule by rule: what the spec grants (its users'
// rules, the patterns, the anonymous rules, and with unlisted_users: keep
// the rules of the unlisted users it keeps) against what the file on disk
// grants as Mosquitto 2.0.11 reads it. Rules are compared as a set, the
// broker's own semantics (deny first, then any grant), so a file granting
// exactly the same rules in another order, spacing or with comments is a
// rewrite for format only, never a change of rights.
#pragma once

#include <vector>

#include "broker/acl_file.h"
#include "observe/observed.h"
#include "plan/plan.h"
#include "spec/spec.h"

namespace mosq::plan {

// The rules the file must grant, in rendering order.
std::vector<broker::AclRule> desired_acl_rules(const spec::Spec& spec, const observe::ObservedAclFile& observed);

// Requires spec.broker.acl_file and observed.acl_file.
Change plan_acl_file(const spec::Spec& spec, const observe::Observed& observed);

}  // namespace mosq::plan
