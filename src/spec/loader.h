// broker.yaml -> Spec. Validates everything the schema
// (schemas/broker.schema.json) says, plus the cross-field rules it cannot
// express, and reports every problem found, each located:
//   broker.yaml:23:5: users[1].password: plaintext passwords are refused ...
#pragma once

#include <string>

#include "spec/spec.h"
#include "spec/spec_error.h"

namespace mosq::spec {

// Parses and validates. `file` names the spec in messages. Throws SpecError.
Spec load_spec(const std::string& file, const std::string& yaml_text);

}  // namespace mosq::spec
