// Cross-field rules: what a field-by-field read cannot see (duplicates,
// one field constraining another, one section requiring another). Each
// problem is reported where the offending field is written.
#pragma once

#include "spec/spec.h"
#include "spec/yaml_reader.h"

namespace mosq::spec {

void check_rules(const Spec& spec, YamlReader& reader);

}  // namespace mosq::spec
