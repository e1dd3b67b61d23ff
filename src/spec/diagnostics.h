// Collects the problems found in a spec, so that one run reports them all.
#pragma once

#include <string>
#include <vector>

#include "spec/loader.h"

namespace mosq::spec {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : m_file(std::move(file)) {}

  void add(Mark mark, std::string field, std::string message);
  bool empty() const { return m_items.empty(); }
  const std::string& file() const { return m_file; }

  // Throws SpecError with everything collected, in file order, when
  // anything was; otherwise returns.
  void throw_if_any() const;

 private:
  std::string m_file;
  std::vector<Diagnostic> m_items;
};

}  // namespace mosq::spec
