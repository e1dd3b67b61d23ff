// Fuzz target: Mosquitto's ACL file, mosq::broker::parse_acl_file, and the
// renderer's round trip, mosq::broker::render_acl_file.
// Promises: parsing never throws; rule and problem line numbers lie within
// the file and rise; every rule's filter is one 2.0.11 accepts; the rules
// read, rendered, read again are the same set; the renderer refuses only a
// value the broker would not read back as given (outer blanks or control
// characters, never produced by the reader from a line it accepts, except
// a name or filter with inner control characters such as a tab).
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "broker/acl_file.h"
#include "fuzz_check.h"
#include "spec/acl_topic.h"
#include "util/error.h"

namespace {

bool has_control(const std::string& value) {
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const mosq::broker::AclFileContent content = mosq::broker::parse_acl_file(text);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  int last = 0;
  std::set<mosq::broker::AclRule> rules;
  bool writable = true;
  for (const auto& line : content.rules) {
    FUZZ_CHECK(line.number > last && line.number <= lines);
    last = line.number;
    FUZZ_CHECK(!mosq::spec::broker_topic_filter_problem(line.rule.topic));
    FUZZ_CHECK(line.rule.scope != mosq::broker::AclScope::user || !line.rule.user.empty());
    writable = writable && !line.rule.topic.empty() && !has_control(line.rule.topic) && !has_control(line.rule.user);
    rules.insert(line.rule);
  }
  last = 0;
  for (const auto& problem : content.problems) {
    FUZZ_CHECK(problem.number > last && problem.number <= lines);
    FUZZ_CHECK(!problem.problem.empty());
    last = problem.number;
  }
  std::string rendered;
  try {
    rendered = mosq::broker::render_acl_file({rules.begin(), rules.end()});
  } catch (const mosq::Error&) {
    FUZZ_CHECK(!writable);
    return 0;
  }
  const mosq::broker::AclFileContent again = mosq::broker::parse_acl_file(rendered);
  FUZZ_CHECK(again.problems.empty());
  std::set<mosq::broker::AclRule> reread;
  for (const auto& line : again.rules) reread.insert(line.rule);
  FUZZ_CHECK(reread == rules);
  FUZZ_CHECK(mosq::broker::render_acl_file({reread.begin(), reread.end()}) == rendered);
  return 0;
}
