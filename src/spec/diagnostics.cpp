#include "spec/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace mosq::spec {

void Diagnostics::add(Mark mark, std::string field, std::string message) {
  if (m_items.size() >= k_max_kept) {
    ++m_dropped;  // bounded memory; only counted
    return;
  }
  m_items.push_back(Diagnostic{m_file, mark, std::move(field), std::move(message)});
}

void Diagnostics::throw_if_any() const {
  if (m_items.empty()) {
    return;
  }
  std::vector<Diagnostic> sorted = m_items;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.mark.line, a.mark.column) < std::tie(b.mark.line, b.mark.column);
  });
  // The same problem reached twice (an alias read in two places) once.
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [](const Diagnostic& a, const Diagnostic& b) {
                             return a.mark.line == b.mark.line && a.mark.column == b.mark.column &&
                                    a.field == b.field && a.message == b.message;
                           }),
               sorted.end());
  // A spec with a million bad lines gets the first ones and a count, not
  // a million lines of output.
  if (sorted.size() + m_dropped > k_max_reported) {
    const std::size_t more = sorted.size() + m_dropped - std::min(sorted.size(), k_max_reported);
    sorted.resize(std::min(sorted.size(), k_max_reported));
    sorted.push_back(Diagnostic{m_file, Mark{}, "", "... and " + std::to_string(more) + " more problems"});
  }
  throw SpecError(std::move(sorted));
}

}  // namespace mosq::spec
