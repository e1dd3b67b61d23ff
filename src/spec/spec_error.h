// The error a spec problem raises, located in the spec file. The loader
// throws it with everything it found; later layers (observe, resolving
// secrets) throw it for one problem found after loading, so that the
// message and the JSON diagnostics name the spec's line and field.
#pragma once

#include <string>
#include <vector>

#include "spec/spec.h"
#include "util/error.h"

namespace mosq::spec {

struct Diagnostic {
  std::string file;
  Mark mark;
  std::string field;    // "users[1].password", "" for the document
  std::string message;  // what is wrong and the way out

  // "file:line:col: field: message"
  std::string to_string() const;
};

// Thrown by load_spec with all problems found; what() is every diagnostic's
// to_string(), one per line.
class SpecError : public Error {
 public:
  explicit SpecError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }

 private:
  std::vector<Diagnostic> m_diagnostics;
};

// For problems found after loading (a missing environment variable, a
// passphrase that does not open the CA key): one located diagnostic.
[[noreturn]] void throw_located(const Spec& spec, const Mark& mark, const std::string& field,
                                const std::string& message);

}  // namespace mosq::spec
