#include "spec/acl_topic.h"

#include <algorithm>

#include "spec/value_text.h"

namespace mosq::spec {

std::optional<std::string> broker_topic_filter_problem(std::string_view filter) {
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') continue;
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level) {
      return std::string("'") + c + "' must be a whole topic level (byte " + std::to_string(i + 1) + ")";
    }
    if (c == '#' && i + 1 != filter.size()) return std::string("'#' must be the last topic level");
  }
  if (filter.size() > k_max_topic_bytes) {
    return "longer than " + std::to_string(k_max_topic_bytes) + " bytes";
  }
  if (static_cast<std::size_t>(std::count(filter.begin(), filter.end(), '/')) + 1 > k_max_topic_levels) {
    return "more than " + std::to_string(k_max_topic_levels) + " topic levels";
  }
  return std::nullopt;
}

std::optional<std::string> acl_topic_problem(std::string_view filter, bool pattern) {
  if (filter.empty()) return std::string("an empty topic filter");
  if (filter.find('\0') != std::string_view::npos) return std::string("a NUL byte");
  if (auto problem = value_text_problem(filter, k_max_topic_bytes)) return problem;
  if (has_outer_space(filter)) {
    return std::string("starts or ends with a space (the broker's parser trims it)");
  }
  if (auto problem = broker_topic_filter_problem(filter)) return problem;
  std::size_t begin = 0;
  while (begin <= filter.size()) {
    const std::size_t end = std::min(filter.find('/', begin), filter.size());
    const std::string_view level = filter.substr(begin, end - begin);
    for (const std::string_view token : {std::string_view("%u"), std::string_view("%c")}) {
      if (level.find(token) == std::string_view::npos) continue;
      if (!pattern) {
        return std::string(token) +
               " is replaced only in acl.patterns; in this rule the broker takes it literally";
      }
      if (level != token) {
        return std::string(token) + " must be a whole topic level (it is in '" + std::string(level) + "')";
      }
    }
    begin = end + 1;
  }
  return std::nullopt;
}

}  // namespace mosq::spec
