// Adopting a hand-made setup: the broker's own config (broker.main_config
// and its include_dir files, observe/main_config.h) must not say what the
// managed snippet says. A tutorial's `password_file`, `allow_anonymous` or
// `listener 8883` block left in mosquitto.conf makes the broker refuse to
// start ("Duplicate password_file value") or listen twice; each such line
// is an error located at its file and line, naming the line to delete.
// The tool never edits the hand-made files itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "observe/main_config.h"
#include "spec/spec.h"
#include "spec/spec_error.h"

namespace mosq::plan {

// desired_config: the managed snippet's text as it will be written.
// Conflicts in load order; file is the path as the broker names it.
std::vector<spec::Diagnostic> main_config_conflicts(const spec::Spec& spec,
                                                    const observe::ObservedMainConfig& main_config,
                                                    const std::string& desired_config);

// A warning when the main config does not include the snippet's directory
// (the broker would never read it), unless the main config is absent.
std::optional<std::string> snippet_not_included_warning(const spec::Spec& spec,
                                                        const observe::ObservedMainConfig& main_config);

}  // namespace mosq::plan
