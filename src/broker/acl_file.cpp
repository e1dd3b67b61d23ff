#include "broker/acl_file.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "spec/acl_topic.h"
#include "util/error.h"

namespace mosq::broker {
namespace {

bool is_c_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trim_c_space(const std::string& s) {
  std::size_t begin = 0;
  while (begin < s.size() && is_c_space(s[begin])) ++begin;
  std::size_t end = s.size();
  while (end > begin && is_c_space(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

// strtok_r(s, " ", &save) over `line` from `pos`: the next token and the
// position after the one space that ended it (npos at the end).
struct Token {
  std::string text;
  std::size_t next = std::string::npos;
};

std::optional<Token> next_token(const std::string& line, std::size_t pos) {
  if (pos == std::string::npos) return std::nullopt;
  const std::size_t begin = line.find_first_not_of(' ', pos);
  if (begin == std::string::npos) return std::nullopt;
  const std::size_t end = line.find(' ', begin);
  if (end == std::string::npos) return Token{line.substr(begin), std::string::npos};
  return Token{line.substr(begin, end - begin), end + 1};
}

// strtok_r(NULL, "", &save): the rest of the line, or nothing when empty.
std::optional<std::string> rest_of(const std::string& line, std::size_t pos) {
  if (pos == std::string::npos || pos >= line.size()) return std::nullopt;
  return line.substr(pos);
}

std::optional<spec::AclAccess> access_from(const std::string& word) {
  if (word == "read") return spec::AclAccess::read;
  if (word == "write") return spec::AclAccess::write;
  if (word == "readwrite") return spec::AclAccess::readwrite;
  if (word == "deny") return spec::AclAccess::deny;
  return std::nullopt;
}

bool writable_value(const std::string& value) {
  if (value.empty() || is_c_space(value.front()) || is_c_space(value.back())) return false;
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

// The second net: a rule whose values would not read back as given is
// never written.
void check_writable(const AclRule& rule) {
  if (!writable_value(rule.topic) || spec::broker_topic_filter_problem(rule.topic)) {
    throw Error("internal error: refusing to write an ACL rule whose topic filter the broker would not read "
                "back as given");
  }
  if (rule.scope == AclScope::user && !writable_value(rule.user)) {
    throw Error("internal error: refusing to write an ACL user line whose name the broker would not read "
                "back as given");
  }
}

std::string rule_line(const AclRule& rule) {
  return std::string(rule.scope == AclScope::pattern ? "pattern " : "topic ") +
         std::string(spec::acl_access_name(rule.access)) + " " + rule.topic + "\n";
}

}  // namespace

std::string describe(const AclRule& rule) {
  return std::string(spec::acl_access_name(rule.access)) + " " + rule.topic;
}

std::string rule_owner(const AclRule& rule) {
  switch (rule.scope) {
    case AclScope::anonymous: return "(anonymous)";
    case AclScope::pattern: return "(patterns)";
    case AclScope::user: return rule.user;
  }
  return rule.user;
}

AclFileContent parse_acl_file(const std::string& text) {
  AclFileContent content;
  std::optional<std::string> user;
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const auto problem = [&](std::string why) { content.problems.push_back({number, std::move(why)}); };
    if (line.find('\0') != std::string::npos) {
      problem("a NUL byte (the broker reads only the part before it)");
      continue;
    }
    while (!line.empty() && is_c_space(line.back())) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const std::optional<Token> first = next_token(line, 0);
    if (!first) continue;  // spaces only
    if (first->text == "topic" || first->text == "pattern") {
      const std::optional<Token> access_word = next_token(line, first->next);
      if (!access_word) {
        problem("empty topic");
        continue;
      }
      std::optional<spec::AclAccess> access = spec::AclAccess::readwrite;
      std::string topic;
      if (const auto rest = rest_of(line, access_word->next)) {
        topic = trim_c_space(*rest);
        access = access_from(access_word->text);
        if (!access) {
          problem("invalid topic access type '" + access_word->text + "'");
          continue;
        }
      } else {
        topic = access_word->text;  // "topic FILTER": readwrite
      }
      if (const auto why = spec::broker_topic_filter_problem(topic)) {
        problem("invalid topic filter '" + topic + "': " + *why);
        continue;
      }
      AclRule rule;
      rule.access = *access;
      rule.topic = topic;
      if (first->text == "pattern") {
        rule.scope = AclScope::pattern;
      } else if (user) {
        rule.scope = AclScope::user;
        rule.user = *user;
      } else {
        rule.scope = AclScope::anonymous;
      }
      content.rules.push_back({number, std::move(rule)});
    } else if (first->text == "user") {
      const auto rest = rest_of(line, first->next);
      if (!rest) {
        problem("missing user name");
        continue;
      }
      user = trim_c_space(*rest);
    } else {
      problem("not a topic, pattern or user line");
    }
  }
  return content;
}

std::string render_acl_file(const std::vector<AclRule>& rules) {
  std::set<AclRule> written;
  std::vector<const AclRule*> anonymous, patterns;
  std::vector<std::string> users;
  std::map<std::string, std::vector<const AclRule*>> by_user;
  for (const AclRule& rule : rules) {
    check_writable(rule);
    if (!written.insert(rule).second) continue;
    switch (rule.scope) {
      case AclScope::anonymous: anonymous.push_back(&rule); break;
      case AclScope::pattern: patterns.push_back(&rule); break;
      case AclScope::user:
        if (by_user.count(rule.user) == 0) users.push_back(rule.user);
        by_user[rule.user].push_back(&rule);
        break;
    }
  }
  std::ostringstream out;
  out << "# Managed by mosq-reconcile. Do not edit: the next run puts it back.\n";
  if (!anonymous.empty()) {
    out << "\n# Clients without a user name\n";
    for (const AclRule* rule : anonymous) out << rule_line(*rule);
  }
  if (!patterns.empty()) {
    out << "\n# Every user (%u: user name, %c: client id)\n";
    for (const AclRule* rule : patterns) out << rule_line(*rule);
  }
  for (const std::string& name : users) {
    out << "\nuser " << name << "\n";
    for (const AclRule* rule : by_user[name]) out << rule_line(*rule);
  }
  std::string text = out.str();
  check_acl_text(text, rules);
  return text;
}

void check_acl_text(const std::string& text, const std::vector<AclRule>& rules) {
  const AclFileContent parsed = parse_acl_file(text);
  if (!parsed.problems.empty()) {
    throw Error("internal error: the ACL file to be written does not parse (line " +
                std::to_string(parsed.problems.front().number) + ": " + parsed.problems.front().problem +
                "); nothing was written");
  }
  std::set<AclRule> read_back;
  for (const AclLine& line : parsed.rules) read_back.insert(line.rule);
  if (read_back != std::set<AclRule>(rules.begin(), rules.end())) {
    throw Error("internal error: the ACL file to be written does not grant exactly the planned rules; "
                "nothing was written");
  }
}

}  // namespace mosq::broker
