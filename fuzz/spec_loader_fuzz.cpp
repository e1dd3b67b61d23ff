// Fuzz target: the spec loader (broker.yaml -> Spec), mosq::spec::load_spec.
// Promise: any text gives a Spec or a SpecError naming at least one problem
// (at most 50 and a count of the rest); nothing else may escape.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "spec/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  try {
    const mosq::spec::Spec spec = mosq::spec::load_spec("fuzz.yaml", yaml);
    FUZZ_CHECK(spec.source_file == "fuzz.yaml");
  } catch (const mosq::spec::SpecError& error) {
    const auto& diagnostics = error.diagnostics();
    FUZZ_CHECK(!diagnostics.empty());
    FUZZ_CHECK(diagnostics.size() <= 51);
    for (const auto& diagnostic : diagnostics) {
      FUZZ_CHECK(diagnostic.file == "fuzz.yaml");
      FUZZ_CHECK(!diagnostic.message.empty());
      FUZZ_CHECK(diagnostic.mark.line >= 0 && diagnostic.mark.column >= 0);
    }
  }
  return 0;
}
