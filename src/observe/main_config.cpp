#include "observe/main_config.h"

#include <algorithm>

#include "observe/read_limits.h"
#include "util/error.h"

namespace mosq::observe {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_hand_file(const FileSystem& fs, const Root& root, const std::string& path) {
  const HostPath host = root.host_path(path);
  // An input the operator made: a link is followed, inside the root.
  ReadResult read = fs.read(host, k_max_config_bytes, LastLink::followed);
  if (read.status != ReadStatus::ok) {
    throw Error(host.str() + ": cannot read the broker's config: " +
                (read.status == ReadStatus::missing ? std::string("it does not exist") : read.error));
  }
  return std::move(read.content);
}

}  // namespace

ObservedMainConfig observe_main_config(const spec::Spec& spec, const FileSystem& fs, const Root& root) {
  ObservedMainConfig observed;
  observed.path = spec.broker.main_config;
  const std::optional<std::string> main = normalize_path(spec.broker.main_config);
  const std::optional<std::string> snippet = normalize_path(spec.broker.config_file);
  if (!main || main == snippet) return observed;  // the tool owns the whole config
  const HostPath host = root.host_path(*main);
  if (!fs.stat(host, LastLink::followed).exists()) return observed;
  observed.exists = true;
  observed.files.push_back({*main, broker::parse_config_directives(read_hand_file(fs, root, *main))});
  // include_dir is read from the main config only (mosquitto.conf(5)).
  const std::vector<broker::ConfigDirective> main_directives = observed.files.front().directives;
  for (const broker::ConfigDirective& d : main_directives) {
    if (d.name != "include_dir" || d.value.empty() || d.value.front() != '/') continue;
    const std::optional<std::string> dir = normalize_path(d.value);
    if (!dir) continue;
    observed.include_dirs.push_back(*dir);
    // Not made yet (the snippet's own directory, before the first apply):
    // nothing in it to collide with.
    if (!fs.stat(root.host_path(*dir), LastLink::followed).exists()) continue;
    std::vector<std::string> names = fs.list_directory(root.host_path(*dir));
    names.erase(std::remove_if(names.begin(), names.end(),
                               [](const std::string& name) { return !ends_with(name, ".conf"); }),
                names.end());
    std::sort(names.begin(), names.end(), broker::include_order_less);
    for (const std::string& name : names) {
      const std::string path = (*dir == "/" ? "" : *dir) + "/" + name;
      if (path == snippet) continue;  // what the tool writes
      if (!fs.stat(root.host_path(path), LastLink::followed).exists()) continue;  // a dangling link
      observed.files.push_back({path, broker::parse_config_directives(read_hand_file(fs, root, path))});
    }
  }
  return observed;
}

}  // namespace mosq::observe
