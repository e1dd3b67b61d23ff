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

std::vector<FileDiff> file_diffs(const plan::Plan& plan, const observe::Observed& observed) {
  std::vector<FileDiff> diffs;
  for (const plan::Change& change : plan.changes) {
    if (!change.content_changes) continue;
    if (change.kind == plan::ResourceKind::broker_config && change.desired_content) {
      diffs.push_back({change.path, change.current_content.has_value(),
                       change.current_content.value_or(""), *change.desired_content});
    } else if (change.kind == plan::ResourceKind::password_file) {
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
          redacted, change,
          [](const std::string& user) { return user + ":(sensitive value, new)"; });
      diffs.push_back({change.path, observed.password_file.file.exists(), std::move(before),
                       std::move(after)});
    }
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
