#include "render/diff.h"

#include <sstream>

#include "plan/password_file_plan.h"
#include "util/unified_diff.h"

namespace mosq::render {

std::string redact_password_file(const std::string& content) {
  std::istringstream in(content);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    const bool blank = line.find_first_not_of(" \t\r") == std::string::npos;
    if (!blank && line.front() != '#') {
      // A line without ':' may be a password pasted alone: never show it.
      line = colon == std::string::npos ? "(unparsable line)"
                                         : line.substr(0, colon) + ":(sensitive value)";
    }
    out += line + "\n";
  }
  return out;
}

namespace {

FileDiff password_file_diff(const plan::Change& change, const observe::Observed& observed) {
  broker::PasswordFileContent redacted = observed.password_file.content;
  std::string before;
  for (auto& line : redacted.lines) {
    line.raw = redact_password_file(line.raw);
    // It ends every line with '\n', except a blank one, which comes back
    // empty: popping from "" was undefined behaviour (std::bad_alloc).
    if (!line.raw.empty() && line.raw.back() == '\n') line.raw.pop_back();
    before += line.raw + "\n";
  }
  std::string after = plan::next_password_file(
      redacted, change, [](const std::string& user) { return user + ":(sensitive value, new)"; });
  return {change.path, observed.password_file.file.exists(), std::move(before), std::move(after)};
}

}  // namespace

std::vector<FileDiff> file_diffs(const plan::Plan& plan, const observe::Observed& observed) {
  std::vector<FileDiff> diffs;
  for (const plan::Change& change : plan.changes) {
    if (!change.content_changes) continue;
    const auto text_file = [&](const std::string& desired, const std::optional<std::string>& current) {
      diffs.push_back({change.path, current.has_value(), current.value_or(""), desired});
    };
    std::visit(plan::Overloaded{
                   [&](const plan::ConfigDetails& d) { text_file(d.desired_content, d.current_content); },
                   [&](const plan::AclFileDetails& d) { text_file(d.desired_content, d.current_content); },
                   [&](const plan::PasswordFileDetails&) {
                     diffs.push_back(password_file_diff(change, observed));
                   },
                   [](const plan::KeyDetails&) {}, [](const plan::CertificateDetails&) {}},
               change.details);
  }
  return diffs;
}

std::string render_diff(const plan::Plan& plan, const observe::Observed& observed) {
  std::string out;
  for (const FileDiff& diff : file_diffs(plan, observed)) {
    out += unified_diff(diff.before, diff.after, diff.exists ? diff.path : "/dev/null", diff.path);
  }
  return out;
}

}  // namespace mosq::render
