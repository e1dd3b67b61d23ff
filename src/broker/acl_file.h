// Mosquitto's ACL file (acl_file): topic rights per user, for anonymous
// clients and by pattern. The reader follows Mosquitto 2.0.11's parser
// (src/security_default.c, aclfile__parse) line for line, so what it
// accepts is what the broker accepts; the renderer is deterministic and
// checks its own output with the reader, because a file the broker cannot
// parse at a reload makes it drop ACL checking altogether (fail open).
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "spec/spec.h"

namespace mosq::broker {

// Whose rule it is: `topic` lines before the first `user` line are for
// clients without a user name, `topic` lines after `user NAME` for NAME,
// and `pattern` lines for everyone wherever they stand.
enum class AclScope { anonymous, pattern, user };

struct AclRule {
  AclScope scope = AclScope::user;
  std::string user;  // AclScope::user only
  spec::AclAccess access = spec::AclAccess::read;
  std::string topic;

  bool operator==(const AclRule& other) const { return key() == other.key(); }
  bool operator!=(const AclRule& other) const { return !(*this == other); }
  bool operator<(const AclRule& other) const { return key() < other.key(); }

 private:
  std::tuple<AclScope, const std::string&, spec::AclAccess, const std::string&> key() const {
    return {scope, user, access, topic};
  }
};

// "write sensors/7/#"
std::string describe(const AclRule& rule);
// Whose rule, for people: the user's name, "(anonymous)" or "(patterns)".
std::string rule_owner(const AclRule& rule);

struct AclLine {
  int number = 0;  // 1-based
  AclRule rule;
};

// A line 2.0.11 refuses; with one of them the broker loads no ACL at all.
struct AclProblem {
  int number = 0;
  std::string problem;  // "invalid access type 'wirte'", ...
};

struct AclFileContent {
  std::vector<AclLine> rules;  // in file order, duplicates included
  std::vector<AclProblem> problems;
};

// Never throws. As 2.0.11 reads it: each line trimmed of trailing
// whitespace; '#' in the first column starts a comment; tokens split on
// single spaces; `topic [ACCESS] FILTER` and `pattern [ACCESS] FILTER`
// (ACCESS read | write | readwrite | deny, readwrite when left out; the
// filter is the rest of the line, trimmed), `user NAME` (the rest of the
// line, trimmed). Anything else, a missing name or filter, an unknown
// access or a filter mosquitto_sub_topic_check refuses is a problem. A
// line holding a NUL byte is a problem too (the broker would read only
// the part before it).
AclFileContent parse_acl_file(const std::string& text);

// The file granting exactly `rules` (duplicates written once): the
// managed header, anonymous rules, patterns, then one `user` block per
// user in order of first appearance, each section in the order given.
// Throws mosq::Error when a rule cannot be written so that the broker
// reads it back as given (an empty or blank-edged name or filter, a
// control character, a filter the broker refuses): the spec refuses such
// values first; this is the second net. The text is parsed back with
// parse_acl_file before it is returned (see check_acl_text).
std::string render_acl_file(const std::vector<AclRule>& rules);

// Throws mosq::Error unless `text` parses without a problem and grants
// exactly the set of `rules`.
void check_acl_text(const std::string& text, const std::vector<AclRule>& rules);

}  // namespace mosq::broker
