// broker.yaml -> Spec. Validates everything the schema
// (schemas/broker.schema.json) says, plus the cross-field rules it cannot
// express, and reports every problem found, each located:
//   broker.yaml:23:5: users[1].password: plaintext passwords are refused ...
#pragma once

// Only the command line (cli/) loads a spec; the layers after it are given
// the Spec. One that reports a problem in it wants spec/spec_error.h.
#if defined(MOSQ_LAYER_BROKER) || defined(MOSQ_LAYER_OBSERVE) || defined(MOSQ_LAYER_PLAN) || \
    defined(MOSQ_LAYER_RENDER) || defined(MOSQ_LAYER_APPLY)
#error "spec/loader.h is for cli/: include spec/spec_error.h for SpecError and throw_located"
#endif

#include <string>

#include "spec/spec.h"
#include "spec/spec_error.h"

namespace mosq::spec {

// Parses and validates. `file` names the spec in messages. Throws SpecError.
Spec load_spec(const std::string& file, const std::string& yaml_text);

}  // namespace mosq::spec
