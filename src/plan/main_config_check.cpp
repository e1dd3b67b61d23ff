#include "plan/main_config_check.h"

#include <map>
#include <set>

#include "broker/config_directives.h"
#include "util/root.h"

namespace mosq::plan {
namespace {

// The port a `listener` or `port` line names (its first token).
std::optional<int> listener_port_of(const broker::ConfigDirective& d) {
  return broker::parse_port(d.value.substr(0, d.value.find_first_of(" \t")));
}

std::string shown(const broker::ConfigDirective& d) { return d.value.empty() ? d.name : d.name + " " + d.value; }

}  // namespace

std::vector<spec::Diagnostic> main_config_conflicts(const spec::Spec& spec,
                                                    const observe::ObservedMainConfig& main_config,
                                                    const std::string& desired_config) {
  std::vector<spec::Diagnostic> conflicts;
  if (!main_config.exists) return conflicts;
  const std::string& snippet = spec.broker.config_file;
  // What the snippet owns: its global options and its listeners' ports.
  std::map<std::string, broker::ConfigDirective> owned_options;
  std::map<int, int> owned_ports;  // port -> its listener line in the snippet
  for (const broker::ConfigDirective& d : broker::parse_config_directives(desired_config)) {
    if (d.name == "listener") {
      if (auto port = listener_port_of(d)) owned_ports.emplace(*port, d.line);
    } else if (!d.in_listener && d.name != "port") {
      owned_options.emplace(d.name, d);
    }
  }
  auto managed_listener = [&](int port) {
    return "listener " + std::to_string(port) + " (" + snippet + ":" + std::to_string(owned_ports.at(port)) + ")";
  };
  for (const observe::HandConfigFile& file : main_config.files) {
    auto conflict = [&](const broker::ConfigDirective& d, const std::string& message) {
      conflicts.push_back(spec::Diagnostic{file.path, spec::Mark{d.line, 1}, "", message});
    };
    for (const broker::ConfigDirective& d : file.directives) {
      if (auto it = owned_options.find(d.name); it != owned_options.end()) {
        const broker::ConfigDirective& mine = it->second;
        const std::string verb = mine.value == d.value ? "duplicates" : "contradicts";
        conflict(d, "`" + shown(d) + "` " + verb + " the managed `" + shown(mine) + "` (" + snippet + ":" +
                        std::to_string(mine.line) + "): delete this line");
      } else if (d.name == "listener") {
        const auto port = listener_port_of(d);
        if (port && owned_ports.count(*port)) {
          conflict(d, "`" + shown(d) + "` is also the managed " + managed_listener(*port) +
                          ": delete this line and the listener options under it");
        }
      } else if (d.name == "port") {
        const auto port = listener_port_of(d);
        if (port && owned_ports.count(*port)) {
          conflict(d, "`" + shown(d) + "` opens the default listener on the port of the managed " +
                          managed_listener(*port) + ": delete this line");
        }
      } else if (d.in_listener && d.listener_port && owned_ports.count(*d.listener_port)) {
        const std::string whose = d.listener_line > 0 ? "the listener on line " + std::to_string(d.listener_line)
                                                      : std::string("the default listener");
        conflict(d, "`" + shown(d) + "` configures " + whose + ", on the port of the managed " +
                        managed_listener(*d.listener_port) + ": delete this line");
      }
    }
  }
  return conflicts;
}

std::optional<std::string> snippet_not_included_warning(const spec::Spec& spec,
                                                        const observe::ObservedMainConfig& main_config) {
  if (!main_config.exists) return std::nullopt;
  const std::optional<std::string> snippet = normalize_path(spec.broker.config_file);
  if (!snippet) return std::nullopt;
  const std::string dir = parent_path(*snippet);
  for (const std::string& included : main_config.include_dirs) {
    if (included == dir && snippet->size() > 5 && snippet->compare(snippet->size() - 5, 5, ".conf") == 0) {
      return std::nullopt;
    }
  }
  return "the broker does not read " + spec.broker.config_file + ": " + main_config.path +
         " has no `include_dir " + dir + "` (and the file must end in .conf); add that line, or start "
         "the broker with -c " + spec.broker.config_file + " and set broker.main_config to it";
}

}  // namespace mosq::plan
