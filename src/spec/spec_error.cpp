#include "spec/spec_error.h"

#include <utility>

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

void throw_located(const Spec& spec, const Mark& mark, const std::string& field,
                   const std::string& message) {
  throw SpecError({Diagnostic{spec.source_file, mark, field, message}});
}

}  // namespace mosq::spec
