#include "spec/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace mosq::spec {
namespace {

std::string join_lines(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& diagnostic : diagnostics) {
    if (!text.empty()) {
      text += '\n';
    }
    text += diagnostic.to_string();
  }
  return text;
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string text = file;
  if (mark.line > 0) {
    text += ':' + std::to_string(mark.line) + ':' + std::to_string(mark.column);
  }
  text += ": ";
  if (!field.empty()) {
    text += field + ": ";
  }
  text += message;
  return text;
}

SpecError::SpecError(std::vector<Diagnostic> diagnostics)
    : Error(join_lines(diagnostics)), m_diagnostics(std::move(diagnostics)) {}

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

namespace mosq::spec {

void throw_located(const Spec& spec, const Mark& mark, const std::string& field,
                   const std::string& message) {
  throw SpecError({Diagnostic{spec.source_file, mark, field, message}});
}

}  // namespace mosq::spec
