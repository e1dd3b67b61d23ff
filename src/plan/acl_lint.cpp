#include "plan/acl_lint.h"

namespace mosq::plan {
namespace {

std::vector<std::string> levels(const std::string& filter) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = filter.find('/', begin);
    out.push_back(filter.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) return out;
    begin = end + 1;
  }
}

// "users[2] (dashboard)": where a list of rules is in the spec.
void shadowed_grants(const std::vector<spec::AclRuleSpec>& rules, const std::string& where,
                     std::vector<std::string>& warnings) {
  for (const auto& grant : rules) {
    if (grant.access == spec::AclAccess::deny) continue;
    for (const auto& deny : rules) {
      if (deny.access != spec::AclAccess::deny || !filter_covers(deny.topic, grant.topic)) continue;
      warnings.push_back(where + ": '" + std::string(spec::acl_access_name(grant.access)) + " " + grant.topic +
                         "' can never be used: 'deny " + deny.topic +
                         "' covers every topic it matches and is checked first");
      break;
    }
  }
}

}  // namespace

bool filter_covers(const std::string& deny, const std::string& grant) {
  // A filter that does not start with '$' never matches a '$' topic.
  if (!grant.empty() && grant.front() == '$' && (deny.empty() || deny.front() != '$')) return false;
  const std::vector<std::string> d = levels(deny), g = levels(grant);
  for (std::size_t i = 0;; ++i) {
    if (i == d.size()) return i == g.size();
    if (d[i] == "#") return true;  // "a/#" also matches "a"
    if (i == g.size() || g[i] == "#") return false;
    if (d[i] != "+" && d[i] != g[i]) return false;
  }
}

std::vector<std::string> acl_warnings(const spec::Spec& spec) {
  std::vector<std::string> warnings;
  if (!spec.broker.acl_file) return warnings;
  const bool has_patterns = spec.acl && !spec.acl->patterns.empty();
  for (const spec::User& user : spec.users) {
    if (user.state != spec::UserState::present) continue;
    const std::string where = "acl of user " + user.name;
    if (has_patterns && user.name.find_first_of("+#") != std::string::npos) {
      warnings.push_back("user " + user.name + ": a name holding '+' or '#' gets nothing from acl.patterns "
                         "(Mosquitto 2.0 refuses such a user every pattern, so it cannot escape its own tree)");
    }
    if (!user.acl || user.acl->empty()) {
      if (!has_patterns) {
        warnings.push_back("user " + user.name + " has no ACL rules and there is no pattern: with " +
                           *spec.broker.acl_file + " managed it can neither publish nor receive anything");
      }
      continue;
    }
    for (const auto& rule : *user.acl) {
      if (rule.access == spec::AclAccess::readwrite && rule.topic == "#") {
        warnings.push_back(where + ": 'readwrite #' lets it publish and receive on every topic");
      }
    }
    shadowed_grants(*user.acl, where, warnings);
  }
  if (!spec.acl) return warnings;
  for (const auto& rule : spec.acl->patterns) {
    if (rule.topic.find("%u") == std::string::npos && rule.topic.find("%c") == std::string::npos) {
      warnings.push_back("acl.patterns: '" + std::string(spec::acl_access_name(rule.access)) + " " + rule.topic +
                         "' holds neither %u nor %c: it applies to every user alike");
    }
  }
  shadowed_grants(spec.acl->patterns, "acl.patterns", warnings);
  shadowed_grants(spec.acl->anonymous, "acl.anonymous", warnings);
  if (!spec.acl->anonymous.empty() && !spec.broker.allow_anonymous) {
    warnings.push_back("acl.anonymous has rules but broker.allow_anonymous is false: no client connects "
                       "without a user name, so they never apply");
  }
  return warnings;
}

}  // namespace mosq::plan
