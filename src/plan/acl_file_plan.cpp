#include "plan/acl_file_plan.h"

#include <map>
#include <set>

#include "plan/file_policy.h"

namespace mosq::plan {
namespace {

using Kind = LineChange::Kind;

broker::AclRule rule_from(const spec::AclRuleSpec& rule, broker::AclScope scope, const std::string& user) {
  return {scope, user, rule.access, rule.topic};
}

// Why an observed rule the spec does not grant goes.
std::string removal_reason(const spec::Spec& spec, const broker::AclRule& rule) {
  if (rule.scope != broker::AclScope::user) return "not in the spec";
  for (const spec::User& user : spec.users) {
    if (user.name != rule.user) continue;
    return user.state == spec::UserState::absent ? "state: absent" : "not in the spec";
  }
  return "not in the spec (unlisted_users: remove)";
}

}  // namespace

std::vector<broker::AclRule> desired_acl_rules(const spec::Spec& spec, const observe::ObservedAclFile& observed) {
  std::vector<broker::AclRule> rules;
  if (spec.acl) {
    for (const auto& rule : spec.acl->anonymous) rules.push_back(rule_from(rule, broker::AclScope::anonymous, ""));
    for (const auto& rule : spec.acl->patterns) rules.push_back(rule_from(rule, broker::AclScope::pattern, ""));
  }
  std::set<std::string> listed;
  for (const spec::User& user : spec.users) {
    listed.insert(user.name);
    if (user.state != spec::UserState::present || !user.acl) continue;
    for (const auto& rule : *user.acl) rules.push_back(rule_from(rule, broker::AclScope::user, user.name));
  }
  if (spec.broker.unlisted_users == spec::UnlistedUsers::keep) {
    for (const broker::AclLine& line : observed.parsed.rules) {
      if (line.rule.scope == broker::AclScope::user && listed.count(line.rule.user) == 0) {
        rules.push_back(line.rule);
      }
    }
  }
  return rules;
}

Change plan_acl_file(const spec::Spec& spec, const observe::Observed& observed) {
  const observe::ObservedAclFile& file = *observed.acl_file;
  Change change;
  change.address = {ResourceKind::acl_file, ""};
  change.effect = BrokerEffect::reload;  // Mosquitto re-reads acl_file on SIGHUP
  AclFileDetails details;
  details.desired_rules = desired_acl_rules(spec, file);
  details.desired_content = broker::render_acl_file(details.desired_rules);

  const std::set<broker::AclRule> wanted(details.desired_rules.begin(), details.desired_rules.end());
  std::set<broker::AclRule> present;
  for (const broker::AclLine& line : file.parsed.rules) {
    if (!present.insert(line.rule).second || wanted.count(line.rule) != 0) continue;
    details.rules.push_back({Kind::remove, line.rule.user, removal_reason(spec, line.rule), line.number, line.rule});
  }
  for (const broker::AclProblem& problem : file.parsed.problems) {
    details.rules.push_back({Kind::repair, "",
                             "line " + std::to_string(problem.number) + ": " + problem.problem +
                                 " (line dropped; Mosquitto 2.0 loads no ACL at all while it is there)",
                             problem.number, std::nullopt});
  }
  std::set<broker::AclRule> added;
  for (const broker::AclRule& rule : details.desired_rules) {
    if (present.count(rule) != 0 || !added.insert(rule).second) continue;
    details.rules.push_back({Kind::add, rule.user, "not in the file", 0, rule});
  }

  if (!file.file.exists()) {
    change.reasons.push_back("does not exist");
    change.details = std::move(details);
    settle(change, Action::create, file.file, observed.ownership);
    return change;
  }
  details.current_content = file.content;
  for (const LineChange& edit : details.rules) {
    if (!edit.rule) {
      change.reasons.push_back("! " + edit.reason);
      continue;
    }
    change.reasons.push_back(std::string(edit.kind == Kind::add ? "+ " : "- ") + "acl " +
                             broker::rule_owner(*edit.rule) + ": " + broker::describe(*edit.rule));
  }
  if (change.reasons.empty() && file.content != details.desired_content) {
    details.format_only = true;
    change.reasons.push_back(
        "rewritten for format only: the file already grants exactly the spec's rules (their order, spacing, "
        "comments or repeats differ); no right changes");
  }
  change.details = std::move(details);
  settle(change, Action::update, file.file, observed.ownership);
  return change;
}

}  // namespace mosq::plan
