// Collects the problems found in a spec, so that one run reports them all.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "spec/spec_error.h"

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
  // At most k_max_reported problems are reported (in file order), then a
  // count of the rest; at most k_max_kept are held while reading.
  static constexpr std::size_t k_max_reported = 50;
  static constexpr std::size_t k_max_kept = 10'000;

  std::string m_file;
  std::vector<Diagnostic> m_items;
  std::size_t m_dropped = 0;
};

}  // namespace mosq::spec
